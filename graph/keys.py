"""Secrets kept under $CLAIMGRAPH_HOME/keys, generated once (owner-only)."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import cache
from uuid import UUID

from db import settings


@cache
def secret(name: str) -> bytes:
    """A 32-byte secret by name: from CLAIMGRAPH_<NAME>_KEY (hex), else a key file."""
    env = os.environ.get(f"CLAIMGRAPH_{name.upper()}_KEY")
    if env:
        return bytes.fromhex(env)
    path = settings.home() / "keys" / f"{name}.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)  # the first process to get here wins
        except FileExistsError:
            pass
        tmp.unlink(missing_ok=True)
    return bytes.fromhex(path.read_text().strip())


def pseudonym(db_id: UUID) -> UUID:
    """A stable keyed pseudonym for a record id (HMAC-SHA256), shaped as a UUID."""
    digest = hmac.new(secret("pseudonym"), db_id.bytes, hashlib.sha256).digest()
    return UUID(bytes=digest[:16])
