"""The audit chains (migration 0012): partitioned, tamper-evident, checked incrementally.

Tampering is done as the table owner with the append-only guard switched off inside one
transaction, the only way a row can change; each test has a database of its own.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import text

from db import audit_chain


async def _engine(new_database, *, revision: str = "head"):
    from db import migrate
    from db.engine import make_engine

    url = await asyncio.to_thread(new_database)
    migrate.upgrade(url, revision)
    return url, make_engine(url, pool_size=4)


async def _append(engine, rows: int, *, tag: str = "T") -> None:
    """`rows` audit rows in one transaction (so one partition), one statement each."""
    async with engine.begin() as conn:
        for i in range(rows):
            await conn.execute(
                text("INSERT INTO audit_log (action, resource_type) VALUES ('read', :t)"),
                {"t": f"{tag}{i}"},
            )


async def _partition(engine) -> int:
    async with engine.connect() as conn:
        return (
            await conn.execute(text("SELECT chain_partition FROM audit_log ORDER BY seq LIMIT 1"))
        ).scalar_one()


async def _tamper(engine, *statements: str, **params) -> None:
    async with engine.begin() as conn:  # the owner, with the guard switched off
        await conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_append_only"))
        for statement in statements:
            await conn.execute(text(statement), params)
        await conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_append_only"))


async def _verify(engine, **kwargs) -> audit_chain.ChainReport:
    async with engine.begin() as conn:
        return await audit_chain.verify(conn, **kwargs)


async def test_an_edited_row_breaks_the_chain_exactly_there(new_database):
    _, engine = await _engine(new_database)
    try:
        await _append(engine, 10)
        part = await _partition(engine)
        assert (await _verify(engine, full=True)).checked == 10
        await _tamper(
            engine,
            "UPDATE audit_log SET action = 'hidden' WHERE chain_partition = :p AND chain_pos = 6",
            p=part,
        )
        broken = (await _verify(engine, full=True)).broken
        assert broken["partition"] == part
        assert broken["chain_pos"] == 6 and broken["reason"] == "edited"
    finally:
        await engine.dispose()


async def test_a_removed_row_breaks_the_chain(new_database):
    _, engine = await _engine(new_database)
    try:
        await _append(engine, 5)
        part = await _partition(engine)
        await _tamper(
            engine, "DELETE FROM audit_log WHERE chain_partition = :p AND chain_pos = 3", p=part
        )
        for report in (await _verify(engine, full=True), await _verify(engine)):
            assert report.broken["chain_pos"] == 4 and report.broken["reason"] == "missing rows"
        # rows removed from a partition's end: the head still points past them
        await _tamper(
            engine, "DELETE FROM audit_log WHERE chain_partition = :p AND chain_pos >= 4", p=part
        )
        broken = (await _verify(engine, full=True)).broken
        assert broken["chain_pos"] == 3 and broken["reason"] == "missing rows"
    finally:
        await engine.dispose()


async def test_a_reordered_row_breaks_the_chain(new_database):
    _, engine = await _engine(new_database)
    try:
        await _append(engine, 6)
        part = await _partition(engine)
        # rows 3 and 4 swap places (through a free position: (partition, pos) is unique)
        await _tamper(
            engine,
            "UPDATE audit_log SET chain_pos = -1 WHERE chain_partition = :p AND chain_pos = 3",
            "UPDATE audit_log SET chain_pos = 3 WHERE chain_partition = :p AND chain_pos = 4",
            "UPDATE audit_log SET chain_pos = 4 WHERE chain_partition = :p AND chain_pos = -1",
            p=part,
        )
        broken = (await _verify(engine, full=True)).broken
        assert (broken["chain_pos"], broken["reason"]) == (3, "edited")
    finally:
        await engine.dispose()


async def test_a_row_moved_to_another_partition_breaks_the_chain(new_database):
    _, engine = await _engine(new_database)
    try:
        await _append(engine, 4)
        part = await _partition(engine)
        other = (part + 1) % 64
        await _tamper(
            engine,
            "UPDATE audit_log SET chain_partition = :o WHERE chain_partition = :p AND chain_pos = 4",
            p=part,
            o=other,
        )
        broken = (await _verify(engine, full=True)).broken
        assert broken is not None and broken["reason"] in ("edited", "missing rows")
    finally:
        await engine.dispose()


async def _reads_of_audit_log(conn) -> dict:
    """What this backend has read of audit_log and not yet reported (counted at once)."""
    row = await conn.execute(
        text(
            "SELECT coalesce(seq_scan, 0) AS seq_scans, coalesce(seq_tup_read, 0) AS seq_rows, "
            "coalesce(idx_tup_fetch, 0) AS index_rows "
            "FROM pg_stat_xact_user_tables WHERE relname = 'audit_log'"
        )
    )
    return dict(row.mappings().one())


async def test_a_second_check_reads_only_the_new_rows(new_database):
    _, engine = await _engine(new_database)
    try:
        async with engine.begin() as conn:  # 5,000 rows in one partition, 12 in up to 4 more
            await conn.execute(
                text(
                    "INSERT INTO audit_log (action, resource_type) "
                    "SELECT 'read', 'T' || g FROM generate_series(1, 5000) g"
                )
            )
        await asyncio.gather(*(_append(engine, 3, tag=f"P{i}-") for i in range(4)))
        async with engine.connect() as conn:
            await conn.execute(text("ANALYZE audit_log"))
            await conn.commit()
        first = await _verify(engine)
        assert first.intact and first.checked == 5012 and first.checkpoint is None
        await asyncio.gather(*(_append(engine, 2, tag=f"N{i}-") for i in range(3)))
        async with engine.begin() as conn:
            # counts not yet flushed from earlier transactions on this backend show too: diff
            before = await _reads_of_audit_log(conn)
            second = await audit_chain.verify(conn)
            after = await _reads_of_audit_log(conn)
            reads = {k: after[k] - before[k] for k in after}
        assert second.intact and second.checked == 6
        assert second.checkpoint == first.anchor
        # no sequential scan: the new rows, each checkpoint row once, each partition's tail
        assert reads["seq_scans"] == 0 and reads["seq_rows"] == 0
        assert 6 <= reads["index_rows"] <= 6 + 2 * 8, reads
        third = await _verify(engine)
        assert third.intact and third.checked == 0 and third.checkpoint == second.anchor
    finally:
        await engine.dispose()


async def test_an_edit_behind_the_checkpoint_is_found_by_a_full_check(new_database):
    _, engine = await _engine(new_database)
    try:
        await _append(engine, 20)
        part = await _partition(engine)
        assert (await _verify(engine)).intact  # the checkpoint: positions up to 20
        await _tamper(
            engine,
            "UPDATE audit_log SET resource_type = 'X' WHERE chain_partition = :p AND chain_pos = 7",
            p=part,
        )
        await _append(engine, 2)
        incremental = await _verify(engine)
        assert incremental.intact and incremental.checked == 2  # trusted: behind the checkpoint
        full = await _verify(engine, full=True)
        assert (full.broken["chain_pos"], full.broken["reason"]) == (7, "edited")
        assert full.anchor is None  # a broken check is no checkpoint
        # the checkpoint's own row is re-read every time: an edit there is found at once
        await _tamper(
            engine,
            "UPDATE audit_log SET resource_type = 'Y' "
            "WHERE chain_partition = :p AND chain_pos = (SELECT max(chain_pos) FROM audit_log "
            "WHERE chain_partition = :p)",
            p=part,
        )
        assert (await _verify(engine)).broken["reason"] == "edited"
    finally:
        await engine.dispose()


async def test_a_removed_checkpoint_row_is_found_by_a_full_check(new_database):
    _, engine = await _engine(new_database)
    try:
        await _append(engine, 5)
        part = await _partition(engine)
        assert (await _verify(engine)).intact
        # the end of a partition removed and its head rewritten to match: only the anchor knows
        await _tamper(
            engine,
            "DELETE FROM audit_log WHERE chain_partition = :p AND chain_pos = 5",
            "UPDATE audit_chain_heads SET pos = 4, hash = (SELECT row_hash FROM audit_log "
            "WHERE chain_partition = :p AND chain_pos = 4) WHERE partition = :p",
            p=part,
        )
        assert (await _verify(engine)).broken["reason"] == "missing rows"
        broken = (await _verify(engine, full=True)).broken
        assert (broken["chain_pos"], broken["reason"]) == (5, "missing rows")
    finally:
        await engine.dispose()


async def test_the_chain_written_before_partitions_still_verifies(new_database):
    from db import migrate

    url, engine = await _engine(new_database, revision="0010_principal_notify")
    try:
        await asyncio.gather(*(_append(engine, 4, tag=f"old{i}-") for i in range(3)))
        async with engine.connect() as conn:
            before = (
                await conn.execute(text("SELECT seq, chain_pos, row_hash FROM audit_log"))
            ).all()
        await engine.dispose()
        await asyncio.to_thread(migrate.upgrade, url)
        await asyncio.gather(*(_append(engine, 3, tag=f"new{i}-") for i in range(4)))
        async with engine.connect() as conn:
            after = (
                await conn.execute(
                    text("SELECT seq, chain_pos, row_hash FROM audit_log WHERE chain_partition = 0")
                )
            ).all()
            heads = (await conn.execute(text("SELECT count(*) FROM audit_chain_heads"))).scalar()
        assert set(before) <= set(after) and heads == 64  # the old rows, unchanged, in 0
        report = await _verify(engine, full=True)
        assert report.intact and report.checked == 12 + 12
        window = await _verify(
            engine, start=datetime(2000, 1, 1, tzinfo=UTC), end=datetime.now(UTC)
        )
        assert window.intact and window.checked == 24 and window.anchor is None
    finally:
        await engine.dispose()


async def test_concurrent_requests_do_not_fork_the_chains(client, token_for, gql):
    from tests.graph.test_audit import CLAIMS_50, _post

    check = "{ verifyAuditChain(full: true) { intact checkedRows firstBrokenPosition } }"
    before = (await gql(check, as_="auditor@example.com"))["data"]["verifyAuditChain"]
    assert before["intact"] is True
    await asyncio.gather(
        *(
            _post(client, token_for, CLAIMS_50, as_="adjudicator@example.com", request_id=f"c-{i}")
            for i in range(12)
        )
    )
    incremental = await gql(
        "{ verifyAuditChain { intact checkedRows resumedFromCheckpoint } }",
        as_="auditor@example.com",
    )
    report = incremental["data"]["verifyAuditChain"]
    assert report["intact"] is True and report["resumedFromCheckpoint"] is True
    assert 12 * 50 <= report["checkedRows"] <= before["checkedRows"] + 12 * 50
    after = (await gql(check, as_="auditor@example.com"))["data"]["verifyAuditChain"]
    assert after["intact"] is True
    assert after["checkedRows"] >= before["checkedRows"] + 12 * 50
    windowed = await gql(
        '{ verifyAuditChain(from: "2000-01-01T00:00:00Z") { intact checkedRows } }',
        as_="auditor@example.com",
    )
    assert windowed["data"]["verifyAuditChain"]["intact"] is True
