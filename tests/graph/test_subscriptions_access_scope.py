"""Subscriptions scoped as their users notice them: topics scoped to their owners and to
the fields they may read, validation runs replayed to their owner, appeals announced once
across replicas, limits whose slots are given back, and what comes before connection_init.

Against real server processes (`servers`, two uvicorn processes on the test database, or
private ones with their own settings) and the real database: nothing is mocked. Each test
puts back what it changes in the shared demo data. Shared helpers are in
subscriptions_access_support."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import date

import pytest
import websockets
from gql import gql as parse
from gql.transport.exceptions import TransportQueryError
from sqlalchemy import text

from graph.relay import to_global_id
from tests.graph.conftest import start_server
from tests.graph.subscriptions_access_support import (
    ADJUDICATOR,
    ADMIN,
    CLAIM_CURSORS,
    DEACTIVATE,
    EMPLOYER,
    FAMILY,
    PROVIDER,
    REGULATOR,
    _db_id,
    _enrol,
    _error_codes,
    _fresh_user,
    _message,
    _newest,
    _open,
    _result,
    _start,
    _until_closed,
)
from tests.graph.test_subscriptions import PROTOCOLS, _next, _raw, _with, _ws, session

# --- 4, 5. the employer's topics ------------------------------------------------------------
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
