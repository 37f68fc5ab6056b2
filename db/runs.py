"""Validation runs: the upload kept sealed until its run ends, the queue the workers take
runs from, progress, findings, and recovery of runs a stopped server left behind."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.engine import RowMapping

from db.crypto import keyring
from db.tables import validation_results, validation_runs, validation_uploads

_CONTEXT = "validation_uploads.content"
STALE = text("interval '60 seconds'")  # no heartbeat for this long: the worker is gone
MAX_ATTEMPTS = 3


def seal(content: bytes) -> bytes:
    return keyring().encrypt_bytes(content, _CONTEXT)


def unseal(sealed: bytes) -> bytes:
    return keyring().decrypt_bytes(sealed, _CONTEXT)


async def create(conn, *, values: dict[str, Any], content: bytes) -> RowMapping:
    run = (
        (await conn.execute(insert(validation_runs).values(**values).returning(validation_runs)))
        .mappings()
        .one()
    )
    await conn.execute(insert(validation_uploads).values(run_id=run["id"], content=seal(content)))
    return run


async def take_next(conn) -> RowMapping | None:
    """The oldest pending run, now processing under this worker (others skip it)."""
    result = await conn.execute(
        select(validation_runs.c.id)
        .where(validation_runs.c.status == "pending")
        .order_by(validation_runs.c.created_at)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    run_id = result.scalar_one_or_none()
    if run_id is None:
        return None
    result = await conn.execute(
        update(validation_runs)
        .where(validation_runs.c.id == run_id)
        .values(
            status="processing",
            started_at=func.now(),
            heartbeat_at=func.now(),
            attempts=validation_runs.c.attempts + 1,
            progress=0,
            processed_rows=0,
            updated_at=func.now(),
        )  # fmt: skip
        .returning(validation_runs)
    )
    run = result.mappings().one()
    # a resumed run starts over: the findings of an earlier attempt go
    await conn.execute(delete(validation_results).where(validation_results.c.run_id == run_id))
    return run


async def upload(conn, run_id: UUID) -> bytes | None:
    result = await conn.execute(
        select(validation_uploads.c.content).where(validation_uploads.c.run_id == run_id)
    )
    sealed = result.scalar_one_or_none()
    return None if sealed is None else unseal(sealed)


async def progress(conn, run_id: UUID, *, done: int, total: int, counts: dict[str, int]) -> None:
    await conn.execute(
        update(validation_runs)
        .where(validation_runs.c.id == run_id)
        .values(
            processed_rows=done,
            total_rows=total,
            progress=min(99, (100 * done) // total) if total else 0,
            error_count=counts.get("error", 0),
            warning_count=counts.get("warning", 0),
            info_count=counts.get("info", 0),
            heartbeat_at=func.now(),
            updated_at=func.now(),
        )  # fmt: skip
    )


async def add_results(conn, run_id: UUID, rows: list[dict[str, Any]]) -> None:
    if rows:
        await conn.execute(insert(validation_results), [{"run_id": run_id, **r} for r in rows])


async def finish(conn, run_id: UUID, *, status: str, reason: str | None = None) -> RowMapping:
    """Completed or failed; the upload is deleted either way."""
    await conn.execute(delete(validation_uploads).where(validation_uploads.c.run_id == run_id))
    result = await conn.execute(
        update(validation_runs)
        .where(validation_runs.c.id == run_id)
        .values(
            status=status,
            failure_reason=reason,
            finished_at=func.now(),
            progress=validation_runs.c.progress if status == "failed" else 100,
            processed_rows=validation_runs.c.processed_rows
            if status == "failed"
            else func.coalesce(validation_runs.c.total_rows, 0),
            updated_at=func.now(),
        )  # fmt: skip
        .returning(validation_runs)
    )
    return result.mappings().one()


async def recover(conn) -> tuple[int, int]:
    """Runs left processing by a worker that stopped: queued again while attempts remain and
    the upload is there, otherwise failed (upload deleted). Returns (resumed, failed)."""
    stale = (validation_runs.c.status == "processing") & (
        func.coalesce(validation_runs.c.heartbeat_at, validation_runs.c.started_at)
        < func.now() - STALE
    )
    has_upload = (
        select(validation_uploads.c.run_id)
        .where(validation_uploads.c.run_id == validation_runs.c.id)
        .exists()
    )
    resumed = await conn.execute(
        update(validation_runs)
        .where(stale, validation_runs.c.attempts < MAX_ATTEMPTS, has_upload)
        .values(status="pending", updated_at=func.now())
        .returning(validation_runs.c.id)
    )
    failed = await conn.execute(
        update(validation_runs)
        .where(stale)
        .values(
            status="failed",
            finished_at=func.now(),
            updated_at=func.now(),
            failure_reason="The server stopped while processing this run, too many times; "
            "upload the file again.",
        )  # fmt: skip
        .returning(validation_runs.c.id)
    )
    gone = [r for (r,) in failed]
    if gone:
        await conn.execute(delete(validation_uploads).where(validation_uploads.c.run_id.in_(gone)))
    return len(resumed.all()), len(gone)
