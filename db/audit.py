"""The audit trail: one INSERT per request (the trigger chains it, migration 0012) and the
accounting of disclosures; the chain check is db/audit_chain.py."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Any

from sqlalchemy import ARRAY, Boolean, Text, bindparam, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import UUID as PgUUID

from db import faults
from db.crypto import keyring
from db.session import RequestConnection
from db.tables import audit_log

_DEFAULTS = {"fields": [], "success": True, "break_glass": False}
_COLUMNS = (
    "user_id", "role", "organisation", "action", "resource_type", "resource_id",
    "subject_member_id", "subject_dependent_id", "fields", "policy_rule", "purpose_of_use",
    "break_glass",
    "operation_name", "request_id", "client_ip", "user_agent", "success", "error",
    "old_values", "new_values",
)  # fmt: skip


def seal(values: dict[str, Any]) -> dict[str, str | None]:
    """PHI for an audit row's old_values or new_values (a corrected name or birth date): each
    value encrypted as the columns it came from are (AES-256-GCM, key id inside, bound to
    `audit_log.<key>`), so the trail keeps it readable to the key holders, not to a reader of
    the table. The log is append-only: values stay under the key they were sealed with."""
    ring = keyring()
    return {
        k: None if v is None else ring.encrypt(v if isinstance(v, str) else v.isoformat(),
                                              f"audit_log.{k}")
        for k, v in values.items()
    }  # fmt: skip


def unseal(values: dict[str, str | None]) -> dict[str, str | None]:
    """The values `seal` encrypted, as text (ISO dates for dates)."""
    ring = keyring()
    return {k: None if v is None else ring.decrypt(v, f"audit_log.{k}") for k, v in values.items()}


_SEPARATOR = "\x1f"  # joins a row's field names into one text (no field name holds it)
_JSON = frozenset(name for name in _COLUMNS if isinstance(audit_log.c[name].type, JSONB))


def _append_statement():
    """INSERT ... SELECT FROM unnest(one array per column): every row in one statement with
    one value per column, whatever the number of rows (an executemany binds and executes
    once per row). A row's field names travel joined by _SEPARATOR, its JSON as text."""
    arrays, picks = [], []
    for i, name in enumerate(_COLUMNS):
        travels = Text() if name == "fields" or name in _JSON else audit_log.c[name].type
        arrays.append(bindparam(f"c{i}", type_=ARRAY(travels)))
        picks.append(
            f"string_to_array(u.c{i}, chr({ord(_SEPARATOR)}))" if name == "fields"
            else f"u.c{i}::jsonb" if name in _JSON
            else f"u.c{i}"
        )  # fmt: skip
    names = ", ".join(f"c{i}" for i in range(len(_COLUMNS)))
    return text(
        f"INSERT INTO audit_log ({', '.join(_COLUMNS)}) SELECT {', '.join(picks)} "
        f"FROM unnest({', '.join(f':c{i}' for i in range(len(_COLUMNS)))}) AS u({names})"
    ).bindparams(*arrays)


_APPEND = _append_statement()


def _joined(fields: list[str]) -> str:
    if any(_SEPARATOR in f for f in fields):
        raise ValueError("a field name holds the audit separator")
    return _SEPARATOR.join(fields)


# how a column's value travels in its array, where it is not as it is
_CONVERT = {"fields": _joined} | dict.fromkeys(_JSON, json.dumps)


