"""Appeals coming due are announced in batches (db/outbox.announce_due_appeals): a backlog
(a first start on a large database held tens of thousands, one INSERT each in one
transaction) is a few statements, each appeal announced once, earliest due first, with an
event that names it. Run inside a transaction that is rolled back: the demo data stays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from db import outbox

WITHIN = timedelta(hours=24)


async def test_a_backlog_is_announced_in_batches_once_each_earliest_first(engine):
    async with engine.connect() as conn:
        transaction = await conn.begin()
        try:
            await conn.execute(text(
                "UPDATE appeals SET due_at = now() + make_interval(mins => n::int), "
                "deadline_notified_at = NULL FROM (SELECT id, row_number() OVER (ORDER BY id) "
                "AS n FROM appeals WHERE status IN ('submitted', 'under_review') LIMIT 7) AS a "
                "WHERE appeals.id = a.id"))  # fmt: skip
            due = (await conn.execute(text(
                "SELECT id::text FROM appeals WHERE status IN ('submitted', 'under_review') "
                "AND deadline_notified_at IS NULL AND due_at <= now() + interval '24 hours' "
                "ORDER BY due_at, id"))).scalars().all()  # fmt: skip
            assert len(due) >= 7
            newest = await outbox.newest(conn)
            batches = []
            while not batches or batches[-1] == 3:
                batches.append(await outbox.announce_due_appeals(
                    conn, within=WITHIN, now=datetime.now(UTC), limit=3))  # fmt: skip
            assert sum(batches) == len(due) and all(b <= 3 for b in batches)
            events = (await conn.execute(text(
                "SELECT topic, payload FROM outbox_events WHERE seq > :s ORDER BY seq"),
                {"s": newest})).all()  # fmt: skip
            assert {t for t, _ in events} == {"appeal.deadline_approaching"}
            assert [p["appeal_id"] for _, p in events] == due  # once each, earliest first
            first = events[0][1]
            assert datetime.fromisoformat(first["due_at"]).tzinfo is not None
            assert first["claim_id"]
            # announced: the next scan finds nothing
            again = await outbox.announce_due_appeals(
                conn, within=WITHIN, now=datetime.now(UTC), limit=3
            )
            assert again == 0
        finally:
            await transaction.rollback()
