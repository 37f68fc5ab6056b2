"""Secrets kept under $CLAIMGRAPH_HOME/keys, generated once (owner-only)."""

from __future__ import annotations

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


def _block(name: str):
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    # One AES block is a keyed permutation of 16 bytes: exactly a UUID, nothing to pad.
    return Cipher(algorithms.AES(secret(name)), modes.ECB())


def pseudonym(db_id: UUID) -> UUID:
    """A stable keyed pseudonym for a record id, shaped as a UUID.

    A keyed permutation (AES-256 over the id's 16 bytes) rather than a keyed hash: without
    the key it reveals nothing of the id, like an HMAC, and with it the server can turn a
    pseudonym a regulator hands back into the row it names (`real_id`), so lookups take
    pseudonyms and only pseudonyms, with no table of them to keep.
    """
    enc = _block("pseudonym").encryptor()
    return UUID(bytes=enc.update(db_id.bytes) + enc.finalize())


def real_id(pseudonymous: UUID) -> UUID:
    """The record id a pseudonym stands for (any UUID maps to some id: unknown ones miss)."""
    dec = _block("pseudonym").decryptor()
    return UUID(bytes=dec.update(pseudonymous.bytes) + dec.finalize())