def _writable(value: Any) -> Any:
    """The value with every NUL replaced (U+FFFD): PostgreSQL's text and jsonb cannot hold
    one, and a row that names what a client sent (an id's decoded type, a header) must be
    written whatever the client put in it."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    if isinstance(value, dict):
        return {_writable(k): _writable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_writable(v) for v in value]
    return value


# the columns a text can reach (ids and flags cannot hold a NUL)
_TEXTUAL = frozenset(
    name for name in _COLUMNS if not isinstance(audit_log.c[name].type, PgUUID | Boolean)
)


def _column(name: str, rows: list[dict[str, Any]]) -> list[Any]:
    default = _DEFAULTS.get(name)
    values = [r.get(name, default) for r in rows]
    if name in _TEXTUAL:
        values = [_writable(v) for v in values]
    convert = _CONVERT.get(name)
    return values if convert is None else [None if v is None else convert(v) for v in values]


async def write(conn, rows: list[dict[str, Any]]) -> None:
    """Append rows in one statement; the chain trigger numbers and hashes them, in order."""
    if not rows:
        return
    values = {f"c{i}": _column(name, rows) for i, name in enumerate(_COLUMNS)}
    fetch = getattr(conn, "fetch", None)  # the request's connection: straight to the driver
    await (fetch(_APPEND, values) if fetch is not None else conn.execute(_APPEND, values))


# Writes under way at once per process: while one waits for its commit to be flushed, the
# next batch need not wait for it (each writer's rows go to a chain partition of its own).
WRITERS = 2


class Appender:
    """The audit rows of many small answers written together, as a group commit: the first
    `append` starts a write; every `append` made while WRITERS writes are under way waits
    for the next one, which takes all their rows in one statement and one transaction. Each caller
    returns only once its own rows are committed, and raises if their write failed, so an
    answer still leaves only after its audit (fail closed). When the database refuses a row
    of a shared write, each caller's rows are tried again on their own, so that only the
    callers whose own rows are refused fail; in an outage every caller fails at once.
    One event pushed to a hundred subscribers, or thirty-two dashboards answered at once, is
    then a few statements and commits, not one of each per answer."""

    def __init__(self, engine: Any, *, writers: int = WRITERS) -> None:
        self._engine = engine
        self._waiting: list[tuple[list[dict[str, Any]], asyncio.Future]] = []
        self._writers: set[asyncio.Task] = set()
        self._most = writers
        self.statements = 0

    async def append(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        done = asyncio.get_running_loop().create_future()
        done.add_done_callback(_retrieved)  # also when its caller has gone
        self._waiting.append((rows, done))
        if len(self._writers) < self._most:
            writer = asyncio.create_task(self._write_all(), name="audit-appender")
            self._writers.add(writer)
            writer.add_done_callback(self._writers.discard)
        try:
            await asyncio.shield(done)  # a caller that goes away leaves the others' write alone
        except asyncio.CancelledError:
            # not taken by a write yet: its answer will never be sent, so nothing was read
            self._waiting = [entry for entry in self._waiting if entry[1] is not done]
            raise

    async def _write_all(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            failed = await self._write([row for rows, _ in batch for row in rows])
            if failed is None or len(batch) == 1 or _outage(failed):
                for _, done in batch:
                    _settle(done, failed)
                continue
            # the database refused some row: one caller's rows must not sink the others'
            for (_, done), outcome in zip(batch, await self._write_each(batch), strict=True):
                _settle(done, outcome)

    async def _write(self, rows: list[dict[str, Any]]) -> Exception | None:
        """One statement, its own transaction (no BEGIN and COMMIT round trips); the
        failure, if any."""
        try:
            conn = RequestConnection(self._engine)
            try:
                self.statements += 1
                await write(conn, rows)
            finally:
                await conn.close()
        except Exception as exc:  # noqa: BLE001 - handed to the callers whose rows these are
            return exc
        return None

    async def _write_each(self, batch) -> list[Exception | None]:
        """Each caller's rows in a savepoint of one transaction on one connection (a refusal
        is immediate, so this takes a few milliseconds, not a pool wait per caller); what
        each caller is told. Nothing counts as written unless the transaction commits."""
        outcomes: list[Exception | None] = []
        try:
            async with self._engine.begin() as conn:
                for rows, _ in batch:
                    try:
                        async with conn.begin_nested():
                            self.statements += 1
                            await write(conn, rows)
                    except Exception as exc:  # noqa: BLE001 - this caller's rows refused
                        if _outage(exc):
                            raise
                        outcomes.append(exc)
                    else:
                        outcomes.append(None)
        except Exception as exc:  # noqa: BLE001 - nothing of the batch was committed
            return [exc] * len(batch)
        return outcomes


def _outage(exc: Exception) -> bool:
    """A failure of the database rather than of the rows: trying again row by row would
    only wait again (a pool that gave no connection, a lost one, a statement stopped)."""
    return faults.unavailable(exc) or faults.too_slow(exc)


def _settle(done: asyncio.Future, failed: Exception | None) -> None:
    if done.done():
        return
    if failed is None:
        done.set_result(None)
    else:
        done.set_exception(failed)


def _retrieved(future: asyncio.Future) -> None:
    if not future.cancelled():
        future.exception()


# Disclosures for treatment, payment and health care operations need not be accounted
# for (45 CFR 164.528(a)(1)(i)); health oversight and emergencies must be.
ROUTINE_PURPOSES = ("TREATMENT", "PAYMENT", "OPERATIONS")


def _disclosed(*, member_id, dependent_id, requester_id, since: datetime):
    from sqlalchemy import and_, or_

    a = audit_log
    subject = (
        a.c.subject_dependent_id == dependent_id
        if dependent_id is not None
        else and_(a.c.subject_member_id == member_id, a.c.subject_dependent_id.is_(None))
    )
    return and_(
        subject,
        a.c.action == "read",
        a.c.success.is_(True),
        or_(a.c.purpose_of_use.is_(None), a.c.purpose_of_use.not_in(ROUTINE_PURPOSES)),
        or_(a.c.user_id.is_(None), a.c.user_id != requester_id),
        a.c.occurred_at >= since,
    )


async def disclosures(conn, *, first: int, before_seq: int | None, **who) -> list:
    """Reads of one person's PHI by others, newest first (by seq, the log's insertion order:
    chain positions are per partition), for the accounting of disclosures."""
    from sqlalchemy import select

    stmt = (
        select(audit_log).where(_disclosed(**who)).order_by(audit_log.c.seq.desc()).limit(first + 1)
    )
    if before_seq is not None:
        stmt = stmt.where(audit_log.c.seq < before_seq)
    result = await conn.execute(stmt)
    return list(result.mappings())


async def count_disclosures(conn, **who) -> int:
    from sqlalchemy import func, select

    result = await conn.execute(
        select(func.count()).select_from(audit_log).where(_disclosed(**who))
    )
    return int(result.scalar_one())
