"""Rate limits: sign-in attempts per email and per address (429, Retry-After); patient
lookups by providers (validateClaim, submitClaim) per user (RATE_LIMITED, Retry-After)."""

from __future__ import annotations

import contextlib
import uuid
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import select

from graph import limits
from graph.config import Settings

VALIDATE = """query($input: SubmitClaimInput!) { validateClaim(input: $input) { __typename } }"""


@contextlib.asynccontextmanager
async def _served(db_url, address: str = "198.51.100.7", **settings):
    """An app of its own with these settings, and a client calling from `address`."""
    from graph.app import create_app

    app = create_app(db_url, settings=Settings(**settings))
    try:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            yield c
    finally:
        await app.state.engine.dispose()


def test_a_bucket_gives_a_minute_s_worth_then_the_steady_rate():
    now = [1000.0]
    bucket = limits.Limiter(clock=lambda: now[0])
    assert [bucket.take(("b", "k", 6)) for _ in range(6)] == [0] * 6
    assert bucket.take(("b", "k", 6)) == 10  # one token every 10 s
    now[0] += 9.5
    assert bucket.take(("b", "k", 6)) == 1
    now[0] += 0.5
    assert bucket.take(("b", "k", 6)) == 0
    assert bucket.take(("b", "other", 6)) == 0  # keys apart
    assert bucket.take(("b", "k", 0)) == 0  # 0: no limit
    # all or none: a refusal by one bucket takes nothing from the other
    assert bucket.take(("b", "fresh", 6), ("b", "k", 6)) > 0
    assert [bucket.take(("b", "fresh", 6)) for _ in range(6)] == [0] * 6


def test_the_buckets_forget_the_longest_idle_keys():
    bucket = limits.Limiter(max_keys=2, clock=lambda: 0.0)
    for key in ("a", "b", "c"):
        assert bucket.take(("b", key, 1)) == 0
    assert bucket.take(("b", "a", 1)) == 0  # forgotten, so a full bucket again
    assert bucket.take(("b", "c", 1)) == 60


def _sign_in(c, email: str, password: str = "not the password"):
    form = {"grant_type": "password", "username": email, "password": password}
    return c.post("/auth/token", data=form)


def _limited(response) -> int:
    assert response.status_code == 429, response.text
    body = response.json()
    assert body["code"] == "RATE_LIMITED" and body["error"] == "temporarily_unavailable"
    assert response.headers["cache-control"] == "no-store"
    wait = int(response.headers["retry-after"])
    assert 1 <= wait <= 60
    return wait


async def test_sign_in_attempts_are_limited_per_email_known_or_not(db_url):
    async with _served(db_url, signin_per_email_per_minute=3, signin_per_ip_per_minute=0) as c:
        for email in ("member@example.com", f"nobody-{uuid.uuid4().hex[:8]}@example.com"):
            answers = [await _sign_in(c, email) for _ in range(3)]
            assert {a.status_code for a in answers} == {400}
            _limited(await _sign_in(c, email))
            _limited(await _sign_in(c, email.upper()))  # the same email, however written
        # the right password too: the limit comes before any check
        _limited(await _sign_in(c, "member@example.com", "demo-password"))
        ok = await _sign_in(c, "adjudicator@example.com", "demo-password")
        assert ok.status_code == 200, ok.text


async def test_sign_in_attempts_are_limited_per_address(db_url):
    settings = {"signin_per_email_per_minute": 0, "signin_per_ip_per_minute": 4}
    async with _served(db_url, **settings) as c:
        for i in range(4):
            assert (await _sign_in(c, f"spray-{i}@example.com")).status_code == 400
        _limited(await _sign_in(c, "spray-4@example.com"))
        client_credentials = await c.post(
            "/auth/token",
            data={"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"},
        )
        _limited(client_credentials)
    async with _served(db_url, address="198.51.100.8", **settings) as c:
        assert (await _sign_in(c, "spray-4@example.com")).status_code == 400  # elsewhere


