"""The audit chain under concurrent writers: migration 0003's single chain against 0012's
partitions and 0019's partitions with one head update per statement, on the same database,
one run (the row hash is 0019's PL/pgSQL in all three: what differs is the chaining).

    python -m bench.audit_chain --database-url postgresql://postgres@127.0.0.1/postgres \\
        --clients 16 64 --seconds 10

Makes a database of its own on that server (dropped at the end), migrates it, and for each
design and each number of clients runs that many connections, each committing audited
"requests" back to back: one transaction with one INSERT of --rows audit rows, as the
server's audit write does. A further connection samples pg_stat_activity for backends
waiting on a lock. One JSON line per design and client count: requests per second, latency
p50/p99 (ms), and the mean number of backends seen waiting on a lock per sample.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import statistics
import time
import uuid

import asyncpg
from sqlalchemy.engine import make_url

CHAIN = importlib.import_module("migrations.versions.0012_audit_partitions")
CURRENT = importlib.import_module("migrations.versions.0019_audit_chain_cost")
SINGLE_CHAIN = CHAIN.OLD_CHAIN.replace(
    "WHERE chain_pos IS NOT NULL", "WHERE chain_partition = 0 AND chain_pos IS NOT NULL"
)
DESIGNS = (
    ("single chain (0003)", SINGLE_CHAIN),
    ("partitioned (0012)", CHAIN.CHAIN),
    ("partitioned, head per statement (0019)", CURRENT.CHAIN),
)
INSERT = """
INSERT INTO audit_log (action, resource_type, resource_id, fields, role, request_id)
SELECT 'read', 'Claim', gen_random_uuid(), ARRAY['diagnosis_codes'], 'adjudicator', $1
FROM generate_series(1, $2)
"""
WAITS = """
SELECT wait_event, count(*) FROM pg_stat_activity
WHERE datname = current_database() AND wait_event_type = 'Lock' GROUP BY wait_event
"""


def _connect_args(url: str) -> dict:
    u = make_url(url)
    return {
        "user": u.username or "postgres",
        "password": u.password or None,
        "host": u.query.get("host") or u.host,
        "port": u.port,
        "database": u.database or "postgres",
    }


async def _run(url: str, *, clients: int, seconds: float, rows: int) -> dict:
    args = _connect_args(url)
    conns = [await asyncpg.connect(**args) for _ in range(clients)]
    sampler = await asyncpg.connect(**args)
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    samples: list[dict] = []

    async def client(conn: asyncpg.Connection, n: int) -> None:
        i = 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            async with conn.transaction():
                await conn.execute(INSERT, f"bench-{n}-{i}", rows)
            latencies.append(time.perf_counter() - started)
            i += 1

    async def sample() -> None:
        while time.monotonic() < deadline:
            samples.append(dict(await sampler.fetch(WAITS)))
            await asyncio.sleep(0.005)

    await asyncio.gather(sample(), *(client(c, n) for n, c in enumerate(conns)))
    for c in [*conns, sampler]:
        await c.close()
    ms = sorted(x * 1000 for x in latencies)
    return {
        "requests_per_s": round(len(ms) / seconds, 1),
        "p50_ms": round(statistics.median(ms), 2),
        "p99_ms": round(ms[int(len(ms) * 0.99) - 1], 2),
        # by kind: advisory = the single chain's lock, tuple/transactionid = a row lock (a
        # partition head), extend = the table growing (any insert-heavy table has it)
        "lock_waiters_per_sample": {
            kind: round(sum(s.get(kind, 0) for s in samples) / len(samples), 2)
            for kind in sorted({k for s in samples for k in s})
        },
        "samples": len(samples),
    }


async def main(server: str, clients: list[int], seconds: float, rows: int) -> None:
    from db import migrate

    name = f"claimgraph_bench_chain_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(**_connect_args(server))
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        db = await asyncpg.connect(**_connect_args(url))
        try:
            for design, body in DESIGNS:
                await db.execute(body)
                await db.execute(  # a partitioned run continues partition 0 where it stands
                    "UPDATE audit_chain_heads h SET pos = t.chain_pos, hash = t.row_hash FROM "
                    "(SELECT chain_pos, row_hash FROM audit_log WHERE chain_partition = 0 "
                    "ORDER BY chain_pos DESC LIMIT 1) t WHERE h.partition = 0"
                )
                for n in clients:
                    result = await _run(url, clients=n, seconds=seconds, rows=rows)
                    print(json.dumps({"design": design, "clients": n, "rows": rows} | result))
            from db.audit_chain import verify
            from db.engine import make_engine

            engine = make_engine(url, pool_size=1)
            async with engine.begin() as conn:
                report = await verify(conn, full=True)
            await engine.dispose()
            print(json.dumps({"verify_full": {"intact": report.intact, "rows": report.checked}}))
        finally:
            await db.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a server to make a database on")
    parser.add_argument("--clients", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rows", type=int, default=50, help="audit rows per request")
    a = parser.parse_args()
    asyncio.run(main(a.database_url, a.clients, a.seconds, a.rows))
