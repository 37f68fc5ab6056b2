"""One database connection per request, opened on first use and shared by its loaders."""

from __future__ import annotations

import asyncio
import contextlib

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db import faults
from db.faults import DatabaseUnavailable


class RequestConnection:
    """Serialises the request's statements on one pooled connection (loaders run concurrently)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._conn: AsyncConnection | None = None
        self._lock = asyncio.Lock()
        self._lost: BaseException | None = None  # the outage that took the connection
        self.statements = 0

    async def execute(self, statement, parameters=None):
        async with self._lock:
            if self._lost is not None:  # never a second connection mid-request: the first
                raise DatabaseUnavailable("the request's connection was lost") from self._lost
            try:
                if self._conn is None:
                    self._conn = await self._engine.connect()
                self.statements += 1
                return await self._conn.execute(statement, parameters)
            except Exception as exc:
                if faults.unavailable(exc):
                    self._lost = exc
                raise

    async def commit(self) -> None:
        async with self._lock:
            if self._conn is not None:
                await self._conn.commit()

    async def rollback(self) -> None:
        async with self._lock:
            if self._conn is not None:
                await self._conn.rollback()

    @contextlib.asynccontextmanager
    async def unit_of_work(self):
        """Everything inside commits together, or nothing does."""
        try:
            yield self
        except BaseException:
            await self.rollback()
            raise
        await self.commit()

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
