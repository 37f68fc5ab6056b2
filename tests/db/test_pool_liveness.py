"""The pool's check of a connection on checkout (db/engine.py, _alive): a connection used
within FRESH_SECONDS is handed out with no round trip; one idle longer is asked one
statement; one whose backend is gone is replaced, so the caller never sees it."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy import text

from db import engine as engines


@pytest.fixture
async def pooled(db_url):
    eng = engines.make_engine(db_url, pool_size=1, max_overflow=0)
    yield eng
    await eng.dispose()


async def _use(eng, marker: str) -> int:
    """Run one statement on a pooled connection; its backend's pid."""
    async with eng.connect() as conn:
        return (await conn.execute(text(f"SELECT pg_backend_pid() /* {marker} */"))).scalar_one()


async def _last_statement(db_url: str, pid: int) -> tuple[str, object]:
    """The backend's last statement, and when it last changed state (each round trip does)."""
    admin = await asyncpg.connect(db_url)
    try:
        return tuple(await admin.fetchrow(
            "SELECT query, state_change FROM pg_stat_activity WHERE pid = $1", pid))  # fmt: skip
    finally:
        await admin.close()


async def test_a_connection_used_just_now_is_handed_out_without_a_round_trip(pooled, db_url):
    pid = await _use(pooled, "first")
    returned = await _last_statement(db_url, pid)  # SQLAlchemy's reset on return
    assert returned[0] == "ROLLBACK;"
    async with pooled.connect() as conn:  # checked out again at once: nothing is sent
        assert await _last_statement(db_url, pid) == returned
        assert conn.sync_connection.connection.driver_connection.get_server_pid() == pid


async def test_a_connection_idle_past_the_window_is_asked_one_statement(
    pooled, db_url, monkeypatch
):
    monkeypatch.setattr(engines, "FRESH_SECONDS", 0.05)
    pid = await _use(pooled, "first")
    await asyncio.sleep(0.1)
    async with pooled.connect():
        assert (await _last_statement(db_url, pid))[0] == engines.ALIVE


@pytest.mark.parametrize("idle", [0.0, 0.1], ids=["within-window", "past-window"])
async def test_a_pooled_connection_whose_backend_was_ended_is_replaced(
    pooled, db_url, monkeypatch, idle
):
    monkeypatch.setattr(engines, "FRESH_SECONDS", 0.05)
    pid = await _use(pooled, "first")
    admin = await asyncpg.connect(db_url)
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1, 5000)", pid)
    finally:
        await admin.close()
    await asyncio.sleep(idle)
    assert await _use(pooled, "second") != pid  # a new backend, and no error to the caller
