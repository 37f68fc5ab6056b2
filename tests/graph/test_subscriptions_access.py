"""Subscriptions as their users notice them, beyond test_subscriptions and
test_subscription_rules: access that ends mid-stream ends delivery at once (consent through
the other replica, deactivation, token expiry, an expiring break-glass grant) also on the
legacy protocol and in replays; topics scoped to their owners and to the fields they may
read; appeals announced once across replicas; limits whose slots are given back; a listener
that loses its connection or a NOTIFY; a socket that stops reading; cursors at the seam.

Against real server processes (`servers`, two uvicorn processes on the test database, or
private ones with their own settings) and the real database: nothing is mocked. Each test
puts back what it changes in the shared demo data."""

from __future__ import annotations

import asyncio
import base64
import json
import socket as sockets
import time
import uuid
from datetime import date

import pytest
import websockets
from gql import gql as parse
from gql.transport.exceptions import TransportQueryError
from sqlalchemy import text

from graph.relay import to_global_id
from tests.graph.conftest import start_server
from tests.graph.test_subscriptions import (
    CLAIM_EVENTS,
    PROTOCOLS,
    _gid,
    _next,
    _post,
    _raw,
    _with,
    _ws,
    session,
)

ADMIN, AUDITOR = "admin@example.com", "auditor@example.com"
FAMILY, LUCAS = "member@example.com", "adult.child@example.com"
EMPLOYER, PROVIDER = "employer@example.com", "provider@example.com"
ADJUDICATOR, REGULATOR = "adjudicator@example.com", "regulator@example.com"

# the message types of the two subprotocols
START = {"graphql-transport-ws": "subscribe", "graphql-ws": "start"}
DATA = {"graphql-transport-ws": "next", "graphql-ws": "data"}
CLAIM_CURSORS = "subscription { claimStatusChanged { cursor newStatus } }"


# --- helpers ---------------------------------------------------------------------------------
def _db_id(global_id: str) -> str:
    return base64.urlsafe_b64decode(global_id + "==").decode().split(":")[1]


async def _scalar(engine, sql: str, **params):
    async with engine.connect() as conn:
        return (await conn.execute(text(sql), params)).scalar_one()


async def _event(engine, claim_id, status: str) -> int:
    """A claim.status_changed event committed as a workflow would (its sequence number)."""
    payload = {"claim_id": str(claim_id), "old_status": "submitted",
               "new_status": status, "version": 1}  # fmt: skip
    async with engine.begin() as conn:
        return (
            await conn.execute(
                text(
                    "INSERT INTO outbox_events (topic, payload) VALUES ('claim.status_changed', "
                    "CAST(:p AS jsonb)) RETURNING seq"
                ),
                {"p": json.dumps(payload)},
            )
        ).scalar_one()


async def _newest(engine) -> int:
    return await _scalar(engine, "SELECT coalesce(max(seq), 0) FROM outbox_events")


async def _claim_of(engine, where: str, **params):
    """The id of one claim matching `where` (aliases: c claims, m members)."""
    return await _scalar(
        engine,
        f"SELECT c.id FROM claims c JOIN members m ON m.id = c.member_id WHERE {where} "
        "ORDER BY c.created_at, c.id LIMIT 1",
        **params,
    )


async def _fresh_user(gql, role: str = "ADJUDICATOR") -> tuple[str, str]:
    """A new account of its own (global id, access token): what happens to it touches no
    persona another test signs in as."""
    from graph.auth import issue_access_token
    from graph.config import Settings

    body = await gql(
        """mutation($input: CreateUserInput!) { createUser(input: $input) {
        __typename ... on UserSaved { user { id } } ... on InvalidInput { field message } } }""",
        {"input": {"email": f"ws-{uuid.uuid4().hex[:10]}@example.com",
                   "password": "a long enough password 42", "role": role}},
    )  # fmt: skip
    created = body["data"]["createUser"]
    assert created["__typename"] == "UserSaved", created
    gid = created["user"]["id"]
    token = issue_access_token(user_id=uuid.UUID(_db_id(gid)), role=role.lower(),
                               settings=Settings())  # fmt: skip
    return gid, token


