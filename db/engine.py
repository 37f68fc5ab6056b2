"""Engines and connection URLs (asyncpg under SQLAlchemy 2 async)."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


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
    return create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        pool_pre_ping=True,
        pool_recycle=1800,
        # a statement's bound values (member ids, diagnosis codes, dates) never reach an
        # exception's message, so no traceback can carry them into a log
        hide_parameters=True,
        connect_args={"server_settings": server_settings},
    )
