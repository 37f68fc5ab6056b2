"""Tokens from an external OpenID Connect provider, when one is configured."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

ISSUER = "https://idp.example.test"
AUDIENCE = "claimgraph-api"


@pytest.fixture(scope="module")
def provider_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "idp-1"})


@pytest.fixture(scope="module")
async def oidc_client(db_url, provider_key, tmp_path_factory):
    from graph.app import create_app
    from graph.config import Settings

    jwks = tmp_path_factory.mktemp("idp") / "jwks.json"
    jwks.write_text(json.dumps(KeySet([provider_key]).as_dict(private=False)))
    settings = Settings(oidc_issuer=ISSUER, oidc_jwks_url=f"file://{jwks}", oidc_audience=AUDIENCE)
    app = create_app(db_url, settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client
    await app.state.engine.dispose()


def _token(key, **overrides) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER, "aud": AUDIENCE, "sub": "idp|maria", "email": "maria@idp.example.test",
        "iat": now, "exp": now + 300, "claimgraph_role": "member",
    }  # fmt: skip
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    header = {"alg": "RS256", "kid": key.kid} if key.kid else {"alg": "RS256"}
    return jwt.encode(header, claims, key, algorithms=["RS256"])


async def _post(client, token: str):
    return await client.post(
        "/graphql",
        json={"query": "{ me { email role member { memberNumber claims { totalCount } } } }"},
        headers={"Authorization": f"Bearer {token}"},
    )


async def test_a_provider_token_signs_in_with_the_role_and_ids_of_its_claims(
    oidc_client, provider_key, users, gql
):
    maria = users["member@example.com"]
    response = await _post(
        oidc_client, _token(provider_key, claimgraph_member_id=str(maria["member_id"]))
    )
    assert response.status_code == 200, response.text
    me = response.json()["data"]["me"]
    assert me["email"] == "maria@idp.example.test" and me["role"] == "MEMBER"
    local = await gql(
        "{ me { member { memberNumber claims { totalCount } } } }", as_="member@example.com"
    )
    assert me["member"] == local["data"]["me"]["member"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"aud": "someone-else"},
        {"exp": int(time.time()) - 120},
        {"sub": None},
        {"claimgraph_role": None},
        {"claimgraph_role": "superuser"},
        {},  # a member token without its member id
        {"claimgraph_member_id": "not-an-id"},
    ],
    ids=["audience", "expired", "no-subject", "no-role", "unknown-role", "no-member-id", "bad-id"],
)
async def test_provider_tokens_that_fail_a_check_are_refused(oidc_client, provider_key, overrides):
    response = await _post(oidc_client, _token(provider_key, **overrides))
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_token_signed_by_a_key_not_in_the_providers_jwks_is_refused(oidc_client, users):
    stranger = RSAKey.generate_key(2048, parameters={"kid": "idp-1"})
    token = _token(stranger, claimgraph_member_id=str(users["member@example.com"]["member_id"]))
    assert (await _post(oidc_client, token)).status_code == 401


async def test_our_own_tokens_still_work_beside_the_provider(oidc_client, token_for):
    response = await oidc_client.post(
        "/graphql",
        json={"query": "{ me { email } }"},
        headers={"Authorization": f"Bearer {token_for('admin@example.com')}"},
    )
    assert response.json()["data"]["me"]["email"] == "admin@example.com"


async def test_an_external_user_writes_as_a_shadow_account_an_admin_can_deactivate(
    oidc_client, provider_key, gql, engine
):
    """First sight makes a local account without a password: writes can name the user,
    the audit trail too, and deactivating it here shuts the provider's tokens out."""
    import base64
    import uuid

    from sqlalchemy import text

    subject = f"idp|staff-{uuid.uuid4().hex[:8]}"
    token = _token(provider_key, sub=subject, email=f"{subject[4:]}@idp.example.test",
                   claimgraph_role="adjudicator")  # fmt: skip
    queue = await oidc_client.post(
        "/graphql",
        json={"query": "{ claims(first: 1, filter: {status: [SUBMITTED]}) "
                       "{ edges { node { id version } } } }"},
        headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip
    claim = queue.json()["data"]["claims"]["edges"][0]["node"]
    assigned = await oidc_client.post("/graphql", json={
        "query": "mutation($c: ID!, $v: Int!) { assignClaim(claimId: $c, version: $v) "
                 "{ __typename } }", "variables": {"c": claim["id"], "v": claim["version"]}},
        headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert assigned.json()["data"]["assignClaim"]["__typename"] == "ClaimAssigned"
    claim_id = base64.urlsafe_b64decode(claim["id"] + "==").decode().split(":")[1]
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT c.assigned_to, u.password_hash, u.role FROM claims c JOIN users u "
                    "ON u.id = c.assigned_to WHERE c.id = CAST(:c AS uuid)"
                ),
                {"c": claim_id},
            )
        ).one()
        audited = (await conn.execute(text(
            "SELECT count(*) FROM audit_log WHERE user_id = :u AND action = 'review_started'"),
            {"u": row.assigned_to})).scalar_one()  # fmt: skip
    assert row.password_hash is None and row.role == "adjudicator" and audited == 1

    user_gid = base64.urlsafe_b64encode(f"User:{row.assigned_to}".encode()).decode().rstrip("=")
    done = await gql('mutation($id: ID!) { deactivateUser(userId: $id, reason: "Left") '
                     "{ __typename } }", {"id": user_gid})  # fmt: skip
    assert done["data"]["deactivateUser"]["__typename"] == "UserSaved"
    refused = await oidc_client.post("/graphql", json={"query": "{ me { email } }"},
                                     headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert refused.status_code == 401