DEACTIVATE = 'mutation($id: ID!) { deactivateUser(userId: $id, reason: "Left") { __typename } }'


async def _open(base: str, protocol: str, token: str):
    """A raw WebSocket past connection_init (acknowledged)."""
    ws = await _raw(base, protocol, {"Authorization": f"Bearer {token}"})
    ack = json.loads(await asyncio.wait_for(ws.recv(), 5))
    assert ack["type"] == "connection_ack", ack
    return ws


async def _start(ws, protocol: str, op: str, query: str, variables: dict | None = None) -> None:
    await ws.send(json.dumps({"type": START[protocol], "id": op,
                              "payload": {"query": query, "variables": variables or {}}}))  # fmt: skip


async def _message(ws, wait: float = 10.0) -> dict:
    """The next protocol message, keep-alives left out."""
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), wait))
        if message["type"] not in ("ka", "ping", "pong"):
            return message


async def _message_with(ws, seq: int, wait: float = 10.0) -> dict:
    """The data message of event `seq`. Events committed just before the subscription
    started (by earlier tests) may arrive first, as new to the hub: they are passed over,
    but nothing after `seq` may come before it."""
    while True:
        message = await _message(ws, wait)
        cursor = (((message.get("payload") or {}).get("data") or {})
                  .get("claimStatusChanged") or {}).get("cursor")  # fmt: skip
        if cursor is None or not cursor.isdigit() or int(cursor) >= seq:
            return message


async def _until_closed(ws, within: float) -> tuple[int, list[dict]]:
    """The messages received until the server closes the socket, and its close code."""
    got: list[dict] = []
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            got.append(await _message(ws, within))
    return closed.value.rcvd.code, got


async def _result(events, wait: float = 10.0) -> tuple[dict, list[dict]]:
    """The next event's data and errors (gql raises on errors; the data rides along)."""
    try:
        return await _next(events, wait), []
    except TransportQueryError as failed:
        return failed.data, failed.errors


def _error_codes(errors: list[dict], root: str) -> dict[tuple, str]:
    """{path below the root field: code} of a result's errors."""
    out = {}
    for error in errors:
        path = tuple(error["path"])
        out[path[path.index(root) + 1 :] if root in path else path] = error["extensions"]["code"]
    return out


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


# --- 4, 5. the employer's topics ------------------------------------------------------------
ENROLL = """mutation($input: EnrollMemberInput!) { enrollMember(input: $input) { __typename
  ... on MemberEnrolled { eventSequence member { id memberNumber } }
  ... on InvalidInput { field message } } }"""
ENROLMENT_FIELDS = parse(
    "subscription($e: ID!) { enrollmentChanged(employerId: $e) { cursor change member { "
    "id firstName lastName memberNumber employeeId status enrollmentDate "
    "dateOfBirth email allergies } } }"
)
SUMMARY = parse(
    "subscription($e: ID!) { claimsSummaryChanged(employerId: $e) { cursor months { month "
    "claimCount paidTotal suppressed cells { claimType claimCount paidTotal suppressed } } } }"
)


@pytest.fixture
async def other_employer(engine):
    """An employer the demo employer's administrator has nothing to do with (removed after,
    with whoever was enrolled for it)."""
    async with engine.begin() as conn:
        employer_id = (await conn.execute(text(
            "INSERT INTO employers (company_name, group_number, state) "
            "VALUES ('Contoso Freight', :g, 'NV') RETURNING id"),
            {"g": f"GRP-S{uuid.uuid4().hex[:10]}"})).scalar_one()  # fmt: skip
    yield employer_id
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM employers WHERE id = :e"), {"e": employer_id})


