"""Subscriptions as their users notice them, beyond test_subscriptions and
test_subscription_rules: access that ends mid-stream ends delivery at once (consent through
the other replica, deactivation, token expiry, an expiring break-glass grant) also on the
legacy protocol and in replays. Topics and limits are in test_subscriptions_access_scope,
the listener, slow sockets and cursors in test_subscriptions_access_delivery.

Against real server processes (`servers`, two uvicorn processes on the test database, or
private ones with their own settings) and the real database: nothing is mocked. Each test
puts back what it changes in the shared demo data. Shared helpers are in
subscriptions_access_support."""

from __future__ import annotations

import asyncio
import base64
import json
import time

import pytest
from gql import gql as parse
from sqlalchemy import text

from graph.relay import to_global_id
from tests.graph.subscriptions_access_support import (
    ADMIN,
    AUDITOR,
    CLAIM_CURSORS,
    DATA,
    DEACTIVATE,
    FAMILY,
    LUCAS,
    _claim_of,
    _db_id,
    _error_codes,
    _event,
    _fresh_user,
    _message_with,
    _newest,
    _open,
    _result,
    _scalar,
    _start,
    _until_closed,
)
from tests.graph.test_subscriptions import (
    CLAIM_EVENTS,
    PROTOCOLS,
    _next,
    _post,
    _raw,
    _with,
    session,
)


# --- 1. consent ------------------------------------------------------------------------------
@pytest.fixture
async def lucas(engine, gql):
    """Lucas's (adult dependent) claims, one non-sensitive and one sensitive, and Maria's own;
    his consent is put back as it was found."""
    dependent = await _scalar(engine, "SELECT dependent_id FROM users WHERE email = :e", e=LUCAS)
    on_record = (
        "SELECT exists(SELECT 1 FROM consents WHERE dependent_id = :d AND revoked_at IS NULL)"
    )
    was = await _scalar(engine, on_record, d=dependent)
    yield {
        "open": await _claim_of(engine, "c.dependent_id = :d AND NOT c.is_sensitive", d=dependent),
        "sensitive": await _claim_of(engine, "c.dependent_id = :d AND c.is_sensitive", d=dependent),
        "own": await _claim_of(
            engine, "m.member_number = 'MBR-00000001' AND c.dependent_id IS NULL"
        ),
    }
    if await _scalar(engine, on_record, d=dependent) != was:
        put_back = "grantConsent" if was else "revokeConsent"
        await gql(f"mutation {{ {put_back} {{ revoked }} }}", as_=LUCAS)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_consent_revoked_on_the_other_replica_stops_live_events_and_replays(
    servers, token_for, engine, lucas, protocol
):
    """Maria follows her family's claims; Lucas revokes his consent through the other server
    process. The next event of his claim is not sent (the one after it, of her own claim, is
    the next she gets: no waiting on a clock), his sensitive claims never were, and a
    reconnect that replays from before sees only what she may see now."""
    start = await _newest(engine)
    granted = await _post(servers[1], token_for(LUCAS), "mutation { grantConsent { revoked } }")
    assert granted["data"]["grantConsent"]["revoked"] is False, granted
    async with session(servers[0], token_for(FAMILY), protocol) as s:
        events = s.subscribe(CLAIM_EVENTS).__aiter__()
        first = asyncio.ensure_future(_next(events))
        await asyncio.sleep(0.5)
        await _event(engine, lucas["sensitive"], "sensitive")  # consent never lifts this
        consented = await _event(engine, lucas["open"], "while-consented")
        assert (await first)["claimStatusChanged"]["cursor"] == str(consented)
        revoked = await _post(
            servers[1], token_for(LUCAS), "mutation { revokeConsent { revoked } }"
        )
        assert revoked["data"]["revokeConsent"]["revoked"] is True, revoked
        await _event(engine, lucas["open"], "after-revocation")
        own = await _event(engine, lucas["own"], "her-own")
        nxt = (await _next(events))["claimStatusChanged"]
        assert (nxt["cursor"], nxt["newStatus"]) == (str(own), "her-own")
        await events.aclose()  # done with it (gql would wait 10 s on it)
    async with session(servers[1], token_for(FAMILY), protocol) as s:
        events = s.subscribe(_with(CLAIM_EVENTS, after=str(start))).__aiter__()
        replayed = (await _next(events))["claimStatusChanged"]
        assert replayed["cursor"] == str(own)  # none of Lucas's, not even the consented one
        await events.aclose()  # done with it (gql would wait 10 s on it)


