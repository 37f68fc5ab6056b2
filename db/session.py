"""One database connection per request, opened on first use and shared by its loaders."""

from __future__ import annotations

import asyncio
import contextlib

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


class RequestConnection:
    """Serialises the request's statements on one pooled connection (loaders run concurrently)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._conn: AsyncConnection | None = None
        self._lock = asyncio.Lock()
        self.statements = 0

    async def execute(self, statement, parameters=None):
        async with self._lock:
            if self._conn is None:
                self._conn = await self._engine.connect()
            self.statements += 1
            return await self._conn.execute(statement, parameters)

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
        if self._conn is not None:
            conn, self._conn = self._conn, None
            try:
                await conn.rollback()
            finally:
                await conn.close()