async def _enrol(base: str, token: str, employer: str | None, last_name: str) -> dict:
    body = await _post(base, token, ENROLL, {"input": {
        "firstName": "Ava", "lastName": last_name, "dateOfBirth": "1990-04-02",
        "employerId": employer, "employeeId": "E-7", "enrollmentDate": str(date.today()),
        "email": "ava@example.com"}})  # fmt: skip
    result = body["data"]["enrollMember"]
    assert result["__typename"] == "MemberEnrolled", result
    return result


async def test_the_employer_hears_of_its_own_enrolments_only_with_enrolment_fields_only(
    servers, token_for, users, engine, other_employer
):
    own = to_global_id("Employer", users[EMPLOYER]["employer_id"])
    admin = token_for(ADMIN)
    made: list[str] = []
    try:
        async with session(servers[0], token_for(EMPLOYER), "graphql-ws") as s:
            events = s.subscribe(_with(ENROLMENT_FIELDS, e=own)).__aiter__()
            first = asyncio.ensure_future(_result(events))
            await asyncio.sleep(0.5)
            for employer in (to_global_id("Employer", other_employer), None, own):
                enrolled = await _enrol(servers[1], admin, employer, f"Feed{uuid.uuid4().hex[:6]}")
                made.append(_db_id(enrolled["member"]["id"]))
            event, errors = await first
        data = event["enrollmentChanged"]
        assert data["cursor"] == str(enrolled["eventSequence"])  # the other two: not sent
        assert data["change"] == "member_enrolled"
        member = data["member"]
        assert member["id"] == enrolled["member"]["id"]
        assert member["memberNumber"] == enrolled["member"]["memberNumber"]
        enrolment = {k: member[k] for k in ("firstName", "employeeId", "status", "enrollmentDate")}
        assert enrolment == {"firstName": "Ava", "employeeId": "E-7", "status": "ACTIVE",
                             "enrollmentDate": str(date.today())}  # fmt: skip
        assert (member["dateOfBirth"], member["email"], member["allergies"]) == (None, None, None)
        assert _error_codes(errors, "enrollmentChanged") == {
            ("member", name): "FORBIDDEN" for name in ("dateOfBirth", "email", "allergies")
        }
    finally:
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM members WHERE id = ANY(CAST(:ids AS uuid[]))"),
                               {"ids": made})  # fmt: skip


async def test_another_employers_feeds_are_not_found(servers, token_for, users, other_employer):
    """Another employer (which exists) is NOT_FOUND to the employer, and its own employer is
    NOT_FOUND to a member of it, on both employer topics; the connection stays up."""
    own = to_global_id("Employer", users[EMPLOYER]["employer_id"])
    cases = [(EMPLOYER, to_global_id("Employer", other_employer)), (FAMILY, own)]
    for persona, employer in cases:
        async with session(servers[0], token_for(persona)) as s:
            for topic in (ENROLMENT_FIELDS, SUMMARY):
                with pytest.raises(TransportQueryError) as refused:
                    async for _ in s.subscribe(_with(topic, e=employer)):
                        pass
                assert refused.value.errors[0]["extensions"]["code"] == "NOT_FOUND", persona
            me = await s.execute(parse("{ me { email } }"))
            assert me["me"]["email"] == persona


