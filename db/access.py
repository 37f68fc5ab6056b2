"""Writes and reads of access records: consents, break-glass grants, claim aggregates."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.engine import RowMapping

from db.tables import break_glass_grants, claims, consents, members


async def grant_consent(conn, *, dependent_id: UUID, member_id: UUID) -> RowMapping:
    """Record consent (idempotent: an active consent is returned as it is)."""
    existing = await conn.execute(
        select(consents).where(
            consents.c.dependent_id == dependent_id,
            consents.c.grantee_member_id == member_id,
            consents.c.revoked_at.is_(None),
        )
    )
    row = existing.mappings().first()
    if row is not None:
        return row
    result = await conn.execute(
        insert(consents)
        .values(dependent_id=dependent_id, grantee_member_id=member_id)
        .returning(consents)
    )
    return result.mappings().one()


async def revoke_consent(conn, *, dependent_id: UUID) -> int:
    """Revoke every active consent of the dependent; how many were active."""
    result = await conn.execute(
        update(consents)
        .where(consents.c.dependent_id == dependent_id, consents.c.revoked_at.is_(None))
        .values(revoked_at=func.now())
    )
    return result.rowcount


async def active_consent(conn, *, dependent_id: UUID) -> RowMapping | None:
    result = await conn.execute(
        select(consents).where(
            consents.c.dependent_id == dependent_id, consents.c.revoked_at.is_(None)
        )
    )
    return result.mappings().first()


async def open_break_glass(
    conn, *, user_id: UUID, member_id: UUID, reason: str, opened_at: datetime, expires_at: datetime
) -> RowMapping:
    result = await conn.execute(
        insert(break_glass_grants)
        .values(
            user_id=user_id,
            member_id=member_id,
            reason=reason,
            opened_at=opened_at,
            expires_at=expires_at,
        )
        .returning(break_glass_grants)
    )
    return result.mappings().one()


async def close_review(conn, *, grant_id: UUID, reviewer_id: UUID, note: str) -> RowMapping | None:
    """Close an open review; None when there is no open review with that id."""
    result = await conn.execute(
        update(break_glass_grants)
        .where(break_glass_grants.c.id == grant_id, break_glass_grants.c.reviewed_at.is_(None))
        .values(reviewed_by=reviewer_id, reviewed_at=func.now(), review_note=note)
        .returning(break_glass_grants)
    )
    return result.mappings().first()


async def claims_summary(conn, *, employer_id: UUID, start: date, end: date) -> list[RowMapping]:
    """Claims of an employer's employees per month and claim type: count and paid total."""
    month = func.to_char(func.date_trunc("month", claims.c.service_date), "YYYY-MM")
    stmt = (
        select(
            month.label("month"),
            claims.c.claim_type,
            func.count().label("claim_count"),
            func.sum(claims.c.paid_amount).label("paid_total"),
        )
        .join(members, members.c.id == claims.c.member_id)
        .where(
            and_(
                members.c.employer_id == employer_id,
                claims.c.service_date >= start,
                claims.c.service_date <= end,
                claims.c.deleted_at.is_(None),
            )
        )
        .group_by(month, claims.c.claim_type)
        .order_by(month, claims.c.claim_type)
    )
    result = await conn.execute(stmt)
    return list(result.mappings())


async def claim_employer(conn, claim_id: UUID) -> UUID | None:
    """The employer of the member a claim is for (None: an individual member)."""
    result = await conn.execute(
        select(members.c.employer_id)
        .join(claims, claims.c.member_id == members.c.id)
        .where(claims.c.id == claim_id)
    )
    return result.scalar_one_or_none()