# --- 2, 3. deactivation and token expiry: nothing more is sent, then the socket closes ---------
@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_deactivated_user_gets_no_further_event_and_is_closed_4403(
    servers, gql, token_for, engine, protocol
):
    gid, token = await _fresh_user(gql)
    claim = await _claim_of(engine, "true")
    ws = await _open(servers[0], protocol, token)
    await _start(ws, protocol, "1", CLAIM_CURSORS)
    await asyncio.sleep(0.5)
    before = await _event(engine, claim, "before-deactivation")
    got = await _message_with(ws, before)
    assert got["type"] == DATA[protocol]
    assert got["payload"]["data"]["claimStatusChanged"]["cursor"] == str(before)
    done = await _post(servers[1], token_for(ADMIN), DEACTIVATE, {"id": gid})
    assert done["data"]["deactivateUser"]["__typename"] == "UserSaved", done
    started = time.monotonic()
    await _event(engine, claim, "after-deactivation")
    code, later = await _until_closed(ws, 8)
    assert code == 4403 and time.monotonic() - started < 8
    assert [m for m in later if m["type"] == DATA[protocol]] == []


async def test_an_expired_token_gets_no_further_event_and_is_closed_4401_within_seconds(
    servers, users, engine
):
    from graph.auth import issue_access_token
    from graph.config import Settings

    user = users["adjudicator2@example.com"]
    token = issue_access_token(user_id=user["id"], role=user["role"], settings=Settings(),
                               lifetime_seconds=3)  # fmt: skip
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    claim = await _claim_of(engine, "true")
    ws = await _open(servers[0], "graphql-transport-ws", token)
    await _start(ws, "graphql-transport-ws", "1", CLAIM_CURSORS)
    await asyncio.sleep(0.5)
    before = await _event(engine, claim, "before-expiry")
    got = await _message_with(ws, before)
    assert got["payload"]["data"]["claimStatusChanged"]["cursor"] == str(before)
    await asyncio.sleep(max(0.0, claims["exp"] - time.time()) + 0.05)
    await _event(engine, claim, "after-expiry")
    code, later = await _until_closed(ws, 8)
    assert code == 4401 and time.time() - claims["exp"] < 3
    assert [m for m in later if m["type"] == "next"] == []
    # the same token is refused outright now
    again = await _raw(servers[1], "graphql-transport-ws", {"Authorization": f"Bearer {token}"})
    code, _ = await _until_closed(again, 5)
    assert code == 4401


MEDICAL = parse(
    "subscription { claimStatusChanged { cursor claim { id member { id bloodType } } } }"
)
OPEN_GLASS = """mutation($m: ID!) { openBreakGlass(memberId: $m,
  reason: "Unconscious in the ER, need the blood type") { id } }"""
CLOSE_REVIEW = """mutation($g: ID!) { closeBreakGlassReview(id: $g,
  note: "Test grant of the subscription suite") { id } }"""


async def test_an_expired_break_glass_grant_stops_pushing_medical_fields_at_once(
    servers, gql, token_for, engine
):
    """An adjudicator sees a member's medical fields only while their emergency grant is
    open: pushed events follow the grant's expiry as it happens, not a cache's."""
    gid, token = await _fresh_user(gql)
    async with engine.connect() as conn:
        member_id, claim = (
            await conn.execute(text(
                "SELECT m.id, c.id FROM members m JOIN claims c ON c.member_id = m.id "
                "WHERE m.blood_type IS NOT NULL AND m.member_number > 'MBR-00000400' "
                "AND c.dependent_id IS NULL ORDER BY m.member_number LIMIT 1"))
        ).one()  # fmt: skip
    opened = await _post(servers[1], token, OPEN_GLASS, {"m": to_global_id("Member", member_id)})
    grant = opened["data"]["openBreakGlass"]["id"]
    try:
        async with engine.begin() as conn:  # its 60 minutes are nearly over
            expires = (await conn.execute(text(
                "UPDATE break_glass_grants SET expires_at = now() + interval '4 seconds' "
                "WHERE id = :g RETURNING extract(epoch FROM expires_at)"),
                {"g": _db_id(grant)})).scalar_one()  # fmt: skip
        async with session(servers[0], token) as s:
            events = s.subscribe(MEDICAL).__aiter__()
            first = asyncio.ensure_future(_result(events))
            await asyncio.sleep(0.5)
            await _event(engine, claim, "during-the-grant")
            during, errors = await first
            assert not errors, errors
            assert during["claimStatusChanged"]["claim"]["member"]["bloodType"]
            await asyncio.sleep(max(0.0, float(expires) - time.time()) + 0.1)
            await _event(engine, claim, "after-the-grant")
            after, errors = await _result(events)
        assert after["claimStatusChanged"]["claim"]["member"]["bloodType"] is None
        assert _error_codes(errors, "claimStatusChanged") == {
            ("claim", "member", "bloodType"): "FORBIDDEN"
        }
    finally:
        await gql(CLOSE_REVIEW, {"g": grant}, as_=AUDITOR)
        await gql(DEACTIVATE, {"id": gid})
