"""Audit writers in flight do not queue behind each other on the audit chain (issue 13.5).

One process writes the audit rows of the answers it makes at the same time together (one
writer: db/audit.Appender), so writers meet across processes and replicas. Here 16 writers
append the 50 read rows of a 50-claim answer each, each in its own transaction on its own
connection, while another connection samples pg_stat_activity for backends waiting on a
lock. With the chain of migration 0003 (one advisory lock per transaction, held to commit)
the same load is measured as the control: the sampler sees the writers queue there, and
none with the partitioned chain of migration 0012. The figures: bench/audit_chain.py.
"""

from __future__ import annotations

import asyncio
import importlib

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from db import audit as audit_db
from db.engine import make_engine

CHAIN = importlib.import_module("migrations.versions.0012_audit_partitions")
CURRENT = importlib.import_module("migrations.versions.0019_audit_chain_cost")
# migration 0003's trigger (one advisory lock per writing transaction), kept to partition 0
# so the chain stays verifiable after the control run
SINGLE_CHAIN = CHAIN.OLD_CHAIN.replace(
    "WHERE chain_pos IS NOT NULL", "WHERE chain_partition = 0 AND chain_pos IS NOT NULL"
)
assert SINGLE_CHAIN != CHAIN.OLD_CHAIN

WAITS = """
SELECT wait_event, query FROM pg_stat_activity
WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()
"""


async def _connect(db_url: str) -> asyncpg.Connection:
    url = make_url(db_url)
    return await asyncpg.connect(
        user=url.username or "postgres",
        password=url.password or None,
        host=url.query.get("host") or url.host,
        port=url.port,
        database=url.database,
    )


def _read_rows(user: dict, claims: list, request_id: str) -> list[dict]:
    """The audit rows of an adjudicator's answer that read these claims' diagnoses."""
    return [
        {"user_id": user["id"], "role": "adjudicator", "action": "read",
         "resource_type": "Claim", "resource_id": c.id, "subject_member_id": c.member_id,
         "fields": ["diagnosis_codes"], "purpose_of_use": "PAYMENT", "request_id": request_id}
        for c in claims
    ]  # fmt: skip


async def _load_while_sampling(db_url, users, *, rounds: int = 3) -> dict:
    """Run `rounds` bursts of 16 concurrent writers; (samples taken, lock waits by kind)."""
    writers = make_engine(db_url, pool_size=16, max_overflow=0)
    async with writers.connect() as conn:
        claims = (await conn.execute(text("SELECT id, member_id FROM claims LIMIT 50"))).all()
    user = users["adjudicator@example.com"]
    sampler = await _connect(db_url)
    done = asyncio.Event()
    seen: dict = {"samples": 0, "waits": {}}

    async def sample() -> None:
        while not done.is_set():
            for row in await sampler.fetch(WAITS):
                seen["waits"][row["wait_event"]] = seen["waits"].get(row["wait_event"], 0) + 1
            seen["samples"] += 1
            await asyncio.sleep(0)

    async def append(request_id: str) -> None:
        async with writers.begin() as conn:
            await audit_db.write(conn, _read_rows(user, claims, request_id))

    task = asyncio.create_task(sample())
    try:
        for r in range(rounds):
            await asyncio.gather(*(append(f"lock-{r}-{i}") for i in range(16)))
    finally:
        done.set()
        await task
        await sampler.close()
        await writers.dispose()
    return seen


async def test_concurrent_audit_writers_do_not_wait_on_the_chain(db_url, engine, users, gql):
    async with engine.begin() as conn:  # the control: the single chain of migration 0003
        await conn.execute(text(SINGLE_CHAIN))
    try:
        await _load_while_sampling(db_url, users, rounds=1)  # warm-up
        old = await _load_while_sampling(db_url, users)
    finally:
        async with engine.begin() as conn:
            await conn.execute(text(CURRENT.CHAIN))
            # the control wrote into one chain past partition 0's head: continue from there
            await conn.execute(
                text(
                    "UPDATE audit_chain_heads h SET pos = t.chain_pos, hash = t.row_hash "
                    "FROM (SELECT chain_pos, row_hash FROM audit_log WHERE chain_partition = 0 "
                    "ORDER BY chain_pos DESC LIMIT 1) t WHERE h.partition = 0"
                )
            )
    new = await _load_while_sampling(db_url, users)
    print("lock waits sampled: single chain", old, "partitioned", new)
    assert old["waits"].get("advisory", 0) > 0, old  # the sampler sees the old queue
    # none on the chain (advisory: 0003's lock; tuple/transactionid: a partition head's row);
    # "extend" (the table growing under concurrent inserts) is any busy table's, not the chain's
    assert {kind for kind in new["waits"] if kind != "extend"} == set(), new
    assert new["samples"] > 10
    report = await gql("{ verifyAuditChain(full: true) { intact } }", as_="auditor@example.com")
    assert report["data"]["verifyAuditChain"]["intact"] is True
