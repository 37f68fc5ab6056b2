"""Issue 13, item 3: nothing waits forever. With the claims table locked (ACCESS EXCLUSIVE,
held), reads and submits of claims answer within their limit, 503 SERVICE_UNAVAILABLE with
Retry-After, and leave no backend of the app waiting in the database: by lock_timeout, and,
with every database limit off, by the request deadline, whose cancellation reaches the
server (pg_stat_activity)."""

from __future__ import annotations

import asyncio
import itertools
import json
import time

import asyncpg
import httpx
import pytest

from bench.operations import PATIENTS, SUBMIT_CLAIM
from bench.workloads import _claims
from tests.faults.conftest import server

CLAIMS = {"query": "{ claims(first: 5) { edges { node { id status } } } }"}


async def _waiting(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'claimgraph' "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
    finally:
        await conn.close()


async def _submissions(client: httpx.AsyncClient, admin: dict) -> itertools.chain:
    page = await client.post("/graphql", json={"query": PATIENTS}, headers=admin)
    people = [e["node"] for e in page.json()["data"]["members"]["edges"]]
    return _claims(SUBMIT_CLAIM, people)


async def _held_lock(db_url: str, base: str, tokens, *, limit: float) -> None:
    from db.engine import libpq_url

    url = libpq_url(db_url)
    admin = {"Authorization": f"Bearer {tokens('admin@example.com')}"}
    provider = {"Authorization": f"Bearer {tokens('provider@example.com')}",
                "Content-Type": "application/json"}  # fmt: skip
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        bodies = await _submissions(client, admin)
        holder = await asyncpg.connect(url)
        try:
            await holder.execute("BEGIN; LOCK TABLE claims IN ACCESS EXCLUSIVE MODE")
            started = time.monotonic()
            answers = await asyncio.gather(
                *(client.post("/graphql", json=CLAIMS, headers=admin) for _ in range(3)),
                *(client.post("/graphql", content=next(bodies), headers=provider)
                  for _ in range(3)),
            )  # fmt: skip
            took = time.monotonic() - started
            for answer in answers:
                assert answer.status_code == 503, answer.text
                assert answer.headers["retry-after"]
                body = answer.json()
                assert body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE", body
            assert took < limit + 3, took
            # the lock is still held: a backend the app left waiting would show here
            for _ in range(30):  # a cancel takes a moment to arrive
                left = await _waiting(url)
                if not left:
                    break
                await asyncio.sleep(0.1)
            assert left == 0, f"{left} backends of the app still wait for the lock"
        finally:
            await holder.close()
        # and once the lock is gone, the same requests succeed
        after = await client.post("/graphql", json=CLAIMS, headers=admin)
        assert after.status_code == 200 and "errors" not in after.json(), after.text
        submitted = await client.post("/graphql", content=next(bodies), headers=provider)
        assert submitted.status_code == 200, submitted.text
        result = json.loads(submitted.text)["data"]["submitClaim"]["__typename"]
        assert result in ("ClaimSubmitted", "ClaimRefused")


@pytest.mark.parametrize(
    ("env", "limit"),
    [
        ({"DB_LOCK_TIMEOUT_MS": "1000"}, 1.0),
        # no database limit at all: only the request deadline stops them, and cancels them
        (
            {
                "DB_LOCK_TIMEOUT_MS": "0",
                "DB_STATEMENT_TIMEOUT_MS": "0",
                "REQUEST_DEADLINE_SECONDS": "1.5",
            },
            1.5,
        ),  # fmt: skip
    ],
    ids=["lock_timeout", "request_deadline"],
)
async def test_a_held_lock_stops_nobody_for_long(db_url, token_for, tmp_path, env, limit):
    with server(db_url, tmp_path / "server.log", **env) as base:
        await _held_lock(db_url, base, token_for, limit=limit)
