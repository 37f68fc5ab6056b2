"""Where the data lives: read once from the environment."""

import os
from pathlib import Path


def home_path() -> Path:
    """The state directory, not created: $CLAIMGRAPH_HOME, else the user's data directory.

    One well-known place per user (e.g. ~/.local/share/claimgraph on Linux), so the CLI
    finds the same database and keys from any working directory.
    """
    configured = os.environ.get("CLAIMGRAPH_HOME")
    if configured:
        return Path(configured).expanduser().resolve()
    import platformdirs  # imported here: only the default needs it

    return Path(platformdirs.user_data_dir("claimgraph", appauthor=False)).resolve()


def home() -> Path:
    """The directory for the embedded database, keys and other state, created if missing."""
    path = home_path()
    path.mkdir(parents=True, exist_ok=True)
    return path


def configured_url() -> str | None:
    """DATABASE_URL when set: then claimgraph starts no database of its own."""
    return os.environ.get("DATABASE_URL") or None