@pytest.fixture
def fresh_buckets(monkeypatch):
    """This test's own GraphQL buckets (they are per process, shared by every app)."""
    mine = limits.Limiter()
    monkeypatch.setattr(limits, "shared", lambda: mine)
    return mine


async def _claim_input(engine) -> dict:
    from db.tables import members

    async with engine.connect() as conn:
        m = (
            (await conn.execute(select(members).where(members.c.member_number == "MBR-00000001")))
            .mappings()
            .one()
        )
    return {
        "memberNumber": m["member_number"],
        "patientDateOfBirth": m["date_of_birth"].isoformat(),
        "placeOfService": "11",
        "serviceDate": (date.today() - timedelta(days=40)).isoformat(),
        "diagnosisCodes": ["J06.9"],
        "lines": [{"procedureCode": "99213", "chargeAmount": "145.00", "diagnosisPointers": [1]}],
    }


async def test_providers_patient_lookups_are_rate_limited_per_user(
    db_url, engine, token_for, fresh_buckets
):
    claim = await _claim_input(engine)
    body = {"query": VALIDATE, "variables": {"input": claim}}

    def auth(who):
        return {"Authorization": f"Bearer {token_for(who)}"}

    async with _served(db_url, patient_lookups_per_minute=2) as c:
        provider = auth("provider@example.com")
        for _ in range(2):
            ok = await c.post("/graphql", json=body, headers=provider)
            assert ok.json()["data"]["validateClaim"]["__typename"] == "ClaimValidation"
            assert "retry-after" not in ok.headers
        refused = await c.post("/graphql", json=body, headers=provider)
        error = refused.json()["errors"][0]
        assert refused.json()["data"] is None
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert error["path"] == ["validateClaim"]
        assert int(refused.headers["retry-after"]) == error["extensions"]["retryAfter"] == 30
        # submitClaim draws on the same bucket, refused before it does anything
        submit = await c.post(
            "/graphql",
            json={
                "query": "mutation($input: SubmitClaimInput!) { submitClaim(input: $input) "
                "{ __typename } }",
                "variables": {"input": claim},
            },
            headers=provider,
        )
        assert submit.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        # aliases do not multiply the budget
        aliased = (
            "query($input: SubmitClaimInput!) { a: validateClaim(input: $input) { __typename } "
            "b: validateClaim(input: $input) { __typename } }"
        )
        twice = await c.post(
            "/graphql", json={"query": aliased, "variables": {"input": claim}}, headers=provider
        )
        assert twice.json()["data"] is None
        assert {e["extensions"]["code"] for e in twice.json()["errors"]} == {"RATE_LIMITED"}
        # other reads of the same provider are not limited, nor are the plan's staff
        me = await c.post("/graphql", json={"query": "{ me { email } }"}, headers=provider)
        assert me.json() == {"data": {"me": {"email": "provider@example.com"}}}
        for _ in range(3):
            staff = await c.post("/graphql", json=body, headers=auth("adjudicator@example.com"))
            assert "errors" not in staff.json(), staff.text  # (an answer: no provider named)


async def test_a_refusal_is_audited(db_url, engine, token_for, fresh_buckets):
    from db.tables import audit_log

    claim = await _claim_input(engine)
    headers = {"Authorization": f"Bearer {token_for('provider@example.com')}",
               "X-Request-Id": uuid.uuid4().hex}  # fmt: skip
    async with _served(db_url, patient_lookups_per_minute=1) as c:
        for _ in range(2):
            await c.post(
                "/graphql",
                json={"query": VALIDATE, "variables": {"input": claim}},
                headers=headers,
            )
    async with engine.connect() as conn:
        rows = (
            (
                await conn.execute(
                    select(audit_log).where(audit_log.c.request_id == headers["X-Request-Id"])
                )
            )
            .mappings()
            .all()
        )
    refused = [r for r in rows if r["action"] == "validateClaim_rate_limited"]
    assert len(refused) == 1 and refused[0]["success"] is False
    assert refused[0]["error"] == "RATE_LIMITED" and refused[0]["role"] == "provider"
