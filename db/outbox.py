"""The transactional outbox as a stream: events after a sequence number, the newest number,
and the one connection per process that LISTENs for new ones."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.engine import RowMapping

from db.tables import appeals, outbox_events

CHANNEL = "claimgraph_outbox"
PAGE = 500


async def after(
    conn, seq: int, *, topics: tuple[str, ...] | None = None, upto: int | None = None
) -> list[RowMapping]:
    """Up to PAGE events with a sequence number above `seq` (and at most `upto`), in order."""
    statement = select(outbox_events).where(outbox_events.c.seq > seq)
    if topics:
        statement = statement.where(outbox_events.c.topic.in_(topics))
    if upto is not None:
        statement = statement.where(outbox_events.c.seq <= upto)
    result = await conn.execute(statement.order_by(outbox_events.c.seq).limit(PAGE))
    return list(result.mappings())


async def newest(conn) -> int:
    result = await conn.execute(select(func.coalesce(func.max(outbox_events.c.seq), 0)))
    return int(result.scalar_one())


async def listen(driver, callback) -> None:
    """Subscribe a raw asyncpg connection to the outbox channel."""
    await driver.add_listener(CHANNEL, callback)


async def due_appeals(conn, *, within: timedelta, now: datetime) -> list[RowMapping]:
    """Open appeals due within `within` whose deadline was not announced yet, marked as
    announced now (one replica wins each: the update is the claim)."""
    result = await conn.execute(
        update(appeals)
        .where(
            appeals.c.status.in_(("submitted", "under_review")),
            appeals.c.due_at <= now + within,
            appeals.c.deadline_notified_at.is_(None),
        )
        .values(deadline_notified_at=func.now())
        .returning(appeals.c.id, appeals.c.claim_id, appeals.c.due_at)
    )
    return list(result.mappings())
