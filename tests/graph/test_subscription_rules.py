"""Subscriptions under change: consent revoked mid-stream, a user deactivated, limits, the
employer's enrolment feed, a listener whose connection dies, and a subscriber that stops
reading. Against real server processes and the real database."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid

import pytest
import websockets
from gql.transport.exceptions import TransportQueryError
from sqlalchemy import text

from tests.graph.conftest import start_server
from tests.graph.test_subscriptions import CLAIM_EVENTS, _next, _raw, _with, session

FAMILY, LUCAS = "member@example.com", "adult.child@example.com"


async def _event(engine, claim_id, status: str) -> int:
    async with engine.begin() as conn:
        return (await conn.execute(text(
            "INSERT INTO outbox_events (topic, payload) VALUES ('claim.status_changed', "
            "CAST(:p AS jsonb)) RETURNING seq"), {"p": json.dumps({
                "claim_id": str(claim_id), "old_status": "submitted", "new_status": status,
                "version": 1})})).scalar_one()  # fmt: skip


async def test_revoking_consent_stops_delivery_at_once(servers, token_for, gql, engine):
    async with engine.connect() as conn:
        lucas_claim = (
            await conn.execute(
                text(
                    "SELECT c.id FROM claims c JOIN users u ON u.dependent_id = c.dependent_id "
                    "WHERE u.email = :e AND NOT c.is_sensitive LIMIT 1"
                ),
                {"e": LUCAS},
            )
        ).scalar_one()
    await gql("mutation { grantConsent { revoked } }", as_=LUCAS)
    try:
        async with session(servers[0], token_for(FAMILY)) as s:
            events = s.subscribe(CLAIM_EVENTS).__aiter__()
            first = asyncio.ensure_future(_next(events))
            await asyncio.sleep(0.5)
            await _event(engine, lucas_claim, "while-consented")
            assert (await first)["claimStatusChanged"]["newStatus"] == "while-consented"
            await gql("mutation { revokeConsent { revoked } }", as_=LUCAS)
            await _event(engine, lucas_claim, "after-revocation")
            with pytest.raises(TimeoutError):
                await _next(events, wait=3)
    finally:
        await gql("mutation { revokeConsent { revoked } }", as_=LUCAS)


async def test_a_deactivated_user_is_closed_with_4403(servers, gql, token_for):
    from graph.auth import issue_access_token
    from graph.config import Settings

    created = (await gql(
        """mutation($input: CreateUserInput!) { createUser(input: $input) {
        ... on UserSaved { user { id } } } }""",
        {"input": {"email": f"ws-{uuid.uuid4().hex[:8]}@example.com",
                   "password": "a long enough password 42", "role": "ADJUDICATOR"}},
    ))["data"]["createUser"]["user"]  # fmt: skip
    import base64

    user_id = base64.urlsafe_b64decode(created["id"] + "==").decode().split(":")[1]
    token = issue_access_token(user_id=uuid.UUID(user_id), role="adjudicator", settings=Settings())
    ws = await _raw(servers[0], "graphql-transport-ws", {"Authorization": f"Bearer {token}"})
    assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "connection_ack"
    await gql('mutation($id: ID!) { deactivateUser(userId: $id, reason: "Left") { __typename } }',
              {"id": created["id"]})  # fmt: skip
    started = time.monotonic()
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(ws.recv(), 8)
    assert closed.value.rcvd.code == 4403 and time.monotonic() - started < 8


async def test_the_employer_follows_its_own_enrolments(servers, token_for, gql):
    employer = token_for("employer@example.com")
    mine = (await gql("{ me { employer { id } } }", as_="employer@example.com"))["data"]
    employer_id = mine["me"]["employer"]["id"]
    feed = _with(
        __import__("gql").gql(
            "subscription($e: ID!) { enrollmentChanged(employerId: $e) "
            "{ cursor change member { memberNumber status } } }"
        ),
        e=employer_id,
    )
    async with session(servers[0], employer) as s:
        events = s.subscribe(feed).__aiter__()
        pending = asyncio.ensure_future(_next(events))
        await asyncio.sleep(0.5)
        enrolled = await gql(
            """mutation($input: EnrollMemberInput!) { enrollMember(input: $input) {
            __typename ... on MemberEnrolled { member { memberNumber } }
            ... on InvalidInput { field message } } }""",
            {"input": {"firstName": "Ava", "lastName": "Stone", "dateOfBirth": "1990-04-02",
                       "employerId": employer_id, "enrollmentDate": "2026-01-01"}},
        )  # fmt: skip
        result = enrolled["data"]["enrollMember"]
        assert result["__typename"] == "MemberEnrolled", result
        event = (await pending)["enrollmentChanged"]
        assert event["change"] == "member_enrolled"
        assert event["member"]["memberNumber"] == result["member"]["memberNumber"]


async def test_limits_per_connection_and_per_user(db_url, token_for):
    process, base = start_server(db_url, WS_MAX_SUBSCRIPTIONS="2",
                                 WS_MAX_CONNECTIONS_PER_USER="2")  # fmt: skip
    try:
        token = token_for("adjudicator@example.com")
        ws = await _raw(base, "graphql-transport-ws", {"Authorization": f"Bearer {token}"})
        await asyncio.wait_for(ws.recv(), 5)  # ack
        query = "subscription { claimStatusChanged { cursor } }"
        for n in ("1", "2", "3"):
            await ws.send(json.dumps({"type": "subscribe", "id": n, "payload": {"query": query}}))
        refused = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert refused["type"] == "error" and refused["id"] == "3"
        assert refused["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
        await ws.send(json.dumps({"type": "ping"}))  # the connection is still up
        assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "pong"
        second = await _raw(base, "graphql-transport-ws", {"Authorization": f"Bearer {token}"})
        await asyncio.wait_for(second.recv(), 5)
        third = await _raw(base, "graphql-transport-ws", {"Authorization": f"Bearer {token}"})
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(third.recv(), 5)
        assert closed.value.rcvd.code == 4429
        await ws.close()
        await second.close()
    finally:
        process.terminate()
        process.wait(timeout=10)


async def test_the_listener_recovers_when_its_connection_dies(servers, token_for, engine):
    async with engine.connect() as conn:
        claim = (await conn.execute(text("SELECT id FROM claims LIMIT 1"))).scalar_one()
    async with session(servers[0], token_for("adjudicator@example.com")) as s:
        events = s.subscribe(CLAIM_EVENTS).__aiter__()
        first = asyncio.ensure_future(_next(events, wait=20))
        await asyncio.sleep(0.5)
        listeners = (
            "SELECT {} FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = 'claimgraph-listener'"
        )
        for _ in range(50):  # both servers' listeners are up
            async with engine.connect() as conn:
                if (await conn.execute(text(listeners.format("count(*)")))).scalar_one() >= 2:
                    break
            await asyncio.sleep(0.1)
        async with engine.begin() as conn:  # kill every LISTEN connection of the servers
            killed = (
                await conn.execute(text(listeners.format("count(pg_terminate_backend(pid))")))
            ).scalar_one()
        assert killed == 2
        seq = await _event(engine, claim, "while-reconnecting")
        event = (await first)["claimStatusChanged"]
        assert (event["cursor"], event["newStatus"]) == (str(seq), "while-reconnecting")


async def test_a_subscriber_that_stops_reading_is_dropped_and_others_keep_going(engine):
    from graph.subscriptions.hub import Dropped, Hub

    hub = Hub(engine, queue_size=3, poll=0.2)
    topics = frozenset({"bench.slow"})
    try:
        await hub.ready()
        slow = hub.stream(topics, after=None).__aiter__()
        fast = hub.stream(topics, after=None).__aiter__()
        slow_first = asyncio.ensure_future(slow.__anext__())  # registers, then never reads

        async def read_all() -> list[int]:
            return [(await asyncio.wait_for(fast.__anext__(), 10)).seq for _ in range(8)]

        reading = asyncio.ensure_future(read_all())
        await asyncio.sleep(0.2)
        seqs = []
        for i in range(8):
            async with engine.begin() as conn:
                seqs.append(
                    (
                        await conn.execute(
                            text(
                                "INSERT INTO outbox_events (topic, payload) VALUES ('bench.slow', "
                                "CAST(:p AS jsonb)) RETURNING seq"
                            ),
                            {"p": json.dumps({"i": i})},
                        )
                    ).scalar_one()
                )
            await asyncio.sleep(0.05)
        assert await reading == seqs  # the reader got every event, in order
        assert (await slow_first).seq == seqs[0]  # the other took one, then its queue filled
        with pytest.raises(Dropped):
            for _ in range(8):
                await asyncio.wait_for(slow.__anext__(), 5)
    finally:
        await hub.stop()


async def test_an_expiring_token_closes_the_socket_with_4401(servers, users):
    from graph.auth import issue_access_token
    from graph.config import Settings

    user = users["adjudicator@example.com"]
    token = issue_access_token(user_id=user["id"], role=user["role"], settings=Settings(),
                               lifetime_seconds=3)  # fmt: skip
    ws = await _raw(servers[0], "graphql-transport-ws", {"Authorization": f"Bearer {token}"})
    assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "connection_ack"
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd.code == 4401


async def test_the_uploader_follows_a_validation_run_to_its_end(servers, token_for, engine):

    provider = token_for("provider@example.com")
    async with engine.connect() as conn:
        start = (await conn.execute(text("SELECT max(seq) FROM outbox_events"))).scalar_one()

    run_id = await start_small_run(servers[1], provider)
    progress = __import__("gql").gql(
        "subscription($r: ID!, $a: String) { validationRunProgress(runId: $r, after: $a) "
        "{ cursor run { status progress errorCount } } }"
    )
    seen = []
    async with session(servers[0], provider) as s:
        async for event in s.subscribe(_with(progress, r=run_id, a=str(start))):
            seen.append(event["validationRunProgress"]["run"])
    assert seen[-1]["status"] == "COMPLETED" and seen[-1]["progress"] == 100
    assert seen[-1]["errorCount"] == 2  # an unknown member, an NPI not the uploader's
    from gql.transport.exceptions import TransportQueryError

    async with session(servers[0], token_for("adjudicator@example.com")) as s:
        with pytest.raises(TransportQueryError) as hidden:
            async for _ in s.subscribe(_with(progress, r=run_id, a=None)):
                pass
    assert hidden.value.errors[0]["extensions"]["code"] == "NOT_FOUND"


async def test_the_employer_gets_suppressed_aggregates_never_a_claim(servers, token_for, gql):
    """On subscribing the employer gets the published summary (what claimsSummary answers),
    with no claim having to change; a claim changing sends nothing (tests/graph/
    test_claims_summary_disclosure.py)."""
    employer = token_for("employer@example.com")
    mine = (await gql("{ me { employer { id } } }", as_="employer@example.com"))["data"]
    fields = (
        "month claimCount paidTotal suppressed cells { claimType claimCount paidTotal suppressed }"
    )
    summary = __import__("gql").gql(
        "subscription($e: ID!) { claimsSummaryChanged(employerId: $e) { cursor months { "
        + fields
        + " } } }"
    )
    async with session(servers[0], employer) as s:
        events = s.subscribe(_with(summary, e=mine["me"]["employer"]["id"])).__aiter__()
        event = (await _next(events))["claimsSummaryChanged"]
        await events.aclose()
    query = await gql(f"query($e: ID!) {{ claimsSummary(employerId: $e) {{ {fields} }} }}",
                      {"e": mine["me"]["employer"]["id"]}, as_="employer@example.com")  # fmt: skip
    assert event["months"] == query["data"]["claimsSummary"]
    assert event["cursor"] == event["months"][-1]["month"]
    cells = [c for m in event["months"] for c in m["cells"]]
    assert cells
    for cell in cells:
        if cell["suppressed"]:
            assert cell["claimCount"] is None and cell["paidTotal"] is None
        else:
            assert cell["claimCount"] == 0 or cell["claimCount"] >= 11


async def test_deciders_hear_of_appeals_coming_due(db_url, token_for, engine):
    process, base = start_server(db_url, APPEAL_SCAN_SECONDS="1")
    deadlines = __import__("gql").gql(
        "subscription { appealDeadlineApproaching { cursor dueAt appeal { id status } } }"
    )
    try:
        async with engine.begin() as conn:
            appeal = (await conn.execute(text(
                "UPDATE appeals SET due_at = now() + interval '2 hours', "
                "deadline_notified_at = NULL WHERE id = (SELECT id FROM appeals WHERE status = "
                "'submitted' ORDER BY due_at DESC LIMIT 1) RETURNING id"))).scalar_one()  # fmt: skip
        async with session(base, token_for("adjudicator@example.com")) as s:
            events = s.subscribe(deadlines).__aiter__()
            event = None
            while event is None:  # other appeals may come due too: wait for ours
                candidate = (await _next(events, wait=15))["appealDeadlineApproaching"]
                if _db_id(candidate["appeal"]["id"]) == str(appeal):
                    event = candidate
        assert event["appeal"]["status"] == "SUBMITTED"
        from gql.transport.exceptions import TransportQueryError

        async with session(base, token_for("member@example.com")) as s:
            with pytest.raises(TransportQueryError) as refused:
                async for _ in s.subscribe(deadlines):
                    pass
        assert refused.value.errors[0]["extensions"]["code"] == "FORBIDDEN"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _db_id(global_id: str) -> str:
    import base64

    return base64.urlsafe_b64decode(global_id + "==").decode().split(":")[1]


CLINICAL = "subscription { claimStatusChanged { cursor claim { id diagnosisCodes } } }"


async def _own_claim(engine):
    """One of the subscriber's own claims (not a dependent's)."""
    async with engine.connect() as conn:
        return (await conn.execute(text(
            "SELECT c.id FROM claims c JOIN members m ON m.id = c.member_id "
            "WHERE m.member_number = 'MBR-00000001' AND c.dependent_id IS NULL LIMIT 1"
        ))).scalar_one()  # fmt: skip


@contextlib.asynccontextmanager
async def _following_clinical(base: str, token: str):
    """The family's subscriber following claim changes with a clinical field: the pending
    next event, once the subscription is registered."""
    async with session(base, token) as s:
        events = s.subscribe(__import__("gql").gql(CLINICAL)).__aiter__()
        pending = asyncio.ensure_future(_next(events))
        await asyncio.sleep(0.5)
        yield pending


async def test_phi_pushed_is_audited_like_a_read(servers, token_for, engine):
    claim = await _own_claim(engine)
    async with _following_clinical(servers[0], token_for(FAMILY)) as pending:
        await _event(engine, claim, "audited")
        event = (await pending)["claimStatusChanged"]
        assert event["claim"]["diagnosisCodes"]
        # no waiting: the row was written before the event was sent
    async with engine.connect() as conn:
        row = (await conn.execute(text(
            "SELECT a.fields, a.request_id, a.role FROM audit_log a WHERE a.action = 'read' "
            "AND a.resource_type = 'Claim' AND a.resource_id = :c AND a.request_id LIKE 'ws-%' "
            "ORDER BY a.seq DESC LIMIT 1"), {"c": str(claim)})).one()  # fmt: skip
    assert "diagnosis_codes" in row.fields and row.role == "member"


async def start_small_run(base: str, token: str) -> str:
    """A one-line billing file uploaded as a validation run (its global id)."""
    import httpx

    from tests.graph.test_validation_runs import HEADER, START

    content = (HEADER + "\nA,MBR-99999999,1980-01-01,,1234567893,2026-01-05,11,J06.9,"
               "99213,,1,100.00,1\n").encode()  # fmt: skip
    async with httpx.AsyncClient(timeout=30) as c:
        answer = await c.post(
            f"{base}/graphql",
            data={"operations": json.dumps({"query": START,
                                            "variables": {"file": None, "format": "CSV"}}),
                  "map": json.dumps({"0": ["variables.file"]})},
            files={"0": ("b.csv", content, "text/csv")},
            headers={"Authorization": f"Bearer {token}", "GraphQL-Require-Preflight": "1"},
        )  # fmt: skip
    return answer.json()["data"]["startValidationRun"]["run"]["id"]


async def _refusing(engine, on: bool) -> None:
    statement = (
        "ALTER TABLE audit_log ADD CONSTRAINT test_refuse_delivery CHECK (false) NOT VALID"
        if on
        else "ALTER TABLE audit_log DROP CONSTRAINT test_refuse_delivery"
    )
    async with engine.begin() as conn:
        await conn.execute(text(statement))


async def test_an_event_whose_audit_is_refused_is_not_delivered(servers, token_for, engine):
    claim = await _own_claim(engine)
    async with _following_clinical(servers[0], token_for(FAMILY)) as pending:
        await _refusing(engine, True)
        try:
            await _event(engine, claim, "refused-audit")
            with pytest.raises(TransportQueryError) as ended:
                await asyncio.wait_for(pending, 15)
        finally:
            await _refusing(engine, False)
    # a coded error, not a bare `complete`; nothing of the claim in it
    assert [e["extensions"]["code"] for e in ended.value.errors] == ["INTERNAL"]
    assert ended.value.data is None and "diagnosis" not in str(ended.value.errors).lower()
