"""Sign-in over HTTP with the password grant: who gets a token, lockout, MFA.

Tests that change an account use throwaway users (tests/graph/signin_support.py).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from graph import grants, passwords
from tests.graph.signin_support import (
    PASSWORD,
    _me,
    _password,
    _refused,
    _sql,
    _user,
)


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
