"""Engines and connection URLs (asyncpg under SQLAlchemy 2 async)."""

from __future__ import annotations

import time

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.util import await_

# A pooled connection used this recently is handed out without a round trip to prove it
# alive (HikariCP's alive-bypass window, for the same reason): see _alive.
FRESH_SECONDS = 1.0
_USED = "claimgraph.used"
ALIVE = "SELECT 1"  # one round trip, in the simple protocol (nothing to prepare)


def async_url(url: str) -> str:
    """Turn any postgres URL (libpq style, pgserver's socket URL) into an asyncpg one."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """The same URL as psql and other libpq tools want it."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def make_engine(
    url: str,
    *,
    pool_size: int = 10,
    max_overflow: int = 10,
    statement_timeout_ms: int | None = None,
    lock_timeout_ms: int | None = None,
    pool_timeout: float = 30.0,
) -> AsyncEngine:
    """One engine per process, created by the app or the CLI, never at import time.

    The API server passes timeouts so that PostgreSQL stops any statement running, or
    waiting for a lock, longer than that (0 or None: no limit, as the CLI's migrations need).
    """
    server_settings = {"application_name": "claimgraph"}
    if statement_timeout_ms:
        server_settings["statement_timeout"] = str(statement_timeout_ms)
    if lock_timeout_ms:
        server_settings["lock_timeout"] = str(lock_timeout_ms)
    engine = create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        pool_recycle=1800,
        # a statement's bound values (member ids, diagnosis codes, dates) never reach an
        # exception's message, so no traceback can carry them into a log
        hide_parameters=True,
        connect_args={"server_settings": server_settings},
    )
    pool = engine.sync_engine.pool
    event.listen(pool, "connect", _used)
    event.listen(pool, "checkin", _used)
    event.listen(pool, "checkout", _alive)
    return engine


def _used(dbapi_connection, record, *_) -> None:
    record.info[_USED] = time.monotonic()


def _alive(dbapi_connection, record, proxy) -> None:
    """The pool's check on checkout, in place of SQLAlchemy's pre-ping (which costs three
    round trips with asyncpg: BEGIN, an empty statement, ROLLBACK). A connection whose
    socket the database closed (a restart, a terminated backend) is replaced at once, with
    no round trip; one idle in the pool longer than FRESH_SECONDS is asked ALIVE first.
    Either way a dead connection raises DisconnectionError here, and the pool opens a new
    one for the same checkout, so the request never sees it."""
    driver = dbapi_connection.driver_connection
    if driver.is_closed():
        raise DisconnectionError("the database closed this pooled connection")
    if time.monotonic() - record.info.get(_USED, 0.0) < FRESH_SECONDS:
        return
    try:
        await_(driver.execute(ALIVE))
    except Exception as exc:  # noqa: BLE001 - any failure: this connection is not usable
        raise DisconnectionError("a pooled connection did not answer") from exc
