"""Sessions over HTTP: refresh-token rotation and expiry, logout, the client_credentials
grant, and requests the token endpoint refuses.

Tests that change an account use throwaway users (tests/graph/signin_support.py).
"""

from __future__ import annotations

import base64
import logging
import uuid

import pytest
from sqlalchemy import select

from db import accounts
from db.tables import sessions, users
from domain.signin import new_opaque_token, token_digest
from graph import grants
from tests.graph.signin_support import (
    ME,
    PASSWORD,
    _me,
    _password,
    _refused,
    _sql,
    _token,
)


async def _refresh(client, refresh_token: str):
    return await _token(client, grant_type="refresh_token", refresh_token=refresh_token)


async def _signed_in(client, make_user) -> tuple[str, dict]:
    email = await make_user()
    response = await _password(client, email)
    assert response.status_code == 200
    return email, response.json()


async def test_refresh_rotates_and_the_old_token_is_then_refused(client, engine, make_user):
    email, first = await _signed_in(client, make_user)
    response = await _refresh(client, first["refresh_token"])
    assert response.status_code == 200, response.text
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["expires_in"] == 900
    assert await _me(client, second["access_token"]) == email
    third = await _refresh(client, second["refresh_token"])
    assert third.status_code == 200
    async with engine.connect() as conn:
        family = await accounts.family_of(conn, first["refresh_token"])
        stmt = select(sessions.c.expires_at).where(sessions.c.family_id == family)
        expiries = set((await conn.execute(stmt)).scalars())
    assert len(expiries) == 1  # rotation never extends the sign-in past its first expiry
    refused = await _refresh(client, second["refresh_token"])
    assert _refused(refused) == grants.REFRESH_REFUSED[grants.Verdict.REUSED]


async def test_reuse_of_a_rotated_token_revokes_the_whole_family(client, engine, make_user):
    _, first = await _signed_in(client, make_user)
    second = (await _refresh(client, first["refresh_token"])).json()
    _refused(await _refresh(client, first["refresh_token"]))  # stolen copy replayed
    # the legitimate holder's newer token is dead too: the thief gains nothing by racing
    assert (
        _refused(await _refresh(client, second["refresh_token"]))
        == grants.REFRESH_REFUSED[grants.Verdict.REVOKED]
    )
    async with engine.connect() as conn:
        family = await accounts.family_of(conn, first["refresh_token"])
        rows = (await conn.execute(select(sessions).where(sessions.c.family_id == family))).all()
    assert len(rows) == 2 and all(r.revoked_at is not None for r in rows)


async def _age(engine, refresh_token: str, column: str, interval: str) -> None:
    await _sql(
        engine,
        f"UPDATE sessions SET {column} = now() - interval '{interval}'"
        " WHERE refresh_token_hash = :h",
        h=token_digest(refresh_token),
    )


async def test_a_refresh_token_idle_for_31_minutes_is_refused(client, engine, make_user):
    _, tokens = await _signed_in(client, make_user)
    await _age(engine, tokens["refresh_token"], "last_activity", "29 minutes")
    fresh = await _refresh(client, tokens["refresh_token"])
    assert fresh.status_code == 200  # 29 idle minutes are fine
    newer = fresh.json()["refresh_token"]
    await _age(engine, newer, "last_activity", "31 minutes")
    assert _refused(await _refresh(client, newer)) == grants.REFRESH_REFUSED[grants.Verdict.IDLE]


async def test_a_refresh_token_past_its_absolute_expiry_is_refused(client, engine, make_user):
    _, tokens = await _signed_in(client, make_user)
    await _age(engine, tokens["refresh_token"], "expires_at", "1 second")
    refused = await _refresh(client, tokens["refresh_token"])
    assert _refused(refused) == grants.REFRESH_REFUSED[grants.Verdict.EXPIRED]


async def test_an_unknown_refresh_token_is_refused(client):
    refused = await _refresh(client, new_opaque_token())
    assert _refused(refused) == grants.REFRESH_REFUSED[None]


async def test_refresh_stops_when_the_account_is_deactivated(client, engine, make_user):
    email, tokens = await _signed_in(client, make_user)
    await _sql(engine, "UPDATE users SET status = 'suspended' WHERE email = :e", e=email)
    _refused(await _refresh(client, tokens["refresh_token"]))


# -- logout --


async def test_logout_with_the_refresh_token_ends_the_session(client, make_user):
    _, tokens = await _signed_in(client, make_user)
    response = await client.post("/auth/logout", data={"refresh_token": tokens["refresh_token"]})
    assert response.status_code == 200 and response.json() == {"revoked": True}
    _refused(await _refresh(client, tokens["refresh_token"]))


async def test_logout_with_only_the_access_token_ends_every_session_of_the_user(client, make_user):
    email, phone = await _signed_in(client, make_user)
    laptop = (await _password(client, email)).json()
    response = await client.post(
        "/auth/logout", headers={"Authorization": f"Bearer {phone['access_token']}"}
    )
    assert response.status_code == 200 and response.json() == {"revoked": True}
    _refused(await _refresh(client, phone["refresh_token"]))
    _refused(await _refresh(client, laptop["refresh_token"]))


async def test_logout_ends_the_access_tokens_of_that_sign_in_at_once(client, make_user):
    email, phone = await _signed_in(client, make_user)
    laptop = (await _password(client, email)).json()
    assert await _me(client, phone["access_token"]) == email
    response = await client.post("/auth/logout", data={"refresh_token": phone["refresh_token"]})
    assert response.status_code == 200
    ended = await client.post(
        "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {phone['access_token']}"}
    )
    assert ended.status_code == 401
    assert ended.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # another sign-in of the same user is not affected
    assert await _me(client, laptop["access_token"]) == email


