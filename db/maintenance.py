"""Housekeeping after bulk loads: fresh planner statistics and visibility maps."""

from __future__ import annotations

from db.engine import make_engine


async def vacuum_analyze(url: str) -> None:
    """VACUUM ANALYZE the database (outside a transaction, as PostgreSQL requires).

    After a COPY of hundreds of thousands of rows the planner's statistics are stale (it
    guesses hundreds of rows where there are tens of thousands) and counts cannot use
    index-only scans until the visibility map is set.
    """
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            from sqlalchemy import text

            await conn.execute(text("VACUUM ANALYZE"))
    finally:
        await engine.dispose()
