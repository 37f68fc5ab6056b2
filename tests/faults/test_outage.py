"""Issue 13, item 1: through a whole database outage (down, starting up, shutting down,
connections lost mid-request) every path answers 503, JSON, SERVICE_UNAVAILABLE and
Retry-After; WebSockets close with a code; and everything answers again once it is back."""

from __future__ import annotations

import asyncio
import json
import threading
import time

import asyncpg
import httpx
import pytest
import websockets

from tests.faults.conftest import server

ME = {"query": "{ me { email } }"}
CLAIMS = {"query": "{ claims(first: 5) { edges { node { id status } } } }"}
SIGN_IN = {"grant_type": "password", "username": "admin@example.com",
           "password": "demo-password"}  # fmt: skip
ADMIN = "admin@example.com"
LOCK_HOLDER = "outage-test-lock"  # the prepared transaction that holds the claims' lock


@pytest.fixture(scope="module")
def base(private_pg, tmp_path_factory):
    log = tmp_path_factory.mktemp("outage") / "server.log"
    # lock waits long enough to be cut by the database going away, not by lock_timeout
    with server(private_pg.url("claimgraph"), log, DB_LOCK_TIMEOUT_MS="30000",
                REQUEST_DEADLINE_SECONDS="30") as url:  # fmt: skip
        yield url


def _unavailable(response: httpx.Response, *, coded: bool = True) -> None:
    assert response.status_code == 503, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json"), response.text
    assert int(response.headers["retry-after"]) > 0
    body = response.json()
    if coded:
        assert body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE", body


async def _ws_refused(base: str, token: str) -> None:
    """A WebSocket that cannot be authenticated now is closed with 1013 (try again later)
    and the reason SERVICE_UNAVAILABLE."""
    url = base.replace("http", "ws") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {
            "Authorization": f"Bearer {token}"}}))  # fmt: skip
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd.code == 1013, closed.value
    assert closed.value.rcvd.reason == "SERVICE_UNAVAILABLE"


async def _every_path_unavailable(base: str, tokens: dict) -> None:
    bearer = {"Authorization": f"Bearer {tokens[ADMIN]}"}
    async with httpx.AsyncClient(base_url=base, timeout=20) as client:
        _unavailable(await client.post("/graphql", json=ME, headers=bearer))
        _unavailable(await client.post("/graphql", json=CLAIMS, headers=bearer))
        _unavailable(await client.post("/auth/token", data=SIGN_IN))
        _unavailable(await client.post("/auth/logout", data={"refresh_token": "x" * 43}))
        _unavailable(await client.get("/readyz"), coded=False)
    await _ws_refused(base, tokens[ADMIN])


async def _every_path_back(base: str, tokens: dict, seconds: float = 20) -> None:
    bearer = {"Authorization": f"Bearer {tokens[ADMIN]}"}
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base, timeout=20) as client:
        while True:  # the pool's connections died with the server: pre-ping replaces them
            me = await client.post("/graphql", json=ME, headers=bearer)
            if me.status_code == 200 or time.monotonic() > deadline:
                break
            _unavailable(me)
            await asyncio.sleep(0.2)
        assert me.status_code == 200 and me.json()["data"]["me"]["email"] == ADMIN, me.text
        assert (await client.post("/auth/token", data=SIGN_IN)).status_code == 200
        assert (await client.get("/readyz")).status_code == 200


async def test_down_then_starting_up_then_back(private_pg, base, fault_tokens):
    await _every_path_back(base, fault_tokens)
    private_pg.stop("fast")  # connection refused
    await _every_path_unavailable(base, fault_tokens)
    private_pg.start(standby=True)  # "the database system is not yet accepting connections"
    await _every_path_unavailable(base, fault_tokens)
    private_pg.stop("fast")
    private_pg.start()
    await _every_path_back(base, fault_tokens)


