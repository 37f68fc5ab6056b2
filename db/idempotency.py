"""Idempotency keys, kept in the transaction of the request that uses them.

The request that owns a key inserts its row in its own transaction (db/session.py, `hold`)
and stores its answer there too, so a committed row always has its answer and a rolled-back
request leaves no row behind. A twin inserting the same key waits on the uncommitted row
(the primary key's index is the lock) for the owner's outcome: committed, the twin finds the
answer; rolled back, the twin owns the key. The owner's transaction may sit idle at most the
lease (`idle_in_transaction_session_timeout`, for that transaction only): a request that died
without closing its connection loses the key then, and a twin waits the lease and a second.

The answer is sealed with the PHI key ring (it may hold PHI the client asked for), and keys
older than a day are forgotten, so a very late retry runs again. A row committed without an
answer was left by an earlier version (claim, run and answer were three transactions then):
past the lease it is forgotten too."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from sqlalchemy import and_, delete, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert

from db.crypto import keyring
from db.tables import idempotency_keys as keys

_CONTEXT = "idempotency_keys.response"
TTL = text("interval '24 hours'")


@dataclass(frozen=True)
class Taken:
    """A key another request holds: what it asked, and its answer (None: still running)."""

    request_hash: str
    answer: tuple[int, str] | None


def _ms(seconds: float) -> str:
    return str(max(1, round(seconds * 1000)))


async def claim(
    conn, *, user_id: UUID, key: str, request_hash: str, lease: float, wait: float
) -> Taken | None:
    """None when the current transaction now owns the key, else who has it. A twin's
    transaction is waited for at most `wait` seconds (then PostgreSQL's lock timeout)."""
    await conn.execute(
        select(
            func.set_config("idle_in_transaction_session_timeout", _ms(lease), True),
            func.set_config("lock_timeout", _ms(wait), True),
        )
    )
    mine = and_(keys.c.user_id == user_id, keys.c.key == key)
    for _ in range(3):  # a row forgotten between our insert and our look: claim again
        await conn.execute(
            delete(keys).where(
                mine,
                or_(
                    keys.c.created_at < func.now() - TTL,
                    and_(
                        keys.c.response.is_(None),
                        keys.c.created_at < func.now() - timedelta(seconds=lease),
                    ),
                ),
            )
        )
        inserted = await conn.execute(
            insert(keys)
            .values(user_id=user_id, key=key, request_hash=request_hash)
            .on_conflict_do_nothing()
            .returning(keys.c.key)
        )
        if inserted.first() is not None:
            await conn.execute(text("SET LOCAL lock_timeout TO DEFAULT"))
            return None
        row = (await conn.execute(select(keys.c.request_hash, keys.c.response).where(mine))).first()
        if row is not None:
            break
    else:
        return Taken(request_hash, None)
    await conn.execute(text("SET LOCAL lock_timeout TO DEFAULT"))
    if row.response is None:
        return Taken(row.request_hash, None)
    body = keyring().decrypt(row.response["sealed"], _CONTEXT)
    return Taken(row.request_hash, (int(row.response["status"]), body))


async def keep(conn, *, user_id: UUID, key: str, status: int, body: str) -> bool:
    """Store the answer on the key this transaction owns (False: it owns it no longer)."""
    sealed = {"status": status, "sealed": keyring().encrypt(body, _CONTEXT)}
    result = await conn.execute(
        update(keys)
        .where(keys.c.user_id == user_id, keys.c.key == key, keys.c.response.is_(None))
        .values(response=json.loads(json.dumps(sealed)))
        .returning(keys.c.key)
    )
    return result.first() is not None


async def forget(conn, *, user_id: UUID, key: str) -> bool:
    """Let go of the key this transaction owns: a retry will run again."""
    result = await conn.execute(
        delete(keys)
        .where(keys.c.user_id == user_id, keys.c.key == key, keys.c.response.is_(None))
        .returning(keys.c.key)
    )
    return result.first() is not None
