"""What a family has met of its deductible and out-of-pocket maximum, summed from claims.

Pricing (met_this_year) and eligibility count every adjudicated claim under the policy,
sensitive ones included: the member owes that cost sharing either way. What a reader is
shown (met_by_person with the reader's row rule) counts only the claims that reader may see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from uuid import UUID

from sqlalchemy import func, select, true

from db.tables import claims, dependents, policies

# statuses whose cost sharing counts toward the plan year's accumulators
SHARED = ("approved", "partially_approved", "paid")

Met = tuple[Decimal, Decimal]  # (deductible, out of pocket)


def _in_year(year_start: date, year_end: date):
    return (
        claims.c.status.in_(SHARED),
        claims.c.service_date >= year_start,
        claims.c.service_date < year_end,
    )


async def met_this_year(
    conn, *, policy_id: UUID, dependent_id: UUID | None, year_start: date, year_end: date
) -> tuple[Met, Met]:
    """(deductible, out-of-pocket) met so far in the plan year from adjudicated claims: by
    the person (the subscriber when `dependent_id` is None), and by the whole policy."""
    person = claims.c.dependent_id.is_not_distinct_from(dependent_id)
    result = await conn.execute(
        select(
            func.coalesce(func.sum(claims.c.deductible_applied).filter(person), 0),
            func.coalesce(func.sum(claims.c.member_responsibility).filter(person), 0),
            func.coalesce(func.sum(claims.c.deductible_applied), 0),
            func.coalesce(func.sum(claims.c.member_responsibility), 0),
        ).where(claims.c.policy_id == policy_id, *_in_year(year_start, year_end))
    )
    ded, oop, family_ded, family_oop = (Decimal(v) for v in result.one())
    return (ded, oop), (family_ded, family_oop)


async def met_by_person(
    conn, *, policy_ids: Iterable[UUID], year_start: date, year_end: date, condition=None
) -> dict[UUID, dict[UUID | None, Met]]:
    """Per policy, per person on it (None: the subscriber), what is met in the plan year,
    from the claims `condition` (a reader's row rule) lets through; all of them without."""
    rows = await conn.execute(
        select(
            claims.c.policy_id,
            claims.c.dependent_id,
            func.coalesce(func.sum(claims.c.deductible_applied), 0),
            func.coalesce(func.sum(claims.c.member_responsibility), 0),
        )
        .where(claims.c.policy_id.in_(set(policy_ids)), *_in_year(year_start, year_end))
        .where(condition if condition is not None else true())
        .group_by(claims.c.policy_id, claims.c.dependent_id)
    )
    out: dict[UUID, dict[UUID | None, Met]] = defaultdict(dict)
    for policy_id, dependent_id, ded, oop in rows:
        out[policy_id][dependent_id] = (Decimal(ded), Decimal(oop))
    return out


async def policy_terms(conn, policy_id: UUID):
    """A policy's row for pricing an eligibility answer, whoever asks: the caller has already
    established the asker's right to this member's coverage."""
    result = await conn.execute(select(policies).where(policies.c.id == policy_id))
    return result.mappings().one()


async def dependents_of(conn, member_id: UUID) -> set[UUID]:
    """Every dependent ever covered through the member, whoever may see them: the people a
    family's totals are summed over (never returned to a client, only counted against)."""
    rows = await conn.execute(select(dependents.c.id).where(dependents.c.member_id == member_id))
    return {r[0] for r in rows}
