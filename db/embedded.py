"""The embedded PostgreSQL (pgserver) used when no DATABASE_URL is given."""

from __future__ import annotations

import logging
import re
import warnings
from pathlib import Path

from db import settings

log = logging.getLogger(__name__)


def start(data_dir: Path | None = None, *, keep_running: bool = False) -> str:
    """Start (or join) the private server under $CLAIMGRAPH_HOME and return its URL."""
    data_dir = data_dir or settings.home() / "pgdata"
    data_dir.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs' XDG_RUNTIME_DIR notice, nothing of ours
        import pgserver  # imported here: only the embedded path needs it

        server = pgserver.get_server(data_dir, cleanup_mode=None if keep_running else "stop")
    _servers.append(server)  # keep a reference: the server stops when the last one goes
    return server.get_uri()


_servers: list = []


def resolve_url(*, keep_running: bool = False) -> str:
    """The URL of the database in use: DATABASE_URL, else the embedded server."""
    return settings.configured_url() or start(keep_running=keep_running)


class NotReady(Exception):
    """No database to use, or one not migrated to head; the message says what fixes it."""


_FIX = "run `claimgraph serve --demo` (with demo data) or `claimgraph migrate` first"


def migrated_url() -> str:
    """The database in use, when it exists and is migrated to head; it never makes one.

    Commands that read tables (token, keys rotate) call this rather than resolve_url, so a
    fresh state directory gets a one-line NotReady instead of an empty database.
    """
    import asyncio

    from sqlalchemy.engine import make_url

    from db import migrate

    url = settings.configured_url()
    if url is None:
        data = settings.home_path() / "pgdata"
        if not (data / "PG_VERSION").exists():
            raise NotReady(f"no database under {settings.home_path()}: {_FIX}")
        url, where = start(data), f"under {settings.home_path()}"
    else:
        where = f"at {make_url(url).render_as_string(hide_password=True)} (DATABASE_URL)"
    try:
        revision = asyncio.run(_revision(url))
    except Exception as exc:  # noqa: BLE001 - whatever stops the connection, say it in a line
        reason = (str(exc).strip() or type(exc).__name__).splitlines()[0]
        reason = re.sub(r"^\([\w.]+\)\s*", "", reason)  # SQLAlchemy's "(driver.Error) "
        raise NotReady(f"cannot reach the database {where}: {reason}") from exc
    if revision is None:
        raise NotReady(f"the database {where} is not migrated: {_FIX}")
    if revision != migrate.head():
        raise NotReady(f"the database {where} is at migration {revision}, this claimgraph "
                       f"needs {migrate.head()}: run `claimgraph migrate`")  # fmt: skip
    return url


async def _revision(url: str) -> str | None:
    from db.engine import make_engine
    from db.repos import schema_revision

    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            return await schema_revision(conn)
    finally:
        await engine.dispose()
