"""A LISTEN connection held for the life of a task, reconnecting after any failure."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger("claimgraph.db")


async def hold(
    engine: AsyncEngine, *, name: str, session: Callable[[Any], Awaitable[None]]
) -> None:
    """Run `session(driver)` on a dedicated asyncpg connection named `name` (it subscribes,
    then returns when the connection dies); after any failure (a database restart) wait,
    doubling up to 10 s, and connect again. Cancelled only with its task."""
    delay = 0.5
    while True:
        try:
            async with engine.connect() as conn:
                try:
                    driver = (await conn.get_raw_connection()).driver_connection
                    await driver.execute(f"SET application_name = '{name}'")
                    delay = 0.5
                    await session(driver)
                finally:
                    # never back into the pool: it still listens and carries the
                    # listener's name, which a request's connection must not
                    await conn.invalidate()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - keep listening whatever happened
            log.warning("listener reconnecting", extra={"listener": name,
                                                        "error": type(exc).__name__})  # fmt: skip
        await asyncio.sleep(delay)
        delay = min(delay * 2, 10.0)
