"""The audit of subscription deliveries, written together (db/audit.Appender): the rows of
deliveries made at the same time go in one statement and one commit, each delivery still
waits for its own rows, and a refused write reaches every delivery it held (fail closed),
over a real database (end to end, through a server: test_subscription_rules.py)."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import text

from db.audit import Appender
from tests.graph.test_subscription_rules import _refusing


def _row(request_id: str) -> dict:
    return {"role": "adjudicator", "action": "subscription_delivery",
            "resource_type": "Subscription", "fields": ["test"], "request_id": request_id}  # fmt: skip


async def _written(engine, prefix: str) -> list[str]:
    async with engine.connect() as conn:
        found = await conn.execute(
            text("SELECT request_id FROM audit_log WHERE request_id LIKE :p ORDER BY seq"),
            {"p": f"{prefix}%"},
        )
        return [r for (r,) in found]


async def test_deliveries_made_together_are_written_in_one_statement(engine):
    appender, prefix = Appender(engine), f"t-group-{uuid.uuid4()}-"
    ids = [f"{prefix}{i:02d}" for i in range(20)]
    await asyncio.gather(*(appender.append([_row(i)]) for i in ids))
    assert appender.statements == 1
    assert await _written(engine, prefix) == ids  # every row, in the order they came


async def test_a_delivery_during_a_write_waits_for_the_next_one(engine):
    appender, prefix = Appender(engine), f"t-next-{uuid.uuid4()}-"
    first = asyncio.create_task(appender.append([_row(f"{prefix}a")]))
    await asyncio.sleep(0)  # its write has begun
    later = [asyncio.create_task(appender.append([_row(f"{prefix}{i}")])) for i in "bcd"]
    await asyncio.gather(first, *later)
    assert appender.statements == 2
    assert sorted(await _written(engine, prefix)) == [f"{prefix}{i}" for i in "abcd"]


async def test_a_refused_write_reaches_every_delivery_and_writes_nothing(engine):
    appender, prefix = Appender(engine), f"t-refused-{uuid.uuid4()}-"
    await _refusing(engine, True)
    try:
        outcomes = await asyncio.gather(
            *(appender.append([_row(f"{prefix}{i}")]) for i in range(5)), return_exceptions=True
        )
    finally:
        await _refusing(engine, False)
    assert all(isinstance(o, Exception) for o in outcomes)
    assert await _written(engine, prefix) == []
    await appender.append([_row(f"{prefix}after")])  # not stuck: the next write goes through
    assert await _written(engine, prefix) == [f"{prefix}after"]


async def test_rows_the_database_refuses_fail_their_own_caller_only(engine):
    appender, prefix = Appender(engine), f"t-alone-{uuid.uuid4()}-"
    refused = _row(f"{prefix}bad") | {"action": None}  # the column is NOT NULL
    outcomes = await asyncio.gather(
        appender.append([_row(f"{prefix}0")]),
        appender.append([refused]),
        appender.append([_row(f"{prefix}1")]),
        return_exceptions=True,
    )
    assert outcomes[0] is None and outcomes[2] is None
    assert isinstance(outcomes[1], Exception)
    assert await _written(engine, prefix) == [f"{prefix}0", f"{prefix}1"]


async def test_in_an_outage_every_delivery_fails_at_once_without_trying_each_alone():
    import socket

    from db.engine import make_engine

    with socket.socket() as s:  # a port nothing listens on: the database is unreachable
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    down = make_engine(f"postgresql://postgres@127.0.0.1:{port}/none", pool_timeout=1)
    appender = Appender(down)
    try:
        outcomes = await asyncio.gather(
            *(appender.append([_row(f"t-down-{i}")]) for i in range(5)), return_exceptions=True
        )
    finally:
        await down.dispose()
    assert all(isinstance(o, Exception) for o in outcomes)
    assert appender.statements == 1  # one write tried for all five, none again one by one


async def test_a_delivery_that_goes_away_leaves_the_others_written(engine):
    appender, prefix = Appender(engine), f"t-gone-{uuid.uuid4()}-"
    tasks = [asyncio.create_task(appender.append([_row(f"{prefix}{i}")])) for i in range(3)]
    await asyncio.sleep(0)
    tasks[0].cancel()  # its subscriber disconnected while the write was under way
    await asyncio.gather(*tasks, return_exceptions=True)
    assert sorted(await _written(engine, prefix)) == [f"{prefix}{i}" for i in range(3)]


async def test_a_caller_gone_before_its_write_began_leaves_no_row(engine, monkeypatch):
    """Its answer is never sent, so nothing of it was disclosed; a caller gone while its
    write is under way is recorded (the row may already be committed)."""
    from db import audit as audit_db

    real, started = audit_db.write, asyncio.Event()

    async def slow(conn, rows):
        started.set()
        await asyncio.sleep(0.2)
        await real(conn, rows)

    monkeypatch.setattr(audit_db, "write", slow)
    appender, prefix = Appender(engine, writers=1), f"t-before-{uuid.uuid4()}-"
    first = asyncio.create_task(appender.append([_row(f"{prefix}a")]))
    await started.wait()  # the first write is under way; the next callers queue
    gone = asyncio.create_task(appender.append([_row(f"{prefix}b")]))
    kept = asyncio.create_task(appender.append([_row(f"{prefix}c")]))
    await asyncio.sleep(0)
    gone.cancel()
    await asyncio.gather(first, gone, kept, return_exceptions=True)
    assert gone.cancelled()
    assert await _written(engine, prefix) == [f"{prefix}a", f"{prefix}c"]
