"""Alembic environment: async, driven by db.migrate (which passes the URL in)."""

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from db.engine import async_url
from db.tables import metadata

config = context.config


# Two replicas starting together must not migrate at the same time.
_LOCK = "SELECT pg_advisory_lock(7242026)"
_UNLOCK = "SELECT pg_advisory_unlock(7242026)"


def _run(connection) -> None:
    connection.execute(text(_LOCK))
    try:
        _configure_and_run(connection)
    except BaseException:
        connection.rollback()  # so the unlock below runs and the real error shows
        raise
    finally:
        connection.execute(text(_UNLOCK))


def _configure_and_run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        compare_server_default=False,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _main() -> None:
    engine = create_async_engine(async_url(config.get_main_option("sqlalchemy.url")))
    async with engine.connect() as conn:
        await conn.run_sync(_run)
        await conn.commit()
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `claimgraph migrate`")

existing = config.attributes.get("connection")
if existing is not None:
    _run(existing)
else:
    asyncio.run(_main())
