"""Shared by the test_subscriptions_access* files: the demo personas, the two subprotocols'
message types, and helpers that read the database and drive a raw websocket."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from datetime import date

import pytest
import websockets
from gql.transport.exceptions import TransportQueryError
from sqlalchemy import text

from tests.graph.test_subscriptions import _next, _post, _raw

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


ENROLL = """mutation($input: EnrollMemberInput!) { enrollMember(input: $input) { __typename
  ... on MemberEnrolled { eventSequence member { id memberNumber } }
  ... on InvalidInput { field message } } }"""


async def _enrol(base: str, token: str, employer: str | None, last_name: str) -> dict:
    body = await _post(base, token, ENROLL, {"input": {
        "firstName": "Ava", "lastName": last_name, "dateOfBirth": "1990-04-02",
        "employerId": employer, "employeeId": "E-7", "enrollmentDate": str(date.today()),
        "email": "ava@example.com"}})  # fmt: skip
    result = body["data"]["enrollMember"]
    assert result["__typename"] == "MemberEnrolled", result
    return result