# --- 6. validation runs ----------------------------------------------------------------------
async def test_a_validation_run_replays_in_order_to_its_owner_on_the_legacy_protocol(
    servers, token_for, engine
):
    from tests.graph.test_subscription_rules import start_small_run

    provider = token_for(PROVIDER)
    start = await _newest(engine)
    run_id = await start_small_run(servers[1], provider)
    progress = parse(
        "subscription($r: ID!, $a: String) { validationRunProgress(runId: $r, after: $a) "
        "{ cursor run { id status progress } } }"
    )
    seen = []
    async with session(servers[0], provider, "graphql-ws") as s:
        # from before the upload: every step, in order, and the stream ends with the run
        async for event in s.subscribe(_with(progress, r=run_id, a=str(start))):
            seen.append(event["validationRunProgress"])
    cursors = [int(e["cursor"]) for e in seen]
    assert cursors == sorted(set(cursors))
    assert {e["run"]["id"] for e in seen} == {run_id}
    assert [e["run"]["progress"] for e in seen] == sorted(e["run"]["progress"] for e in seen)
    assert seen[-1]["run"]["status"] == "COMPLETED"
    for persona in (EMPLOYER, REGULATOR):
        async with session(servers[0], token_for(persona), "graphql-ws") as s:
            with pytest.raises(TransportQueryError) as hidden:
                async for _ in s.subscribe(_with(progress, r=run_id, a=None)):
                    pass
        assert hidden.value.errors[0]["extensions"]["code"] == "NOT_FOUND", persona


# --- 7. appeal deadlines ---------------------------------------------------------------------
DEADLINES = parse("subscription { appealDeadlineApproaching { cursor dueAt appeal { id } } }")


async def test_an_appeal_coming_due_is_announced_once_across_replicas(
    db_url, servers, token_for, engine
):
    """Two replicas scan every second; a subscriber on each hears of the appeal exactly once.
    Providers and employers may not follow deadlines (FORBIDDEN)."""
    started = [start_server(db_url, APPEAL_SCAN_SECONDS="1") for _ in range(2)]
    async with engine.connect() as conn:
        appeal, due_at, notified = (await conn.execute(text(
            "SELECT id, due_at, deadline_notified_at FROM appeals WHERE status = 'submitted' "
            "ORDER BY due_at DESC, id LIMIT 1"))).one()  # fmt: skip
    ours = to_global_id("Appeal", appeal)
    try:
        async with (
            session(started[0][1], token_for(ADJUDICATOR)) as first,
            session(started[1][1], token_for("adjudicator2@example.com")) as second,
        ):
            streams = [
                first.subscribe(DEADLINES).__aiter__(),
                second.subscribe(DEADLINES).__aiter__(),
            ]

            async def ours_only(events) -> list[str]:
                got = []
                try:
                    while True:
                        event = (await _next(events, wait=15 if not got else 3))[
                            "appealDeadlineApproaching"
                        ]
                        if event["appeal"]["id"] == ours:
                            got.append(event["cursor"])
                except TimeoutError:
                    return got

            listening = [asyncio.ensure_future(ours_only(e)) for e in streams]
            await asyncio.sleep(0.5)
            async with engine.begin() as conn:
                await conn.execute(text(
                    "UPDATE appeals SET due_at = now() + interval '2 hours', "
                    "deadline_notified_at = NULL WHERE id = :a"), {"a": appeal})  # fmt: skip
            heard = await asyncio.gather(*listening)
        assert len(heard[0]) == 1 and heard[0] == heard[1], heard
    finally:
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE appeals SET due_at = :d, deadline_notified_at = :n "
                                    "WHERE id = :a"), {"d": due_at, "n": notified, "a": appeal})  # fmt: skip
        for process, _ in started:
            process.terminate()
            process.wait(timeout=10)
    for persona in (PROVIDER, EMPLOYER):
        async with session(servers[0], token_for(persona)) as s:
            with pytest.raises(TransportQueryError) as refused:
                async for _ in s.subscribe(DEADLINES):
                    pass
        assert refused.value.errors[0]["extensions"]["code"] == "FORBIDDEN", persona


