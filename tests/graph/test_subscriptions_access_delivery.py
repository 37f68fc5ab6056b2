"""Subscriptions delivered as their users notice them: a listener that loses its
connection or a NOTIFY, a socket that stops reading, cursors at the seam, and a pushed claim
that reads as the same selection over HTTP.

Against real server processes (`servers`, two uvicorn processes on the test database, or
private ones with their own settings) and the real database: nothing is mocked. Each test
puts back what it changes in the shared demo data. Shared helpers are in
subscriptions_access_support."""

from __future__ import annotations

import asyncio
import json
import socket as sockets
import uuid

import pytest
import websockets
from gql import gql as parse
from sqlalchemy import text

from graph.relay import to_global_id
from tests.graph.conftest import start_server
from tests.graph.subscriptions_access_support import (
    ADJUDICATOR,
    CLAIM_CURSORS,
    EMPLOYER,
    FAMILY,
    PROVIDER,
    REGULATOR,
    _claim_of,
    _db_id,
    _enrol,
    _error_codes,
    _event,
    _message,
    _newest,
    _open,
    _result,
    _scalar,
    _start,
)
from tests.graph.test_subscriptions import CLAIM_EVENTS, _gid, _next, _post, _with, _ws, session

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
