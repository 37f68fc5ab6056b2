"""Writes of a policy's maintenance: its terms changed at a version, and its renewal.

Every write bumps `version`, so a change made from a stale read finds no row and is refused
(RecordChanged) instead of overwriting what someone else saved."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.engine import RowMapping

from db.tables import policies


async def update_terms(
    conn, *, policy_id: UUID, version: int, values: dict[str, Any]
) -> RowMapping | None:
    """Write the terms if the policy is still active at `version`; None when it is not."""
    result = await conn.execute(
        update(policies)
        .where(
            policies.c.id == policy_id,
            policies.c.version == version,
            policies.c.status == "active",
        )
        .values(**values, version=policies.c.version + 1, updated_at=func.now())
        .returning(policies)
    )
    return result.mappings().first()


async def version_of(conn, policy_id: UUID) -> int | None:
    result = await conn.execute(select(policies.c.version).where(policies.c.id == policy_id))
    return result.scalar_one_or_none()


async def end_for_renewal(conn, *, policy_id: UUID, ends: date, renewed_by: UUID) -> RowMapping:
    """The renewed policy ends where its renewal begins, linked to it; it stays active until
    the expiry job finds its termination date come (graph/upkeep.py)."""
    result = await conn.execute(
        update(policies)
        .where(policies.c.id == policy_id)
        .values(
            termination_date=ends,
            renewed_by_policy_id=renewed_by,
            version=policies.c.version + 1,
            updated_at=func.now(),
        )
        .returning(policies)
    )
    return result.mappings().one()


async def other_periods(
    conn, member_id: UUID, *, excluding: UUID
) -> list[tuple[date, date | None]]:
    """(effective, termination) of the member's other policies on record."""
    result = await conn.execute(
        select(policies.c.effective_date, policies.c.termination_date).where(
            policies.c.member_id == member_id,
            policies.c.id != excluding,
            policies.c.deleted_at.is_(None),
        )
    )
    return [(effective, termination) for effective, termination in result]