async def test_logout_needs_a_token(client):
    _refused(await client.post("/auth/logout"), "invalid_request")
    bad = await client.post("/auth/logout", headers={"Authorization": "Bearer not-a-jwt"})
    _refused(bad, "invalid_token", 401)
    assert bad.headers["www-authenticate"].startswith("Bearer")
    unknown = await client.post("/auth/logout", data={"refresh_token": new_opaque_token()})
    assert unknown.status_code == 200  # RFC 7009: nothing left to end is not an error


# -- client_credentials --


@pytest.fixture
async def service_client(engine, make_user):
    email = await make_user(password=None)
    client_id, secret = f"svc-{uuid.uuid4().hex[:8]}", new_opaque_token()
    async with engine.begin() as conn:
        user_id = (await conn.execute(select(users.c.id).where(users.c.email == email))).scalar()
        await accounts.create_service_client(
            conn, client_id=client_id, secret_hash=token_digest(secret), user_id=user_id, name="t"
        )
    return {"email": email, "client_id": client_id, "secret": secret}


def _basic(client_id: str, secret: str) -> dict:
    raw = f"{client_id}:{secret}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


async def test_client_credentials_by_basic_or_body_give_only_an_access_token(
    client, service_client
):
    sc = service_client
    by_basic = await client.post(
        "/auth/token",
        data={"grant_type": "client_credentials"},
        headers=_basic(sc["client_id"], sc["secret"]),
    )
    by_body = await _token(
        client,
        grant_type="client_credentials",
        client_id=sc["client_id"],
        client_secret=sc["secret"],
    )
    for response in (by_basic, by_body):
        assert response.status_code == 200, response.text
        body = response.json()
        assert "refresh_token" not in body and body["token_type"] == "Bearer"
        assert await _me(client, body["access_token"]) == sc["email"]


async def test_client_credentials_with_a_bad_secret_or_unknown_client_are_refused(
    client, engine, service_client
):
    sc = service_client
    form = {"grant_type": "client_credentials"}
    bad = await client.post("/auth/token", data=form, headers=_basic(sc["client_id"], "wrong"))
    assert _refused(bad, "invalid_client", 401) == grants.CLIENT_REFUSED
    assert bad.headers["www-authenticate"].startswith("Basic")
    unknown = await client.post("/auth/token", data=form, headers=_basic("nobody", "wrong"))
    assert unknown.json() == bad.json()
    _refused(await client.post("/auth/token", data=form), "invalid_client", 401)
    both = {**form, "client_id": sc["client_id"], "client_secret": sc["secret"]}
    twice = await client.post("/auth/token", data=both, headers=_basic(sc["client_id"], "x"))
    _refused(twice, "invalid_request")
    await _sql(
        engine,
        "UPDATE service_clients SET revoked_at = now() WHERE client_id = :c",
        c=sc["client_id"],
    )
    revoked = await client.post(
        "/auth/token", data=form, headers=_basic(sc["client_id"], sc["secret"])
    )
    _refused(revoked, "invalid_client", 401)


# -- bad input --


async def test_an_unsupported_grant_is_refused(client):
    response = await _token(client, grant_type="authorization_code", code="x")
    assert "password" in _refused(response, "unsupported_grant_type")


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"grant_type": "password", "username": "member@example.com"},
        {"grant_type": "password", "password": "demo-password"},
        {"grant_type": "refresh_token"},
        {"grant_type": "password", "username": "", "password": "demo-password"},
    ],
    ids=["no-grant", "no-password", "no-username", "no-refresh-token", "blank-username"],
)
async def test_missing_fields_are_invalid_requests(client, form):
    assert "required" in _refused(await _token(client, **form), "invalid_request")


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"grant_type": "password"}', "application/json"),
        (b"grant_type=password&grant_type=refresh_token", "application/x-www-form-urlencoded"),
        (b"grant_type=%ff%fe", "application/x-www-form-urlencoded"),
        (b"grant_type=password&" + b"x" * 20000, "application/x-www-form-urlencoded"),
        (b"--b\r\n", "multipart/form-data; boundary=b"),
    ],
    ids=["json", "repeated", "not-utf8", "too-large", "multipart"],
)
async def test_malformed_bodies_are_invalid_requests(client, content, content_type):
    response = await client.post(
        "/auth/token", content=content, headers={"Content-Type": content_type}
    )
    _refused(response, "invalid_request")


async def test_only_post_is_served(client):
    assert (await client.get("/auth/token")).status_code == 405


async def test_a_database_that_is_down_gives_a_clear_error():
    import httpx

    from graph.app import create_app

    app = create_app("postgresql://postgres@127.0.0.1:9/unreachable")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        response = await _password(c, "member@example.com", "demo-password")
    await app.state.engine.dispose()
    description = _refused(response, "temporarily_unavailable", 503)
    assert description == "The database is unavailable; please retry shortly."
    assert response.headers["retry-after"]
    assert response.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"


async def test_no_email_or_password_reaches_the_logs(client, make_user, caplog):
    email = await make_user()
    with caplog.at_level(logging.DEBUG):
        await _password(client, email, "guess-that-must-not-leak")
        await _password(client, "unknown-person@example.com", "guess-that-must-not-leak")
        await _password(client, email)
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "sign-in" in logged  # the events are logged...
    for secret in (email, "unknown-person", "guess-that-must-not-leak", PASSWORD):
        assert secret not in logged  # ...without who typed what
