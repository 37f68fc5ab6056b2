"""Authentication comes first: no valid bearer token, no data."""

from __future__ import annotations

import base64
import json
import time
import uuid

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey

from graph.auth import issue_access_token, signing_key
from graph.config import Settings

ME = "{ me { id email role } }"


async def _post(client, token: str | None, query: str = ME):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return await client.post("/graphql", json={"query": query}, headers=headers)


def _unauthenticated(response) -> str:
    assert response.status_code == 401
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    return body["errors"][0]["message"]


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _claims(user_id, **overrides) -> dict:
    now = int(time.time())
    s = Settings()
    claims = {"iss": s.issuer, "aud": s.audience, "sub": str(user_id), "iat": now, "exp": now + 600}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


async def test_a_request_without_a_token_is_unauthenticated(client):
    _unauthenticated(await _post(client, None))


# GET (off unless ALLOW_GET_QUERIES) and the console: tests/graph/test_exposure.py


async def test_a_valid_token_answers_with_the_user(client, token_for):
    response = await _post(client, token_for("member@example.com"))
    assert response.status_code == 200
    assert response.json()["data"]["me"]["email"] == "member@example.com"


@pytest.mark.parametrize("token", ["", "not-a-jwt", "a.b.c", "Bearer"])
async def test_malformed_tokens_are_refused(client, token):
    _unauthenticated(await _post(client, token))


async def test_an_expired_token_is_refused(client, users):
    user = users["admin@example.com"]
    token = issue_access_token(
        user_id=user["id"], role="admin", settings=Settings(), lifetime_seconds=-120
    )
    assert "expired" in _unauthenticated(await _post(client, token))


async def test_a_token_signed_by_another_key_is_refused(client, users):
    other = ECKey.generate_key("P-256")
    token = issue_access_token(
        user_id=users["admin@example.com"]["id"], role="admin", settings=Settings(), key=other
    )
    _unauthenticated(await _post(client, token))


async def test_alg_none_is_refused(client, users):
    header = _b64({"alg": "none", "typ": "JWT"})
    token = f"{header}.{_b64(_claims(users['admin@example.com']['id']))}."
    _unauthenticated(await _post(client, token))


async def test_hs256_signed_with_the_public_key_is_refused(client, users):
    # the classic key-confusion attack: HMAC keyed with the server's public key
    import hashlib
    import hmac

    public_pem = signing_key().as_pem(private=False)
    signing_input = (
        f"{_b64({'alg': 'HS256', 'typ': 'JWT'})}.{_b64(_claims(users['admin@example.com']['id']))}"
    )
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    signature = base64.urlsafe_b64encode(mac).decode().rstrip("=")
    _unauthenticated(await _post(client, f"{signing_input}.{signature}"))


@pytest.mark.parametrize(
    "override",
    [{"iss": "someone-else"}, {"aud": "another-api"}, {"sub": None}, {"exp": None}],
    ids=["wrong-issuer", "wrong-audience", "no-subject", "no-expiry"],
)
async def test_tokens_with_wrong_or_missing_claims_are_refused(client, users, override):
    claims = _claims(users["admin@example.com"]["id"], **override)
    token = jwt.encode({"alg": "ES256"}, claims, signing_key(), algorithms=["ES256"])
    _unauthenticated(await _post(client, token))


async def test_a_token_for_an_unknown_user_is_refused(client):
    token = issue_access_token(user_id=uuid.uuid4(), role="admin", settings=Settings())
    assert "unknown or inactive" in _unauthenticated(await _post(client, token))


async def test_a_deactivated_user_is_refused_on_the_next_request(client, engine, users):
    from sqlalchemy import update

    from db.tables import users as users_table

    user = users["auditor@example.com"]
    token = issue_access_token(user_id=user["id"], role="auditor", settings=Settings())
    assert (await _post(client, token)).status_code == 200
    async with engine.begin() as conn:
        await conn.execute(
            update(users_table).where(users_table.c.id == user["id"]).values(status="inactive")
        )
    try:
        _unauthenticated(await _post(client, token))
    finally:
        async with engine.begin() as conn:
            await conn.execute(
                update(users_table).where(users_table.c.id == user["id"]).values(status="active")
            )


async def test_a_database_that_is_down_gives_a_clear_error(users, token_for):
    import httpx

    from graph.app import create_app

    app = create_app("postgresql://postgres@127.0.0.1:9/unreachable")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        response = await _post(c, token_for("admin@example.com"))
        ready = await c.get("/readyz")
        alive = await c.get("/healthz")
    await app.state.engine.dispose()
    assert response.status_code == 503
    assert response.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert ready.status_code == 503
    assert alive.status_code == 200


async def test_probes_report_a_migrated_database(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"
