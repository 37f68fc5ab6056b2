"""Where the data lives: read once from the environment."""

import os
from pathlib import Path


def home() -> Path:
    """The directory for the embedded database, keys and other state ($CLAIMGRAPH_HOME)."""
    path = Path(os.environ.get("CLAIMGRAPH_HOME", "./.claimgraph")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def configured_url() -> str | None:
    """DATABASE_URL when set: then claimgraph starts no database of its own."""
    return os.environ.get("DATABASE_URL") or None
