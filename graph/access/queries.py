"""The auditor's break-glass review queue and the employer's claims aggregates."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from db import access as access_db
from db.repos import Order
from domain.access import Compare
from domain.aggregates import Month, MonthSummary, release_month, requested_months
from domain.errors import DomainError
from graph.access.types import BreakGlassGrant, ClaimsSummaryMonth
from graph.context import Info
from graph.errors import Forbidden, from_domain
from graph.listing import Listing
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
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        open: Annotated[
            bool,
            strawberry.argument(
                description="True: only openings the auditor has not reviewed yet; false: only "
                "reviewed ones."
            ),
        ] = True,
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
        description="Claims of an employer's employees per calendar month and claim type, "
        "with each month's total: counts and paid totals (rounded to the nearest 100). A cell "
        "under 11 claims is suppressed, and so are complementary cells, so that no suppressed "
        "figure follows from the totals. Only whole months that are closed and past their "
        "run-out are published, each released once and never revised. Employers see no claim "
        "one by one."
    )
    async def claims_summary(
        self,
        info: Info,
        employer_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The employer (global id); its own portal users and plan staff only."
            ),
        ],
        from_month: Annotated[
            str | None,
            strawberry.argument(description="The first month, YYYY-MM (default: 11 before)."),
        ] = None,
        to_month: Annotated[
            str | None,
            strawberry.argument(description="The last month, YYYY-MM (default: the newest)."),
        ] = None,
    ) -> list[ClaimsSummaryMonth]:
        employer = await by_global_id(info, employer_id, expected="Employer")
        principal = info.context.principal
        if not info.context.authorizer.allowed(
            principal, "read_claims_summary", res.Employer(**employer._row)
        ):
            raise Forbidden("You may not read this employer's claims summary.")
        months = summary_range(info.context, from_month, to_month)
        released = await summary_months(info.context, employer.db_id, months)
        return [ClaimsSummaryMonth.of(m) for m in released]


def summary_range(ctx, first: str | None, last: str | None) -> list[Month]:
    """The released months an answer covers (BAD_USER_INPUT naming the month at fault)."""
    try:
        return requested_months(
            first, last, today=ctx.today, runout=ctx.settings.claims_summary_runout_months
        )
    except DomainError as exc:
        raise from_domain(exc) from None


async def summary_months(ctx, employer_id: UUID, months: list[Month]) -> list[MonthSummary]:
    """These months of an employer's summary as released: a month asked for the first time is
    computed over the whole month, protected, and kept; later answers read what was kept."""
    if not months:
        return []
    first, last = months[0], months[-1]
    released = await access_db.released_summaries(
        ctx.db, employer_id=employer_id, first=first, last=last
    )
    missing = [m for m in months if m not in released]
    if missing:
        figures = await access_db.claims_summary(
            ctx.db, employer_id=employer_id, first=missing[0], last=missing[-1]
        )
        made = [release_month(m, figures.get(m, {})) for m in missing]
        async with ctx.db.unit_of_work() as db:
            await access_db.release_summaries(db, employer_id=employer_id, months=made)
        # read back: where another request released a month first, its release stands
        released = await access_db.released_summaries(
            ctx.db, employer_id=employer_id, first=first, last=last
        )
    return [released[m] for m in months]