# --- 8. limits -------------------------------------------------------------------------------
async def test_default_limits_and_their_slots_are_given_back(servers, gql):
    """20 subscriptions per connection: the 21st is refused (legacy protocol's error shape)
    and the socket stays; stopping one makes room. 5 sockets per user: the 6th is closed
    4429; closing one makes room."""
    gid, token = await _fresh_user(gql, "AUDITOR")
    try:
        ws = await _open(servers[0], "graphql-ws", token)
        for n in range(1, 22):
            await _start(ws, "graphql-ws", str(n), CLAIM_CURSORS)
        refused = await _message(ws, 5)
        assert (refused["type"], refused["id"]) == ("error", "21")
        assert refused["payload"]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
        await ws.send(json.dumps({"type": "stop", "id": "1"}))
        assert (await _message(ws, 5)) == {"type": "complete", "id": "1"}
        await _start(ws, "graphql-ws", "22", CLAIM_CURSORS)  # room for one
        await _start(ws, "graphql-ws", "23", CLAIM_CURSORS)  # and no more
        refused = await _message(ws, 5)
        assert (refused["type"], refused["id"]) == ("error", "23")

        others = [ws] + [await _open(servers[0], "graphql-transport-ws", token) for _ in range(4)]
        sixth = await _raw(servers[0], "graphql-transport-ws", {"Authorization": f"Bearer {token}"})
        code, _ = await _until_closed(sixth, 5)
        assert code == 4429
        await others.pop().close()
        for _ in range(25):  # the server lets go of the closed one within moments
            again = await _raw(
                servers[0], "graphql-transport-ws", {"Authorization": f"Bearer {token}"}
            )
            try:
                if (await _message(again, 5))["type"] == "connection_ack":
                    others.append(again)
                    break
            except websockets.ConnectionClosed:
                await asyncio.sleep(0.2)
        else:
            pytest.fail("a closed socket's slot was not given back")
        for open_socket in others:
            await open_socket.close()
    finally:
        await gql(DEACTIVATE, {"id": gid})


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_repeated_connection_init_is_refused_and_costs_no_connection(
    servers, gql, protocol
):
    """A socket is initialised once; a second connection_init closes it (4429) and leaves the
    user's count of open sockets as it was: five can still be opened afterwards."""
    gid, token = await _fresh_user(gql, "AUDITOR")
    try:
        ws = await _open(servers[0], protocol, token)
        await ws.send(json.dumps({"type": "connection_init",
                                  "payload": {"Authorization": f"Bearer {token}"}}))  # fmt: skip
        code, _ = await _until_closed(ws, 5)
        assert code == 4429
        await asyncio.sleep(0.5)  # the server has let go of it
        opened = [await _raw(servers[0], protocol, {"Authorization": f"Bearer {token}"})
                  for _ in range(5)]  # fmt: skip
        answers = []
        for ws in opened:
            try:
                answers.append((await _message(ws, 5))["type"])
            except websockets.ConnectionClosed as closed:
                answers.append(closed.rcvd.code)
        assert answers == ["connection_ack"] * 5
        for ws in opened:
            await ws.close()
    finally:
        await gql(DEACTIVATE, {"id": gid})


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_nothing_runs_before_connection_init(servers, protocol):
    ws = await websockets.connect(_ws(servers[0]), subprotocols=[protocol])
    await _start(ws, protocol, "1", CLAIM_CURSORS)
    code, got = await _until_closed(ws, 5)
    assert code == 4401 and got == []


async def test_an_unknown_topic_is_an_error_of_that_subscription_only(servers, token_for):
    async with session(servers[0], token_for(ADJUDICATOR)) as s:
        with pytest.raises(TransportQueryError) as unknown:
            async for _ in s.subscribe(parse("subscription { claimDeleted { cursor } }")):
                pass
        assert unknown.value.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
        me = await s.execute(parse("{ me { email } }"))
        assert me["me"]["email"] == ADJUDICATOR


# --- 9. the listener -------------------------------------------------------------------------
LISTENERS = (
    "SELECT {} FROM pg_stat_activity WHERE datname = current_database() "
    "AND application_name = 'claimgraph-listener'"
)


