"""The principal's facts are cached per sign-in and dropped on NOTIFY (graph/principal_cache.py):
the cache saves the statement, and every change to a fact still takes effect on the very next
request, whether this process made it, another one did, or it was plain SQL; a break-glass
grant ends by the clock with nothing to announce it. Through HTTP, on an app whose lifespan
runs (the shared `app` fixture never starts its listener, so it never caches)."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from contextvars import ContextVar

import httpx
import pytest
from sqlalchemy import event, text

from graph.relay import to_global_id
from tests.graph.test_batching import DASHBOARD

FAMILY, LUCAS, EMPLOYER = "member@example.com", "adult.child@example.com", "employer@example.com"
CLAIMS = "{ claims(first: 1) { totalCount } }"
BLOOD = "query($m: ID!) { member(id: $m) { bloodType } }"
_COUNTING: ContextVar[bool] = ContextVar("counting", default=False)


@pytest.fixture(scope="module")
async def live(db_url, token_for):
    """An app of its own with its lifespan running (the principal listener connected)."""
    from graph.app import create_app

    app = create_app(db_url)
    statements: list[str] = []

    def note(_conn, _cursor, sql, *_) -> None:
        if _COUNTING.get():  # this test's requests, not the background tasks of the lifespan
            statements.append(sql)

    event.listen(app.state.engine.sync_engine, "before_cursor_execute", note)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://live") as client:

            async def run(query, variables=None, *, as_=FAMILY, token=None):
                bearer = token or token_for(as_)
                response = await client.post("/graphql", headers={"Authorization": f"Bearer {bearer}"},
                                             json={"query": query, "variables": variables or {}})  # fmt: skip
                return response.status_code, response.json()

            await _connected(app.state.principals)
            run.app, run.statements = app, statements
            yield run


async def _connected(cache, wait: float = 15.0) -> None:
    deadline = time.monotonic() + wait
    while not cache.connected:  # noqa: ASYNC110 - the cache has no event to wait on
        assert time.monotonic() < deadline, "the principal listener did not connect"
        await asyncio.sleep(0.05)


async def _count(live, query, **kw) -> tuple[int, dict]:
    before = len(live.statements)
    token = _COUNTING.set(True)
    try:
        status, body = await live(query, **kw)
    finally:
        _COUNTING.reset(token)
    assert status == 200 and "errors" not in body, body
    return len(live.statements) - before, body


async def test_a_warm_sign_in_skips_the_principal_statement(live):
    live.app.state.principals._clear()
    cold, _ = await _count(live, DASHBOARD)
    warm, body = await _count(live, DASHBOARD)
    assert body["data"]["me"]["member"]["id"]
    assert warm == cold - 1, (cold, warm)
    assert not any("FROM users" in s for s in live.statements[-warm:])
    again, _ = await _count(live, DASHBOARD)
    assert again == warm


async def test_a_repeated_token_is_verified_once(live, monkeypatch):
    from graph import auth

    calls = []
    original = auth.verify_access_token
    monkeypatch.setattr(
        auth, "verify_access_token", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    token = auth.issue_access_token(user_id=uuid.uuid4(), role="admin", settings=auth.Settings())
    for _ in range(3):  # an unknown user: refused each time, verified once
        status, body = await live(CLAIMS, token=token)
        assert status == 401
    assert len(calls) == 1
    expired = auth.issue_access_token(user_id=uuid.uuid4(), role="admin", settings=auth.Settings(),
                                      lifetime_seconds=-60)  # fmt: skip
    for _ in range(2):  # past exp and its leeway: refused, never cached
        status, body = await live(CLAIMS, token=expired)
        assert status == 401 and "refused" in body["errors"][0]["message"]
    assert len(calls) == 3


async def test_revoked_consent_takes_effect_on_the_next_request(live, gql):
    """Granted and revoked here, and revoked by another process (the shared app)."""
    try:
        await live("mutation { grantConsent { revoked } }", as_=LUCAS)
        _, with_consent = await _count(live, CLAIMS)
        await _count(live, CLAIMS)  # warm
        await live("mutation { revokeConsent { revoked } }", as_=LUCAS)
        _, revoked = await _count(live, CLAIMS)
        without = revoked["data"]["claims"]["totalCount"]
        assert without < with_consent["data"]["claims"]["totalCount"]
        await live("mutation { grantConsent { revoked } }", as_=LUCAS)
        _, granted = await _count(live, CLAIMS)
        assert granted == with_consent
        await gql("mutation { revokeConsent { revoked } }", as_=LUCAS)  # another process
        _, elsewhere = await _count(live, CLAIMS)
        assert elsewhere["data"]["claims"]["totalCount"] == without
    finally:
        await gql("mutation { revokeConsent { revoked } }", as_=LUCAS)


@contextlib.asynccontextmanager
async def _adjudicator(engine):
    """A fresh adjudicator (its grants touch no other test), a member with a blood type."""
    from graph.auth import issue_access_token
    from graph.config import Settings

    user_id = uuid.uuid4()
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO users (id, email, role) VALUES (:u, :e, 'adjudicator')"),
                           {"u": user_id, "e": f"glass-{user_id.hex[:8]}@example.com"})  # fmt: skip
        member_id = (await conn.execute(text(
            "SELECT id FROM members WHERE blood_type IS NOT NULL "
            "AND member_number > 'MBR-00000600' ORDER BY member_number LIMIT 1"))).scalar_one()  # fmt: skip
    token = issue_access_token(user_id=user_id, role="adjudicator", settings=Settings())
    try:
        yield user_id, to_global_id("Member", member_id), member_id, token
    finally:
        async with engine.begin() as conn:
            await conn.execute(
                text("DELETE FROM break_glass_grants WHERE user_id = :u"), {"u": user_id}
            )
            await conn.execute(
                text("UPDATE users SET status = 'inactive' WHERE id = :u"), {"u": user_id}
            )


async def _blood(live, member, token):
    status, body = await live(BLOOD, {"m": member}, token=token)
    assert status == 200, body
    return body["data"]["member"]["bloodType"]


async def test_a_revoked_break_glass_grant_takes_effect_on_the_next_request(live, engine):
    async with _adjudicator(engine) as (user_id, member, member_id, token):
        assert await _blood(live, member, token) is None  # no grant: the medical field is denied
        async with engine.begin() as conn:  # opened elsewhere (plain SQL), reviewed already
            grant = (await conn.execute(text(
                "INSERT INTO break_glass_grants (user_id, member_id, reason, expires_at, reviewed_at) "
                "VALUES (:u, :m, 'test', now() + interval '1 hour', now()) RETURNING id"),
                {"u": user_id, "m": member_id})).scalar_one()  # fmt: skip
        assert await _blood(live, member, token)
        assert await _blood(live, member, token)  # warm
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE break_glass_grants SET expires_at = now() WHERE id = :g"),
                               {"g": grant})  # fmt: skip
        assert await _blood(live, member, token) is None


async def test_an_expired_break_glass_grant_ends_by_the_clock(live, engine):
    async with _adjudicator(engine) as (user_id, member, member_id, token):
        async with engine.begin() as conn:
            ends = (await conn.execute(text(
                "INSERT INTO break_glass_grants (user_id, member_id, reason, expires_at, reviewed_at) "
                "VALUES (:u, :m, 'test', now() + interval '2 seconds', now()) "
                "RETURNING extract(epoch FROM expires_at)"),
                {"u": user_id, "m": member_id})).scalar_one()  # fmt: skip
        assert await _blood(live, member, token)
        assert await _blood(live, member, token)  # warm: nothing will announce the end
        await asyncio.sleep(max(0.0, float(ends) - time.time()) + 0.05)
        assert await _blood(live, member, token) is None


async def test_a_changed_or_ended_tie_takes_effect_on_the_next_request(live, engine, users):
    employer = users[EMPLOYER]
    me = "{ me { employer { id } } }"
    async with engine.connect() as conn:
        other = (await conn.execute(text("SELECT id FROM employers WHERE id <> :e LIMIT 1"),
                                    {"e": employer["employer_id"]})).scalar_one()  # fmt: skip
    try:
        _, before = await _count(live, me, as_=EMPLOYER)
        await _count(live, me, as_=EMPLOYER)  # warm
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE users SET employer_id = :o WHERE id = :u"),
                               {"o": other, "u": employer["id"]})  # fmt: skip
        _, moved = await _count(live, me, as_=EMPLOYER)
        assert moved["data"]["me"]["employer"]["id"] == to_global_id("Employer", other)
        assert moved != before
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE users SET status = 'inactive' WHERE id = :u"),
                               {"u": employer["id"]})  # fmt: skip
        status, body = await live(me, as_=EMPLOYER)
        assert status == 401, body
    finally:
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE users SET employer_id = :e, status = 'active' WHERE id = :u"),
                               {"e": employer["employer_id"], "u": employer["id"]})  # fmt: skip


async def test_while_its_listener_reconnects_the_cache_is_not_trusted(live, engine):
    cache = live.app.state.principals
    await _count(live, DASHBOARD)
    warm, _ = await _count(live, DASHBOARD)
    async with engine.connect() as conn:
        await conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'claimgraph-principals' AND datname = current_database()"))  # fmt: skip
    cold, _ = await _count(live, DASHBOARD)
    assert cold == warm + 1
    await _connected(cache)
    await _count(live, DASHBOARD)
    again, _ = await _count(live, DASHBOARD)
    assert again == warm
