"""Idempotency keys: the first request with a key owns it; retries get its stored answer.

The answer is sealed with the PHI key ring (it may hold PHI the client asked for), and keys
older than a day are forgotten, so a very late retry runs again."""

from __future__ import annotations

import json
from uuid import UUID

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert

from db.crypto import keyring
from db.tables import idempotency_keys as keys

_CONTEXT = "idempotency_keys.response"
TTL = text("interval '24 hours'")


async def claim(conn, *, user_id: UUID, key: str, request_hash: str) -> bool:
    """True when this request now owns the key (committed at once, so twins see it)."""
    await conn.execute(
        delete(keys).where(
            keys.c.user_id == user_id, keys.c.key == key, keys.c.created_at < func.now() - TTL
        )
    )
    result = await conn.execute(
        insert(keys)
        .values(user_id=user_id, key=key, request_hash=request_hash)
        .on_conflict_do_nothing()
        .returning(keys.c.key)
    )
    owned = result.first() is not None
    await conn.commit()
    return owned


async def find(conn, *, user_id: UUID, key: str) -> tuple[str, tuple[int, str] | None] | None:
    """(request hash, (status, body) once answered), or None when the key is unknown."""
    result = await conn.execute(
        select(keys.c.request_hash, keys.c.response).where(
            keys.c.user_id == user_id, keys.c.key == key
        )
    )
    row = result.first()
    await conn.commit()  # each poll sees the latest committed answer
    if row is None:
        return None
    stored = row.response
    if stored is None:
        return row.request_hash, None
    body = keyring().decrypt(stored["sealed"], _CONTEXT)
    return row.request_hash, (int(stored["status"]), body)


async def answer(conn, *, user_id: UUID, key: str, status: int, body: str) -> None:
    sealed = {"status": status, "sealed": keyring().encrypt(body, _CONTEXT)}
    await conn.execute(
        update(keys)
        .where(keys.c.user_id == user_id, keys.c.key == key)
        .values(response=json.loads(json.dumps(sealed)))
    )
    await conn.commit()


async def release(conn, *, user_id: UUID, key: str) -> None:
    """Forget a key whose request failed before it had an answer: a retry may run again."""
    await conn.execute(delete(keys).where(keys.c.user_id == user_id, keys.c.key == key))
    await conn.commit()
