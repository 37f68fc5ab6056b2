"""The auditor's break-glass review queue and the employer's claims aggregates."""

from __future__ import annotations

from datetime import date, timedelta

import strawberry

from db import access as access_db
from db.repos import Order
from domain.access import Compare
from domain.aggregates import suppress
from graph.access.types import BreakGlassGrant, ClaimsSummaryCell
from graph.context import Info
from graph.errors import Forbidden
from graph.listing import Listing, date_range
from graph.lookup import by_global_id
from graph.relay import Connection
from graph.rows import build
from policies import resources as res

REVIEWS = Listing("break_glass_grant", [Order("opened_at")])


@strawberry.type
class AccessQueries:
    @strawberry.field(
        description="Break-glass openings, oldest first; open reviews only by default."
    )
    async def break_glass_reviews(
        self, info: Info, first: int = 20, after: str | None = None, open: bool = True
    ) -> Connection[BreakGlassGrant]:
        extra = Compare("reviewed_at", "is_null" if open else "not_null")
        return await REVIEWS.top_level(
            info.context,
            lambda r: build(BreakGlassGrant, r),
            first=first,
            after=after,
            extra=extra,
        )

    @strawberry.field(
        description="Claims of an employer's employees per month and claim type: counts and "
        "paid totals, with every cell under 11 claims suppressed. Employers see no claim "
        "one by one."
    )
    async def claims_summary(
        self,
        info: Info,
        employer_id: strawberry.ID,
        service_date_from: date | None = None,
        service_date_to: date | None = None,
    ) -> list[ClaimsSummaryCell]:
        employer = await by_global_id(info, employer_id, expected="Employer")
        principal = info.context.principal
        if not info.context.authorizer.allowed(
            principal, "read_claims_summary", res.Employer(**employer._row)
        ):
            raise Forbidden("You may not read this employer's claims summary.")
        return await summary_cells(
            info.context, employer.db_id, start=service_date_from, end=service_date_to
        )


async def summary_cells(ctx, employer_id, *, start: date | None, end: date | None):
    """The suppressed aggregates of one employer over a range (default: the last year)."""
    end = end or ctx.today
    start = start or (end - timedelta(days=365))
    date_range("service_date", start, end, field="serviceDate")  # refuses a reversed range
    rows = await access_db.claims_summary(ctx.db, employer_id=employer_id, start=start, end=end)
    cells = [suppress(r["month"], r["claim_type"], r["claim_count"], r["paid_total"]) for r in rows]
    return [
        ClaimsSummaryCell(
            month=c.month,
            claim_type=c.claim_type,
            claim_count=c.claim_count,
            paid_total=c.paid_total,
            suppressed=c.suppressed,
        )
        for c in cells
    ]
