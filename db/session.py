"""One database connection per request, opened on first use and shared by its loaders.

A request may be *held* (graph/idempotency.py does it for a mutation that carries an
Idempotency-Key): from `hold()` to `finish()` everything it does is one transaction, so
its changes, its audit rows and its stored answer commit together or not at all. While
held, `commit()` waits for `finish()` and each `unit_of_work()` is a savepoint: a unit that
fails undoes only itself, as it would have on its own."""

from __future__ import annotations

import asyncio
import contextlib

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db import faults
from db.direct import direct_form
from db.faults import DatabaseUnavailable


class RequestConnection:
    """Serialises the request's statements on one pooled connection (loaders run concurrently)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._conn: AsyncConnection | None = None
        self._lock = asyncio.Lock()
        self._lost: BaseException | None = None  # the outage that took the connection
        self._held = False
        self._wrote = False  # a statement other than a SELECT ran (see `pending`)
        self.statements = 0
        self.units = 0  # units of work kept (released savepoints) since hold()

    async def _connection(self) -> AsyncConnection:
        if self._conn is None:
            self._conn = await self._engine.connect()
        return self._conn

    @contextlib.asynccontextmanager
    async def _statement(self, statement):
        """The connection, for `statement` alone meanwhile; an outage marks the request
        lost, and anything but a SELECT marks it as having written (see `pending`)."""
        self._wrote = self._wrote or not getattr(statement, "is_select", False)
        async with self._lock:
            if self._lost is not None:  # never a second connection mid-request: the first
                raise DatabaseUnavailable("the request's connection was lost") from self._lost
            try:
                conn = await self._connection()
                self.statements += 1
                yield conn
            except Exception as exc:
                if faults.unavailable(exc):
                    self._lost = exc
                raise

    async def execute(self, statement, parameters=None):
        async with self._statement(statement) as conn:
            return await conn.execute(statement, parameters)

    async def fetch(self, statement, parameters=None) -> list:
        """The rows of a read statement db/lazy.py reuses, each read by column name: sent
        straight to the driver when db/direct.py could compile it, else through SQLAlchemy.
        Either way it runs in the request's transaction, when one is open, and SQLAlchemy's
        `before_cursor_execute` listeners hear it (the tests count statements with them)."""
        async with self._statement(statement) as conn:
            form = direct_form(statement, conn.dialect)
            if form is None:
                return list((await conn.execute(statement, parameters)).mappings())
            arguments = form.arguments(parameters)
            dispatch = conn.sync_engine.dispatch
            if dispatch.before_cursor_execute:
                dispatch.before_cursor_execute(
                    conn.sync_connection, None, form.sql, arguments, None, False
                )
            driver = conn.sync_connection.connection.driver_connection  # checked out already
            try:
                return await driver.fetch(form.sql, *arguments)
            except Exception as exc:
                if faults.unavailable(exc):  # SQLAlchemy did not see it: throw the connection away
                    with contextlib.suppress(Exception):
                        await conn.invalidate()
                raise

    async def commit(self) -> None:
        if self._held:
            return  # the held transaction commits in finish(), with everything else
        async with self._lock:
            if self._conn is not None:
                await self._conn.commit()

    async def rollback(self) -> None:
        """Roll back the open transaction (held or not: a held one is lost with its key)."""
        async with self._lock:
            if self._conn is not None:
                await self._conn.rollback()

    @property
    def pending(self) -> bool:
        """True when something of the request's own may commit with its audit rows: it is
        held, or a statement other than a SELECT ran on it. A text() statement counts as one
        whatever it says (`SELECT claim_status_tally_fold()` writes), unless declared a read
        with `.columns(...)`. A request that only read has nothing to commit."""
        return self._held or self._wrote

    @property
    def lost(self) -> bool:
        """True when the connection broke under the request (its transaction went with it)."""
        return self._lost is not None or (self._conn is not None and self._conn.invalidated)

    def hold(self) -> None:
        """Make the rest of the request one transaction, ended by finish()."""
        self._held, self.units = True, 0

    async def finish(self, *, commit: bool) -> None:
        """End the held transaction: commit it (raises when that fails) or roll it back."""
        self._held = False
        if commit:
            await self.commit()
        else:
            await self.rollback()

    @contextlib.asynccontextmanager
    async def unit_of_work(self):
        """Everything inside commits together, or nothing does."""
        if self._held:
            async with self._savepoint():
                yield self
            self.units += 1
            return
        try:
            yield self
        except BaseException:
            await self.rollback()
            raise
        await self.commit()

    @contextlib.asynccontextmanager
    async def _savepoint(self):
        async with self._lock:
            savepoint = await (await self._connection()).begin_nested()
        try:
            yield
        except BaseException:
            async with self._lock:
                # a broken connection takes the whole transaction with it: nothing to undo
                with contextlib.suppress(Exception):
                    if savepoint.is_active:
                        await savepoint.rollback()
            raise
        async with self._lock:
            await savepoint.commit()

    async def close(self) -> None:
        """Give the connection back, rolled back. One the database lost is thrown away,
        quietly: the request has answered already, or is answering the outage."""
        if self._conn is None:
            return
        conn, self._conn = self._conn, None
        try:
            await conn.rollback()
        except Exception as exc:
            with contextlib.suppress(Exception):
                await conn.invalidate()
                await conn.close()
            if not faults.unavailable(exc):
                raise
            return
        await conn.close()
