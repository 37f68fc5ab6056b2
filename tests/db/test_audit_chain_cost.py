"""Migration 0019's chain: the head carried per transaction and written once per statement.

The chain must read as it did when every row moved the head: consecutive positions in one
partition, each row's prev_hash the row before it, each row_hash its canonical hash, the
partition's head the last row, across statements, transactions and a savepoint rolled
back. Rows written before the migration keep verifying after it.
"""

from __future__ import annotations

import asyncio
from uuid import uuid4

from sqlalchemy import text

from db import audit as audit_db
from db import audit_chain, migrate
from db.engine import make_engine

ROWS = "SELECT * FROM audit_log WHERE request_id = :r ORDER BY seq"


def _rows(request_id: str, n: int) -> list[dict]:
    return [{"action": "read", "resource_type": "Claim", "resource_id": uuid4(),
             "fields": ["diagnosis_codes", "service_date"], "request_id": request_id,
             "old_values": {"n": str(i)} if i % 2 else None} for i in range(n)]  # fmt: skip


async def _chain_of(conn, request_id: str) -> list:
    rows = (await conn.execute(text(ROWS), {"r": request_id})).mappings().all()
    hashes = (
        await conn.execute(
            text("SELECT audit_row_hash(a) FROM audit_log a WHERE request_id = :r ORDER BY seq"),
            {"r": request_id},
        )
    ).scalars()
    assert [r["row_hash"] for r in rows] == list(hashes)  # each row hashes as it should
    for before, after in zip(rows, rows[1:], strict=False):
        assert after["chain_partition"] == before["chain_partition"]
        assert after["chain_pos"] == before["chain_pos"] + 1
        assert after["prev_hash"] == before["row_hash"]
    return rows


async def _head(conn, partition: int) -> tuple[int, str]:
    found = await conn.execute(
        text("SELECT pos, hash FROM audit_chain_heads WHERE partition = :p"), {"p": partition}
    )
    return tuple(found.one())


async def test_a_transaction_s_statements_and_a_rolled_back_savepoint_chain_as_one(engine):
    request_id = f"chain-{uuid4()}"
    async with engine.connect() as conn:
        await audit_db.write(conn, _rows(request_id, 3))
        await audit_db.write(conn, _rows(request_id, 2))
        savepoint = await conn.begin_nested()
        await audit_db.write(conn, _rows(request_id + "-undone", 4))
        await savepoint.rollback()
        await audit_db.write(conn, _rows(request_id, 2))
        await conn.commit()
        rows = await _chain_of(conn, request_id)
        assert len(rows) == 7
        assert await _head(conn, rows[-1]["chain_partition"]) == (
            rows[-1]["chain_pos"],
            rows[-1]["row_hash"],
        )  # the head is the last row: the next writer continues from it
        undone = await conn.execute(text(ROWS), {"r": request_id + "-undone"})
        assert undone.first() is None


async def test_concurrent_writers_keep_every_partition_whole(engine):
    request_ids = [f"many-{uuid4()}" for _ in range(6)]

    async def writer(request_id: str) -> None:
        async with engine.connect() as conn:
            for _ in range(3):
                await audit_db.write(conn, _rows(request_id, 5))
                await asyncio.sleep(0)
            await conn.commit()

    await asyncio.gather(*(writer(r) for r in request_ids))
    async with engine.connect() as conn:
        for request_id in request_ids:
            assert len(await _chain_of(conn, request_id)) == 15
        report = await audit_chain.verify(conn, full=True)
        await conn.rollback()
    assert report.intact, report


def test_rows_written_before_the_migration_verify_after_it(new_database):
    url = new_database()
    migrate.upgrade(url, "0018_policy_maintenance")
    request_id = f"old-{uuid4()}"

    async def write_then_verify(upgrade: bool) -> bool:
        engine = make_engine(url, pool_size=1)
        try:
            async with engine.connect() as conn:
                if not upgrade:
                    await audit_db.write(conn, _rows(request_id, 4))
                    await conn.commit()
                    return True
                await audit_db.write(conn, _rows(request_id + "-new", 4))
                await conn.commit()
                await _chain_of(conn, request_id)
                await _chain_of(conn, request_id + "-new")
                report = await audit_chain.verify(conn, full=True)
                await conn.rollback()
                return report.intact
        finally:
            await engine.dispose()

    asyncio.run(write_then_verify(upgrade=False))
    migrate.upgrade(url)
    assert asyncio.run(write_then_verify(upgrade=True))


async def test_the_heads_table_is_kept_small_and_vacuumed_by_its_own_measure(engine):
    async with engine.connect() as conn:
        options = (
            await conn.execute(
                text("SELECT reloptions FROM pg_class WHERE relname = 'audit_chain_heads'")
            )
        ).scalar_one()
        pages = (
            await conn.execute(text("SELECT pg_relation_size('audit_chain_heads') / 8192"))
        ).scalar_one()
    assert {"fillfactor=10", "autovacuum_vacuum_scale_factor=0"} <= set(options)
    assert pages < 64  # 64 rows, a few to a page: not the megabytes of dead versions