async def _listeners(engine, at_least: int) -> int:
    for _ in range(100):
        count = await _scalar(engine, LISTENERS.format("count(*)"))
        if count >= at_least:
            return count
        await asyncio.sleep(0.1)
    return count


async def test_events_committed_while_the_listener_is_down_arrive_once_in_order(
    servers, token_for, engine
):
    claim = await _claim_of(engine, "true")
    assert await _listeners(engine, 2) >= 2
    async with session(servers[0], token_for(ADJUDICATOR)) as s:
        events = s.subscribe(CLAIM_EVENTS).__aiter__()
        first = asyncio.ensure_future(_next(events, wait=20))
        await asyncio.sleep(0.5)
        async with engine.begin() as conn:
            # a listener's backend is found by its name: its last statement is whatever the
            # connection ran last (the keep-alive SELECT 1, a ROLLBACK...), rarely the LISTEN,
            # so `query ILIKE 'LISTEN%'` would mostly miss it
            killed = (
                await conn.execute(text(LISTENERS.format("count(pg_terminate_backend(pid))")))
            ).scalar_one()
        assert killed >= 2
        committed = [await _event(engine, claim, f"while-down-{i}") for i in range(5)]
        got = [(await first)["claimStatusChanged"]["cursor"]]
        while len(got) < 5:
            got.append((await _next(events, wait=20))["claimStatusChanged"]["cursor"])
        assert got == [str(seq) for seq in committed]
        with pytest.raises(TimeoutError):  # and none twice
            await _next(events, wait=1.5)
    assert await _listeners(engine, 2) >= 2  # both processes listen again


async def test_an_event_whose_notify_was_lost_still_arrives(servers, token_for, engine):
    """NOTIFY is a hint: an event committed without one (the trigger left out, as if the
    notification were lost) is still read within seconds."""
    claim = await _claim_of(engine, "true")
    async with session(servers[1], token_for(ADJUDICATOR)) as s:
        events = s.subscribe(CLAIM_EVENTS).__aiter__()
        first = asyncio.ensure_future(_next(events, wait=12))
        await asyncio.sleep(0.5)
        async with engine.begin() as conn:
            # no trigger, so no NOTIFY: the table's owner turns it off for this one insert
            # (ALTER TABLE is transactional and holds the table until commit, so no other
            # insert goes unannounced)
            await conn.execute(text("ALTER TABLE outbox_events DISABLE TRIGGER outbox_notify"))
            seq = (await conn.execute(text(
                "INSERT INTO outbox_events (topic, payload) VALUES ('claim.status_changed', "
                "CAST(:p AS jsonb)) RETURNING seq"), {"p": json.dumps({
                    "claim_id": str(claim), "old_status": "submitted", "new_status": "unannounced",
                    "version": 1})})).scalar_one()  # fmt: skip
            await conn.execute(text("ALTER TABLE outbox_events ENABLE TRIGGER outbox_notify"))
        event = (await first)["claimStatusChanged"]
        assert (event["cursor"], event["newStatus"]) == (str(seq), "unannounced")
        await events.aclose()  # done with it (gql would wait 10 s on it)


