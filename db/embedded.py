"""The embedded PostgreSQL (pgserver) used when no DATABASE_URL is given."""

from __future__ import annotations

import logging
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
