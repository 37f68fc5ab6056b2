"""The claims of each status, kept as they change (migration 0020, db/tallies.py): a tallied
total is the number `count(*)` gives in the same snapshot, whatever wrote the claims
(several statements, rolled-back savepoints, concurrent transactions, folds at any time),
and the payer queue's total is read from it, not by counting the queue."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import text

from db import tallies
from db.tables import claims

STATUSES = ("submitted", "under_review", "approved", "denied", "paid")
SUBSETS = [[s] for s in STATUSES] + [["submitted", "under_review"], list(STATUSES)]


def _copies(tag: str, status: str, n: int) -> text:
    """`n` claims of our own, copied from one demo claim, in `status`."""
    own = {"id": "gen_random_uuid()", "claim_number": f"'T{tag}-' || g", "status": f"'{status}'",
           "replaces_claim_id": "NULL", "replaced_by_claim_id": "NULL"}  # fmt: skip
    names = [c.name for c in claims.c if c.computed is None]
    picks = ", ".join(own.get(name, f"c.{name}") for name in names)
    return text(
        f"INSERT INTO claims ({', '.join(names)}) SELECT {picks} FROM "
        f"(SELECT * FROM claims ORDER BY claim_number LIMIT 1) c, generate_series(1, {n}) g"
    )


async def _agree(conn) -> None:
    """Every subset of statuses: the tally says what count(*) says, in one snapshot."""
    for values in SUBSETS:
        counted = (await conn.execute(
            text("SELECT count(*) FROM claims WHERE status = ANY(:v)"), {"v": values}
        )).scalar_one()  # fmt: skip
        (row,) = (await conn.execute(tallies._COUNT, {"values": values})).mappings()
        assert row["n"] == counted, values


async def _remove(engine, tag: str) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            text("DELETE FROM claims WHERE claim_number LIKE :t"), {"t": f"T{tag}-%"}
        )


async def test_the_tally_counts_what_count_star_counts_through_every_kind_of_write(engine):
    tag = uuid.uuid4().hex[:10]
    mine = f"claim_number LIKE 'T{tag}-%'"
    try:
        async with engine.begin() as conn:
            await conn.execute(_copies(tag, "submitted", 40))  # one statement, many rows
            await _agree(conn)  # the writer sees its own changes
            await conn.execute(text(f"UPDATE claims SET status = 'under_review' WHERE {mine} "
                                    "AND claim_number LIKE '%1'"))  # fmt: skip
            savepoint = await conn.begin_nested()
            await conn.execute(text(f"UPDATE claims SET status = 'paid' WHERE {mine}"))
            await savepoint.rollback()  # taken back: its changes too
            await conn.execute(text(f"UPDATE claims SET notes = notes WHERE {mine}"))  # no move
            await conn.execute(text(f"DELETE FROM claims WHERE {mine} AND claim_number LIKE '%2'"))
        async with engine.connect() as conn:
            await _agree(conn)
        rolled_back = await engine.connect()
        transaction = await rolled_back.begin()
        await rolled_back.execute(_copies(tag + "x", "approved", 25))
        await transaction.rollback()
        await rolled_back.close()
        async with engine.connect() as conn:
            await _agree(conn)
        moved = await tallies.fold(engine)
        assert moved >= 3  # inserted, moved and deleted since the last fold
        async with engine.connect() as conn:
            await _agree(conn)
            left = await conn.execute(text("SELECT count(*) FROM claim_status_tally_changes"))
            assert left.scalar_one() == 0
    finally:
        await _remove(engine, tag)
    async with engine.connect() as conn:
        await _agree(conn)


async def test_writers_do_not_wait_for_each_other_and_folds_count_each_change_once(engine):
    tags = [uuid.uuid4().hex[:10] for _ in range(4)]
    first = await engine.connect()
    held = await first.begin()
    try:
        await first.execute(_copies(tags[0], "submitted", 5))  # open, holding its rows
        # another writer moves the same statuses and commits, while the first is open
        async with engine.begin() as conn:
            await asyncio.wait_for(conn.execute(_copies(tags[1], "submitted", 5)), 10)

        async def write(t: str) -> None:
            async with engine.begin() as conn:
                await conn.execute(_copies(t, "under_review", 3))

        # writers and folds at once: no change is lost or moved twice
        await asyncio.gather(write(tags[2]), tallies.fold(engine), write(tags[3]),
                             tallies.fold(engine))  # fmt: skip
        await held.commit()
        await tallies.fold(engine)
        async with engine.connect() as conn:
            await _agree(conn)
    finally:
        await first.close()
        for t in tags:
            await _remove(engine, t)


async def test_truncate_empties_the_tally(engine):
    async with engine.connect() as conn:
        transaction = await conn.begin()
        try:
            await conn.execute(text("TRUNCATE claims CASCADE"))
            (row,) = (await conn.execute(tallies._COUNT, {"values": list(STATUSES)})).mappings()
            assert row["n"] == 0
        finally:
            await transaction.rollback()  # the demo data stays for everyone else
        await _agree(conn)


def test_only_an_exact_status_condition_is_tallied():
    from db.filters import TABLES, narrowed, scoped
    from domain.access import Compare, Everything

    table = TABLES["claim"]
    everything = scoped(table, Everything())
    queue = narrowed(table, everything, Compare("status", "in", ("submitted", "under_review")))
    assert tallies.tallied_values(table, queue) == ["submitted", "under_review"]
    assert tallies.tallied_values(table, table.c.status == "paid") == ["paid"]
    # anything more than the status, or another column, or another table: counted as before
    assert tallies.tallied_values(table, everything) is None
    assert tallies.tallied_values(table, queue & (table.c.priority == "urgent")) is None
    assert tallies.tallied_values(table, table.c.priority == "urgent") is None
    assert tallies.tallied_values(TABLES["member"], TABLES["member"].c.status == "active") is None


async def test_the_payer_queue_total_reads_the_tally_not_the_queue(gql, engine, app):
    from sqlalchemy import event

    sent: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement)

    event.listen(app.state.engine.sync_engine, "before_cursor_execute", seen)
    try:
        body = await gql("{ claimQueue(first: 5) { totalCount } }", as_="adjudicator@example.com")
    finally:
        event.remove(app.state.engine.sync_engine, "before_cursor_execute", seen)
    async with engine.connect() as conn:
        counted = (await conn.execute(text(
            "SELECT count(*) FROM claims WHERE status IN ('submitted', 'under_review')"
        ))).scalar_one()  # fmt: skip
    assert body["data"]["claimQueue"]["totalCount"] == counted
    assert [s for s in sent if "count(" in s.lower()] == []  # no count over the claims
    assert len([s for s in sent if "claim_status_tally" in s]) == 1