# --- 10. a socket that stops reading ---------------------------------------------------------
async def test_a_socket_that_stops_reading_is_dropped_with_a_clear_error_and_resumes(
    db_url, token_for, engine
):
    """One browser tab stops reading (its TCP window closes); another keeps reading. The
    reader gets every event in order; the other, once it reads again, finds its subscription
    ended with SUBSCRIBER_TOO_SLOW, its socket still open, and resumes from its last cursor
    without a gap."""
    process, base = start_server(db_url, WS_QUEUE_SIZE="20")
    try:
        token = token_for(ADJUDICATOR)
        claim = await _claim_of(engine, "true")
        raw = sockets.socket()
        raw.setsockopt(sockets.SOL_SOCKET, sockets.SO_RCVBUF, 4096)  # a small window
        raw.connect(("127.0.0.1", int(base.rsplit(":", 1)[1])))
        # uncompressed, so that the events fill the window rather than deflate to nothing
        slow = await websockets.connect(_ws(base), subprotocols=["graphql-transport-ws"],
                                        sock=raw, max_queue=1, compression=None)  # fmt: skip
        await slow.send(json.dumps({"type": "connection_init",
                                    "payload": {"Authorization": f"Bearer {token}"}}))  # fmt: skip
        assert json.loads(await slow.recv())["type"] == "connection_ack"
        fast = await _open(base, "graphql-transport-ws", token)
        for ws in (slow, fast):
            await _start(ws, "graphql-transport-ws", "1", CLAIM_CURSORS)
        await asyncio.sleep(0.5)
        # Bursts of 10 events of 60 kB, each read whole by the fast one before the next is
        # committed (it never lags by more than its queue), until far more than the slow
        # one's buffers and queue hold have gone by.
        burst, seqs, got = 10, [], []
        for _ in range(30):
            async with engine.begin() as conn:
                seqs += sorted((await conn.execute(text(
                    "INSERT INTO outbox_events (topic, payload) SELECT 'claim.status_changed', "
                    "jsonb_build_object('claim_id', CAST(:c AS text), 'old_status', 'submitted', "
                    "'new_status', 'big-' || g || '-' || repeat('x', 60000), 'version', 1) "
                    "FROM generate_series(1, :n) g ORDER BY g RETURNING seq"),
                    {"c": str(claim), "n": burst})).scalars().all())  # fmt: skip
            while len(got) < len(seqs):
                message = await _message(fast, 30)
                got.append(int(message["payload"]["data"]["claimStatusChanged"]["cursor"]))
        n = len(seqs)
        assert got == seqs
        # the slow one reads again: what was buffered, then the end of that subscription
        received, ending = [], None
        while ending is None:
            message = await _message(slow, 10)
            if message["type"] == "next" and "errors" not in message["payload"]:
                received.append(int(message["payload"]["data"]["claimStatusChanged"]["cursor"]))
            else:
                ending = message
        assert received == seqs[: len(received)] and len(received) < n
        assert ending["type"] == "next", ending
        assert ending["payload"]["errors"][0]["extensions"]["code"] == "SUBSCRIBER_TOO_SLOW"
        assert (await _message(slow, 5))["type"] == "complete"
        # the same socket resumes from the last cursor it got: the rest, in order
        last = received[-1] if received else seqs[0] - 1
        await _start(slow, "graphql-transport-ws", "2",
                     "subscription($a: String) { claimStatusChanged(after: $a) { cursor } }",
                     {"a": str(last)})  # fmt: skip
        rest = []
        while len(rest) < n - len(received):
            message = await _message(slow, 30)
            rest.append(int(message["payload"]["data"]["claimStatusChanged"]["cursor"]))
        assert received + rest == seqs
        await slow.close()
        await fast.close()
    finally:
        process.terminate()
        process.wait(timeout=10)


