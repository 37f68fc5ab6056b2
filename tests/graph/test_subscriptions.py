"""Subscriptions over real WebSockets against real server processes (uvicorn), with the
python `gql` client on both subprotocols: authentication in connection_init, per-subscriber
authorization of every event, resume without loss, fan-out across two processes."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from contextlib import asynccontextmanager
from uuid import UUID

import httpx
import pytest
import websockets
from gql import Client, GraphQLRequest
from gql import gql as parse
from gql.transport.websockets import WebsocketsTransport
from sqlalchemy import text

PROTOCOLS = ["graphql-transport-ws", "graphql-ws"]
CLAIM_EVENTS = parse(
    "subscription($after: String) { claimStatusChanged(after: $after) "
    "{ cursor oldStatus newStatus claim { id status } } }"
)


ENROLMENT = parse("subscription($e: ID!) { enrollmentChanged(employerId: $e) { cursor } }")


def _with(request: GraphQLRequest, **variables) -> GraphQLRequest:
    return GraphQLRequest(request.document, variable_values=variables)


def _ws(base: str) -> str:
    return base.replace("http://", "ws://") + "/graphql"


@asynccontextmanager
async def session(base: str, token: str, protocol: str = "graphql-transport-ws"):
    transport = WebsocketsTransport(
        url=_ws(base), init_payload={"Authorization": f"Bearer {token}"}, subprotocols=[protocol]
    )
    async with Client(transport=transport, fetch_schema_from_transport=False) as s:
        yield s


async def _post(base: str, token: str, query: str, variables: dict | None = None) -> dict:
    async with httpx.AsyncClient(timeout=30) as c:
        r = await c.post(f"{base}/graphql", json={"query": query, "variables": variables or {}},
                         headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        return r.json()


def _gid(kind: str, value) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{value}".encode()).decode().rstrip("=")


async def _open_claims(engine, *, member_number: str | None, others: bool = False, n: int = 1):
    where = "m.member_number = :n" if not others else "m.member_number <> :n"
    async with engine.connect() as conn:
        rows = (await conn.execute(text(
            f"SELECT c.id, c.version FROM claims c JOIN members m ON m.id = c.member_id "
            f"WHERE {where} AND c.status = 'submitted' AND c.dependent_id IS NULL "
            f"ORDER BY c.created_at LIMIT :k"), {"n": member_number or "", "k": n})).all()  # fmt: skip
    return rows


ASSIGN = """mutation($c: ID!, $v: Int!) { assignClaim(claimId: $c, version: $v) { __typename } }"""


async def _next(agen, wait: float = 10.0):
    return await asyncio.wait_for(agen.__anext__(), wait)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_status_change_reaches_plan_staff_on_both_protocols(servers, token_for, engine,
                                                                    protocol):  # fmt: skip
    [claim] = await _open_claims(engine, member_number="MBR-00000001", others=True)
    async with session(servers[0], token_for("adjudicator@example.com"), protocol) as s:
        events = s.subscribe(CLAIM_EVENTS).__aiter__()
        pending = asyncio.ensure_future(_next(events))
        await asyncio.sleep(0.5)  # the subscription is registered
        done = await _post(servers[0], token_for("adjudicator@example.com"), ASSIGN,
                           {"c": _gid("Claim", claim.id), "v": claim.version})  # fmt: skip
        assert done["data"]["assignClaim"]["__typename"] == "ClaimAssigned", done
        event = (await pending)["claimStatusChanged"]
        assert event["claim"]["id"] == _gid("Claim", claim.id)
        assert (event["oldStatus"], event["newStatus"]) == ("submitted", "under_review")
        assert event["cursor"].isdigit()


async def test_the_event_crosses_processes(servers, token_for, engine):
    """Subscribed through one process, changed through the other."""
    [claim] = await _open_claims(engine, member_number="MBR-00000001", others=True)
    async with session(servers[0], token_for("adjudicator@example.com")) as s:
        events = s.subscribe(CLAIM_EVENTS).__aiter__()
        pending = asyncio.ensure_future(_next(events))
        await asyncio.sleep(0.5)
        await _post(servers[1], token_for("adjudicator2@example.com"), ASSIGN,
                    {"c": _gid("Claim", claim.id), "v": claim.version})  # fmt: skip
        event = (await pending)["claimStatusChanged"]
        assert event["claim"]["id"] == _gid("Claim", claim.id)


async def test_a_member_gets_only_claims_they_may_see_and_resumes_without_loss(
    servers, token_for, engine
):
    """Disconnected, 100 events of the member's claims and 50 of others' are committed; on
    reconnecting with the last cursor the member receives exactly their 100, in order."""
    async with engine.connect() as conn:
        mine = (
            await conn.execute(
                text(
                    "SELECT c.id FROM claims c JOIN members m ON m.id = c.member_id WHERE "
                    "m.member_number = 'MBR-00000001' AND c.dependent_id IS NULL LIMIT 1"
                )
            )
        ).scalar_one()
        theirs = (await conn.execute(text(
            "SELECT c.id FROM claims c JOIN members m ON m.id = c.member_id WHERE "
            "m.member_number <> 'MBR-00000001' LIMIT 1"))).scalar_one()  # fmt: skip
        start = (await conn.execute(text("SELECT max(seq) FROM outbox_events"))).scalar_one()
    member = token_for("member@example.com")
    async with engine.begin() as conn:
        for i in range(150):
            claim = theirs if i % 3 == 2 else mine
            await conn.execute(text(
                "INSERT INTO outbox_events (topic, payload) VALUES ('claim.status_changed', "
                "CAST(:p AS jsonb))"), {"p": json.dumps({"claim_id": str(claim),
                "old_status": "submitted", "new_status": f"step-{i}", "version": i})})  # fmt: skip
    got = []
    async with session(servers[0], member) as s:
        events = s.subscribe(_with(CLAIM_EVENTS, after=str(start))).__aiter__()
        while len(got) < 100:
            got.append((await _next(events))["claimStatusChanged"])
        with pytest.raises(TimeoutError):  # nothing more: the 50 others' were not sent
            await _next(events, wait=1.5)
    assert [e["newStatus"] for e in got] == [f"step-{i}" for i in range(150) if i % 3 != 2]
    assert {e["claim"]["id"] for e in got} == {_gid("Claim", mine)}
    cursors = [int(e["cursor"]) for e in got]
    assert cursors == sorted(cursors) and len(set(cursors)) == 100


async def _raw(base: str, protocol: str, init: dict) -> websockets.ClientConnection:
    ws = await websockets.connect(_ws(base), subprotocols=[protocol])
    await ws.send(json.dumps({"type": "connection_init", "payload": init}))
    return ws


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_no_valid_token_closes_with_4401(servers, protocol):
    for init in ({}, {"Authorization": "Bearer not-a-token"}):
        ws = await _raw(servers[0], protocol, init)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
        assert closed.value.rcvd.code == 4401


async def test_a_cross_origin_handshake_is_refused(servers):
    with pytest.raises(websockets.InvalidStatus):
        await websockets.connect(_ws(servers[0]), subprotocols=["graphql-transport-ws"],
                                 origin="https://evil.example")  # fmt: skip


async def test_bad_input_errors_that_subscription_and_the_connection_stays(servers, token_for,
                                                                           engine):  # fmt: skip
    from gql.transport.exceptions import TransportQueryError

    employer = token_for("employer@example.com")
    other = _gid("Employer", UUID(int=7))
    async with session(servers[0], employer) as s:
        with pytest.raises(TransportQueryError) as bad:
            async for _ in s.subscribe(_with(CLAIM_EVENTS, after="x-1")):
                pass
        assert bad.value.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
        with pytest.raises(TransportQueryError) as missing:
            async for _ in s.subscribe(_with(ENROLMENT, e=other)):  # fmt: skip
                pass
        assert missing.value.errors[0]["extensions"]["code"] == "NOT_FOUND"
        # still connected: a good query on the same socket answers
        me = await s.execute(parse("{ me { email } }"))
        assert me["me"]["email"] == "employer@example.com"


async def test_logout_closes_the_socket_within_seconds(servers):
    # a sign-in of its own (password grant), so ending it leaves other tests' tokens alone
    async with httpx.AsyncClient() as c:
        signed = (await c.post(f"{servers[1]}/auth/token", data={
            "grant_type": "password", "username": "auditor@example.com",
            "password": "demo-password"})).json()  # fmt: skip
    token = signed["access_token"]
    ws = await _raw(servers[0], "graphql-transport-ws", {"Authorization": f"Bearer {token}"})
    assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "connection_ack"
    async with httpx.AsyncClient() as c:
        await c.post(f"{servers[1]}/auth/logout", data={"refresh_token": signed["refresh_token"]})
    started = time.monotonic()
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(ws.recv(), 8)
    assert closed.value.rcvd.code == 4401 and time.monotonic() - started < 8
