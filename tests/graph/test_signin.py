"""Sign-in over HTTP: POST /auth/token (password, refresh_token, client_credentials), logout.

Tests that change an account use throwaway users made here: the demo personas are shared.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import uuid
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import insert, select, text

from db import accounts
from db.tables import sessions, users
from domain.signin import new_opaque_token, token_digest
from graph import grants, passwords

PASSWORD = "correct horse battery staple"
ME = "{ me { email } }"


@pytest.fixture
def make_user(engine):
    """A fresh adjudicator account (no record ties needed) with a known password."""

    async def make(*, password: str | None = PASSWORD, **values) -> str:
        email = f"signin-{uuid.uuid4().hex[:10]}@example.com"
        hashed = PasswordHasher().hash(password) if password else None
        async with engine.begin() as conn:
            await conn.execute(
                insert(users).values(
                    email=email, role="adjudicator", password_hash=hashed, **values
                )
            )
        return email

    return make


async def _sql(engine, statement: str, **params) -> None:
    async with engine.begin() as conn:
        await conn.execute(text(statement), params)


async def _user(engine, email: str):
    async with engine.connect() as conn:
        return (await conn.execute(select(users).where(users.c.email == email))).mappings().one()


async def _token(client, **form):
    return await client.post("/auth/token", data=form)


async def _password(client, email: str, password: str = PASSWORD, **extra):
    return await _token(client, grant_type="password", username=email, password=password, **extra)


async def _me(client, access_token: str):
    response = await client.post(
        "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {access_token}"}
    )
    return response.json()["data"]["me"]["email"]


def _refused(response, error: str = "invalid_grant", status: int = 400) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    assert response.headers["cache-control"] == "no-store"
    return body.get("error_description", "")


# -- password grant --


async def test_the_member_signs_in_and_the_access_token_opens_graphql(client):
    response = await _password(client, "member@example.com", "demo-password")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    assert len(body["refresh_token"]) >= 43
    assert await _me(client, body["access_token"]) == "member@example.com"


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(client, make_user):
    email = await make_user()
    wrong = await _password(client, email, "not the password")
    unknown = await _password(client, "nobody-at-all@example.com", "not the password")
    assert _refused(wrong) == grants.BAD_CREDENTIALS
    assert unknown.status_code == wrong.status_code
    assert unknown.json() == wrong.json()


async def test_an_unknown_email_costs_the_same_password_check(client, make_user, monkeypatch):
    calls = []
    real = passwords._hasher

    class Spy:
        def __getattr__(self, name):
            return getattr(real, name)

        def verify(self, hashed, password):
            calls.append(hashed)
            return real.verify(hashed, password)

    monkeypatch.setattr(passwords, "_hasher", Spy())
    email = await make_user()
    await _password(client, email, "not the password")
    await _password(client, "nobody-at-all@example.com", "not the password")
    assert len(calls) == 2  # one argon2 verification each: timing does not reveal the account
    assert calls[1] == passwords.dummy_hash()


async def test_a_locked_account_answers_like_a_wrong_password_after_the_same_check(
    client, engine, make_user, monkeypatch
):
    import time

    hashes = []
    real = passwords._hasher

    class Spy:
        def __getattr__(self, name):
            return getattr(real, name)

        def verify(self, hashed, password):
            hashes.append(hashed)
            return real.verify(hashed, password)

    monkeypatch.setattr(passwords, "_hasher", Spy())
    until = datetime.now(UTC) + timedelta(minutes=15)
    locked = await make_user(login_attempts=5, locked_until=until)
    unlocked = await make_user()
    stored = (await _user(engine, locked))["password_hash"]

    async def timed(email, password):
        started = time.perf_counter()
        response = await _password(client, email, password)
        return response, (time.perf_counter() - started) * 1000

    wrong, wrong_ms = await timed(unlocked, "not the password")
    right_but_locked, right_ms = await timed(locked, PASSWORD)
    wrong_and_locked, locked_ms = await timed(locked, "not the password")
    print(f"wrong password {wrong_ms:.0f} ms; locked, right password {right_ms:.0f} ms; "
          f"locked, wrong password {locked_ms:.0f} ms")  # fmt: skip
    for response in (right_but_locked, wrong_and_locked):
        assert response.status_code == wrong.status_code == 400
        assert response.json() == wrong.json()
        assert response.headers["content-type"] == wrong.headers["content-type"]
    assert _refused(wrong) == grants.BAD_CREDENTIALS
    # the locked path verifies the account's own hash, as a wrong password does
    assert len(hashes) == 3 and hashes[1] == hashes[2] == stored


async def test_five_failures_lock_the_account_even_against_the_right_password(
    client, engine, make_user
):
    email = await make_user()
    for _ in range(5):
        assert _refused(await _password(client, email, "guess")) == grants.BAD_CREDENTIALS
    # locked: the right password gets the wrong password's answer (no hint it was right)
    assert _refused(await _password(client, email)) == grants.BAD_CREDENTIALS
    row = await _user(engine, email)
    assert row["login_attempts"] == 5 and row["locked_until"] is not None
    await _sql(
        engine,
        "UPDATE users SET locked_until = now() - interval '1 second' WHERE email = :e",
        e=email,
    )
    assert (await _password(client, email)).status_code == 200
    row = await _user(engine, email)
    assert row["login_attempts"] == 0 and row["locked_until"] is None
    assert row["last_login"] is not None


async def test_parallel_guesses_cannot_exceed_five(client, engine, make_user):
    email = await make_user()
    answers = await asyncio.gather(*(_password(client, email, f"guess{i}") for i in range(8)))
    assert {_refused(a) for a in answers} == {grants.BAD_CREDENTIALS}
    # the account row serialises attempts: the ones after the lock are not counted
    assert (await _user(engine, email))["login_attempts"] == 5


async def test_a_success_resets_the_failure_count(client, engine, make_user):
    email = await make_user()
    for _ in range(4):
        await _password(client, email, "guess")
    assert (await _password(client, email)).status_code == 200
    assert (await _user(engine, email))["login_attempts"] == 0
    assert _refused(await _password(client, email, "guess")) == grants.BAD_CREDENTIALS


@pytest.mark.parametrize("status", ["inactive", "suspended"])
async def test_inactive_and_suspended_accounts_are_refused(client, make_user, status):
    email = await make_user(status=status)
    assert _refused(await _password(client, email)) == grants.INACTIVE
    assert _refused(await _password(client, email, "guess")) == grants.BAD_CREDENTIALS


async def test_an_account_without_a_password_cannot_use_the_password_grant(client, make_user):
    email = await make_user(password=None)
    refused = await _password(client, email, "")
    assert _refused(refused, "invalid_request") == "The parameter password is required."
    assert _refused(await _password(client, email, "anything")) == grants.BAD_CREDENTIALS


async def test_mfa_accounts_need_the_current_code(client, engine, make_user):
    secret = pyotp.random_base32()
    email = await make_user(mfa_enabled=True, mfa_secret=secret)
    assert _refused(await _password(client, email)) == grants.MFA_REQUIRED
    totp = pyotp.TOTP(secret)
    code = totp.now()
    step = totp.timecode(datetime.now(UTC))
    near = {totp.generate_otp(s) for s in range(step - 2, step + 3)}
    wrong = next(c for c in ("000000", "111111", "222222") if c not in near)
    assert _refused(await _password(client, email, totp=wrong)) == grants.MFA_WRONG
    assert (await _user(engine, email))["login_attempts"] == 1  # a wrong code is a failure
    # a wrong password says nothing about the second factor, with or without a code
    assert _refused(await _password(client, email, "guess", totp=code)) == grants.BAD_CREDENTIALS
    assert _refused(await _password(client, email, "guess")) == grants.BAD_CREDENTIALS
    response = await _password(client, email, totp=code)
    assert response.status_code == 200, response.text
    assert await _me(client, response.json()["access_token"]) == email
    # the same code cannot be used twice (RFC 6238 §5.2)
    assert _refused(await _password(client, email, totp=code)) == grants.MFA_WRONG


# -- refresh_token grant --


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