# --- resume: the seam ------------------------------------------------------------------------
async def test_subscribing_after_the_cursor_a_mutation_returned_sends_nothing_twice(
    servers, token_for, users, engine
):
    """The employer's portal enrols someone and subscribes `after:` the eventSequence it got
    back. The replica it lands on may not have read that far yet (here it is held back: an
    earlier transaction took a number and has not committed); the portal's own change must
    still not come back to it, and the next one must."""
    employer = token_for(EMPLOYER)
    own = to_global_id("Employer", users[EMPLOYER]["employer_id"])
    feed = parse("subscription($e: ID!, $a: String) { enrollmentChanged(employerId: $e, "
                 "after: $a) { cursor member { id } } }")  # fmt: skip
    made: list[str] = []
    try:
        async with engine.connect() as hold:
            await hold.begin()
            await hold.execute(text("INSERT INTO outbox_events (topic, payload) "
                                    "VALUES ('test.hold', '{}'::jsonb)"))  # fmt: skip
            enrolled = await _enrol(servers[1], employer, own, f"Seam{uuid.uuid4().hex[:6]}")
            made.append(_db_id(enrolled["member"]["id"]))
            async with session(servers[0], employer) as s:
                after = str(enrolled["eventSequence"])
                events = s.subscribe(_with(feed, e=own, a=after)).__aiter__()
                first = asyncio.ensure_future(_next(events))
                await asyncio.sleep(0.5)
                await hold.commit()
                nxt = await _enrol(servers[1], employer, own, f"Seam{uuid.uuid4().hex[:6]}")
                made.append(_db_id(nxt["member"]["id"]))
                event = (await first)["enrollmentChanged"]
                await events.aclose()  # done with it (gql would wait 10 s on it)
        assert event == {"cursor": str(nxt["eventSequence"]), "member": {"id": nxt["member"]["id"]}}
    finally:
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM members WHERE id = ANY(CAST(:ids AS uuid[]))"),
                               {"ids": made})  # fmt: skip


async def test_resuming_while_events_keep_coming_has_no_gap_and_no_duplicate(
    servers, token_for, engine
):
    claim = await _claim_of(engine, "true")
    start = await _newest(engine)
    committed: list[int] = []
    under_way = asyncio.Event()

    async def write(n: int) -> None:
        for i in range(n):
            committed.append(await _event(engine, claim, f"seam-{i}"))
            if i == 40:  # the replay has something to read
                under_way.set()

    writer = asyncio.ensure_future(write(150))
    await under_way.wait()
    got: list[int] = []
    async with session(servers[0], token_for(ADJUDICATOR)) as s:
        events = s.subscribe(_with(CLAIM_EVENTS, after=str(start))).__aiter__()
        while not writer.done() or len(got) < len(committed):
            got.append(int((await _next(events))["claimStatusChanged"]["cursor"]))
        await writer
        with pytest.raises(TimeoutError):
            await _next(events, wait=1.5)
    assert got == committed


# --- what is pushed is what the same reader gets over HTTP -----------------------------------
SELECTION = (
    "id status billedAmount diagnosisCodes member { id firstName lastName memberNumber "
    "birthYear dateOfBirth zipCode allergies ssn }"
)


@pytest.mark.parametrize("persona", [FAMILY, PROVIDER, ADJUDICATOR, REGULATOR])
async def test_a_pushed_claim_reads_as_the_same_selection_over_http(
    servers, token_for, engine, persona
):
    """Field rules, masks and de-identification are the same at delivery as over HTTP."""
    from graph.keys import pseudonym

    claim = await _claim_of(engine, "m.member_number = 'MBR-00000001' AND c.dependent_id IS NULL")
    # a regulator names a claim by the pseudonym it was handed, never by its real id
    handle = pseudonym(claim) if persona == REGULATOR else claim
    pushed_query = parse(f"subscription {{ claimStatusChanged {{ claim {{ {SELECTION} }} }} }}")
    async with session(servers[0], token_for(persona)) as s:
        events = s.subscribe(pushed_query).__aiter__()
        first = asyncio.ensure_future(_result(events))
        await asyncio.sleep(0.5)
        await _event(engine, claim, "compared")
        pushed, errors = await first
        await events.aclose()  # done with it (gql would wait 10 s on it)
    read = await _post(servers[1], token_for(persona),
                       f"query($c: ID!) {{ claim(id: $c) {{ {SELECTION} }} }}",
                       {"c": _gid("Claim", handle)})  # fmt: skip
    assert pushed["claimStatusChanged"]["claim"] == read["data"]["claim"]
    over_http = {tuple(e["path"][1:]): e["extensions"]["code"] for e in read.get("errors", [])}
    assert _error_codes(errors, "claimStatusChanged") == {
        ("claim", *path): code for path, code in over_http.items()
    }