async def test_shutting_down(private_pg, base, fault_tokens):
    """A smart shutdown waits for open sessions; meanwhile new connections hear 57P03
    ("the database system is shutting down"). The app's own sessions are ended (57P01), so
    that it needs new ones."""
    await _every_path_back(base, fault_tokens)
    holder = await asyncpg.connect(private_pg.url("claimgraph"))
    try:
        private_pg.stop("smart", wait=False)
        await asyncio.sleep(0.3)
        await holder.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name LIKE 'claimgraph%'"
        )
        await _every_path_unavailable(base, fault_tokens)
    finally:
        await holder.close()
    private_pg.wait_stopped()
    private_pg.start()
    await _every_path_back(base, fault_tokens)


@pytest.mark.parametrize("mode", ["fast", "immediate"])
async def test_connection_lost_mid_request(private_pg, base, fault_tokens, mode):
    """Requests waiting on a locked table when the server stops (fast: 57P01 admin
    shutdown; immediate: the connection drops) answer 503, never a dropped connection.

    The lock is held by a prepared transaction, not by a session: a server stopping ends its
    sessions in an order of its own, and a session's lock, released first, once let three of
    the waiters read and answer before their own ends came (on a busy machine)."""
    await _every_path_back(base, fault_tokens)
    url = private_pg.url("claimgraph")
    holder = await asyncpg.connect(url)
    await holder.execute("BEGIN")
    await holder.execute("LOCK TABLE claims IN ACCESS EXCLUSIVE MODE")
    await holder.execute(f"PREPARE TRANSACTION '{LOCK_HOLDER}'")
    await holder.close()
    bearer = {"Authorization": f"Bearer {fault_tokens[ADMIN]}"}
    stopper = threading.Thread(target=private_pg.stop, args=(mode,))
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            waiting = [asyncio.create_task(client.post("/graphql", json=CLAIMS, headers=bearer))
                       for _ in range(4)]  # fmt: skip
            await _until_waiting(url, 4)
            stopper.start()
            for response in await asyncio.gather(*waiting):
                _unavailable(response)
    finally:  # whatever happened, the next test finds the server up and the table free
        if stopper.is_alive() or stopper.ident is not None:
            stopper.join()
            private_pg.start()
        release = await asyncpg.connect(url)
        try:
            await release.execute(f"ROLLBACK PREPARED '{LOCK_HOLDER}'")
        finally:
            await release.close()
    await _every_path_back(base, fault_tokens)


async def _until_waiting(url: str, count: int, seconds: float = 10) -> None:
    """Until `count` of the app's backends wait for a lock (read outside any transaction:
    pg_stat_activity is a snapshot per transaction)."""
    conn = await asyncpg.connect(url)
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            waiting = await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'claimgraph' "
                "AND wait_event_type = 'Lock'"
            )
            if waiting >= count:
                return
            await asyncio.sleep(0.05)
    finally:
        await conn.close()
    raise AssertionError("the requests never waited on the lock")


async def test_a_subscription_started_during_the_outage_gets_a_coded_error(
    private_pg, base, fault_tokens
):
    """A socket signed in before the outage subscribes while the database is down: the
    subscription ends with SERVICE_UNAVAILABLE (never a driver's words, such as
    "[Errno 111] Connection refused"), and the socket can subscribe again once it is back."""
    await _every_path_back(base, fault_tokens)
    url = base.replace("http", "ws") + "/graphql"
    query = 'subscription { claimStatusChanged(after: "0") { cursor newStatus } }'
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {
            "Authorization": f"Bearer {fault_tokens[ADMIN]}"}}))  # fmt: skip
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        private_pg.stop("fast")
        try:
            await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                      "payload": {"query": query}}))  # fmt: skip
            message = json.loads(await asyncio.wait_for(ws.recv(), 20))
            print(message)
            errors = (
                message["payload"] if message["type"] == "error" else (message["payload"]["errors"])
            )
            assert errors[0]["extensions"]["code"] == "SERVICE_UNAVAILABLE", message
            assert "Errno" not in json.dumps(message)
        finally:
            private_pg.start()
