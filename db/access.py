"""Writes and reads of access records: consents, break-glass grants, claim aggregates."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import RowMapping

from db.tables import break_glass_grants, claims, claims_summary_releases, consents, members
from domain.aggregates import Cell, Month, MonthSummary
from domain.enums import SUPERSEDED_CLAIM_STATUSES, ClaimType


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


async def break_glass_until(conn, user_id: UUID) -> datetime | None:
    """When the first of the user's open emergency grants ends (None: none is open)."""
    result = await conn.execute(
        select(func.min(break_glass_grants.c.expires_at)).where(
            break_glass_grants.c.user_id == user_id, break_glass_grants.c.expires_at > func.now()
        )
    )
    return result.scalar_one()


async def close_review(conn, *, grant_id: UUID, reviewer_id: UUID, note: str) -> RowMapping | None:
    """Close an open review; None when there is no open review with that id."""
    result = await conn.execute(
        update(break_glass_grants)
        .where(break_glass_grants.c.id == grant_id, break_glass_grants.c.reviewed_at.is_(None))
        .values(reviewed_by=reviewer_id, reviewed_at=func.now(), review_note=note)
        .returning(break_glass_grants)
    )
    return result.mappings().first()


async def claims_summary(
    conn, *, employer_id: UUID, first: Month, last: Month
) -> dict[Month, dict[str, tuple[int, Decimal]]]:
    """Claims of an employer's employees per calendar month and claim type, over the whole
    months `first` to `last`: count and paid total (unpaid claims count as 0 paid). A claim
    the provider replaced or voided is not counted: its correction, if any, is."""
    month = func.date_trunc("month", claims.c.service_date).label("month")
    stmt = (
        select(
            month,
            claims.c.claim_type,
            func.count().label("claim_count"),
            func.coalesce(func.sum(claims.c.paid_amount), 0).label("paid_total"),
        )
        .join(members, members.c.id == claims.c.member_id)
        .where(
            members.c.employer_id == employer_id,
            claims.c.service_date >= first.start,
            claims.c.service_date < last.shift(1).start,
            claims.c.deleted_at.is_(None),
            claims.c.status.not_in([s.value for s in SUPERSEDED_CLAIM_STATUSES]),
        )
        .group_by(month, claims.c.claim_type)
    )
    out: dict[Month, dict[str, tuple[int, Decimal]]] = {}
    for r in (await conn.execute(stmt)).mappings():
        key = Month.of(r["month"])
        out.setdefault(key, {})[r["claim_type"]] = (r["claim_count"], r["paid_total"])
    return out


_TOTAL = "all"  # the claim_type of a month's total in claims_summary_releases


async def released_summaries(
    conn, *, employer_id: UUID, first: Month, last: Month
) -> dict[Month, MonthSummary]:
    """The months `first` to `last` of an employer's summary that were already released."""
    rel = claims_summary_releases
    result = await conn.execute(
        select(rel).where(
            rel.c.employer_id == employer_id, rel.c.month >= first.start, rel.c.month <= last.start
        )
    )
    rows: dict[Month, dict[str, Cell]] = {}
    for r in result.mappings():
        kind = None if r["claim_type"] == _TOTAL else r["claim_type"]
        cell = Cell(kind, r["claim_count"], r["paid_total"], r["suppressed"])
        rows.setdefault(Month.of(r["month"]), {})[r["claim_type"]] = cell
    return {month: _summary(month, cells) for month, cells in rows.items()}


def _summary(month: Month, cells: dict[str, Cell]) -> MonthSummary:
    """A released month, its cells in the order of the claim types."""
    order = {t.value: i for i, t in enumerate(ClaimType)}
    by_type = sorted(
        (c for kind, c in cells.items() if kind != _TOTAL),
        key=lambda c: order.get(c.claim_type or "", len(order)),
    )
    return MonthSummary(month, cells[_TOTAL], tuple(by_type))


async def release_summaries(conn, *, employer_id: UUID, months: list[MonthSummary]) -> None:
    """Keep these months as released; a month some other request released first stays as it
    was (the first release wins, whole)."""
    rows = [
        {"employer_id": employer_id, "month": m.month.start,
         "claim_type": c.claim_type or _TOTAL, "claim_count": c.claim_count,
         "paid_total": c.paid_total, "suppressed": c.suppressed}
        for m in months
        for c in (m.total, *m.cells)
    ]  # fmt: skip
    if rows:
        await conn.execute(pg_insert(claims_summary_releases).values(rows).on_conflict_do_nothing())
