"""db/faults.py: which failures are the database being unavailable, which a statement
stopped for its time, and which neither (no database needed)."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy import exc as sa_exc

from db import faults


def _wrapped(orig: BaseException, **kw) -> sa_exc.DBAPIError:
    return sa_exc.DBAPIError("SELECT 1", None, orig, **kw)


def _caused(outer: BaseException, inner: BaseException) -> BaseException:
    outer.__cause__ = inner
    return outer


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connection refused"),
        ConnectionResetError(),
        TimeoutError(),  # a connect that timed out
        asyncpg.CannotConnectNowError("the database system is starting up"),  # 57P03
        _wrapped(asyncpg.CannotConnectNowError("the database system is shutting down")),
        _wrapped(asyncpg.AdminShutdownError("terminating connection")),  # 57P01
        _wrapped(asyncpg.CrashShutdownError("crash of another server process")),  # 57P02
        _wrapped(asyncpg.TooManyConnectionsError("too many clients")),  # 53300
        _wrapped(asyncpg.ConnectionDoesNotExistError("closed in the middle")),  # 08003
        asyncpg.InterfaceError("connection is closed"),
        # seen when a fast shutdown ended a connection under a waiting request
        asyncpg.InternalClientError('cannot switch to state 15; protocol is in the "failed" state'),
        _wrapped(asyncpg.InternalClientError("another operation is in progress")),
        _wrapped(ValueError("x"), connection_invalidated=True),
        sa_exc.TimeoutError("QueuePool limit reached"),  # no pooled connection in time
        faults.DatabaseUnavailable("lost earlier"),
        _caused(RuntimeError("wrapped"), ConnectionRefusedError(111, "refused")),
    ],
)
def test_unavailable(error):
    assert faults.unavailable(error)
    assert faults.classify(error) == "unavailable"


@pytest.mark.parametrize(
    "error",
    [
        _wrapped(asyncpg.QueryCanceledError("canceling statement due to statement timeout")),
        _wrapped(asyncpg.LockNotAvailableError("canceling statement due to lock timeout")),
    ],
)
def test_too_slow(error):
    assert faults.classify(error) == "too_slow"


@pytest.mark.parametrize(
    "error",
    [
        ValueError("a bug"),
        KeyError("x"),
        _wrapped(asyncpg.UniqueViolationError("duplicate key")),
        _wrapped(asyncpg.UndefinedTableError("no such table")),
    ],
)
def test_neither(error):
    assert faults.classify(error) is None
