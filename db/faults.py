"""What a database failure means for a client: one classifier, used by every path.

- `unavailable`: the database cannot answer now and a retry later may succeed: the server
  refuses connections (down), is starting up (57P03), shutting down (57P01 admin shutdown,
  57P02 crash shutdown), has too many connections (53300), a connection was lost or closed
  mid-request (SQLSTATE class 08, asyncpg's InterfaceError / ConnectionDoesNotExistError,
  a connection SQLAlchemy invalidated, asyncpg's InternalClientError: its protocol left in
  a state no statement can follow, as a server shutting down mid-operation leaves it), or
  no pooled connection came in time.
- `too_slow`: PostgreSQL stopped the statement (statement_timeout or a cancel, 57014) or it
  waited too long for a lock (lock_timeout, 55P03).

Both are answered alike, 503 SERVICE_UNAVAILABLE with Retry-After (graph/outage.py); they
are told apart only for the log and the message.
"""

from __future__ import annotations

from collections.abc import Iterator

# SQLSTATEs (and classes) that say "the database is not there for you right now"
_UNAVAILABLE_CLASSES = ("08",)  # connection exception
_UNAVAILABLE_STATES = frozenset({"57P01", "57P02", "57P03", "57P05", "53300"})
_TOO_SLOW_STATES = frozenset({"57014", "55P03"})

RETRY_AFTER_SECONDS = 2  # what a client is told to wait before it tries again


class DatabaseUnavailable(Exception):
    """A request's connection was lost earlier in the request: nothing more can run on it."""


def _links(exc: BaseException | None) -> Iterator[BaseException]:
    """The exception, what it wraps (`orig`) and what caused it, each once."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo and len(seen) < 16:
        link = todo.pop()
        if link is None or any(link is s for s in seen):
            continue
        seen.append(link)
        yield link
        todo.extend((link.__context__, link.__cause__, getattr(link, "orig", None)))


def _sqlstate(link: BaseException) -> str | None:
    code = getattr(link, "sqlstate", None) or getattr(link, "pgcode", None)
    return code if isinstance(code, str) else None


def unavailable(exc: BaseException | None) -> bool:
    """True when `exc` (or anything in its chain) says the database is unavailable."""
    import asyncpg
    from sqlalchemy import exc as sa_exc

    for link in _links(exc):
        code = _sqlstate(link)
        if code is not None and (code in _UNAVAILABLE_STATES or code[:2] in _UNAVAILABLE_CLASSES):
            return True
        if isinstance(link, sa_exc.DBAPIError) and link.connection_invalidated:
            return True
        if isinstance(
            link,
            DatabaseUnavailable
            | OSError  # refused, reset, unreachable, DNS, a connect that timed out
            | asyncpg.PostgresConnectionError
            | asyncpg.InterfaceError  # "connection is closed"
            | asyncpg.InternalClientError  # 'protocol is in the "failed" state' and the like
            | sa_exc.InterfaceError
            | sa_exc.OperationalError
            | sa_exc.TimeoutError,  # the pool gave no connection in time
        ):
            return True
    return False


def too_slow(exc: BaseException | None) -> bool:
    """True when PostgreSQL stopped a statement for its time or its lock wait."""
    return any(_sqlstate(link) in _TOO_SLOW_STATES for link in _links(exc))


def classify(exc: BaseException | None) -> str | None:
    """ "too_slow", "unavailable", or None for any other failure."""
    if too_slow(exc):
        return "too_slow"
    if unavailable(exc):
        return "unavailable"
    return None
