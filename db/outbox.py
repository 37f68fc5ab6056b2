"""The transactional outbox as a stream: events after a sequence number, the newest number,
and the one connection per process that LISTENs for new ones."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Text, cast, func, insert, literal, select, update
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


DEADLINE_TOPIC = "appeal.deadline_approaching"


async def announce_due_appeals(conn, *, within: timedelta, now: datetime, limit: int) -> int:
    """Mark up to `limit` open appeals due within `within` whose deadline was not announced
    yet as announced now, and publish an event for each, earliest due first, in one
    statement; how many. Rows another replica is marking are skipped (it announces them),
    so each is announced once."""
    due = (
        select(appeals.c.id)
        .where(
            appeals.c.status.in_(("submitted", "under_review")),
            appeals.c.due_at <= now + within,
            appeals.c.deadline_notified_at.is_(None),
        )
        .order_by(appeals.c.due_at, appeals.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    marked = (
        update(appeals)
        .where(appeals.c.id.in_(due.scalar_subquery()))
        .values(deadline_notified_at=func.now())
        .returning(appeals.c.id, appeals.c.claim_id, appeals.c.due_at)
        .cte("marked")
    )
    utc = func.timezone("UTC", marked.c.due_at)
    payload = func.jsonb_build_object(
        "appeal_id", cast(marked.c.id, Text),
        "claim_id", cast(marked.c.claim_id, Text),
        "due_at", func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
    )  # fmt: skip
    published = (
        insert(outbox_events)
        .from_select(
            ["topic", "payload"],
            select(literal(DEADLINE_TOPIC), payload)
            .select_from(marked)
            .order_by(marked.c.due_at, marked.c.id),
        )
        .returning(outbox_events.c.seq)
    )
    return len((await conn.execute(published)).all())
