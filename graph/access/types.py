"""Access records as GraphQL types: break-glass grants, consents, claim aggregates."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain.aggregates import MonthSummary
from graph import loaders as ld
from graph.context import Info
from graph.fields import BUSINESS, classified
from graph.relay import Node
from graph.rows import build_optional
from policies.resources import FieldView

if TYPE_CHECKING:
    from graph.member.types import Dependent, Member

MemberRef = Annotated["Member", strawberry.lazy("graph.member.types")]
DependentRef = Annotated["Dependent", strawberry.lazy("graph.member.types")]


@strawberry.type(description="Emergency access to one member, open for 60 minutes, reviewed.")
class BreakGlassGrant(Node):
    reason = classified("reason", BUSINESS, "business", str)
    opened_at = classified("opened_at", BUSINESS, "business", datetime)
    expires_at = classified("expires_at", BUSINESS, "business", datetime)
    reviewed_at = classified("reviewed_at", BUSINESS, "business", datetime)
    review_note = classified("review_note", BUSINESS, "business", str)
    active = classified(
        "expires_at",
        BUSINESS,
        "business",
        bool,
        description="Whether the grant still lifts restrictions now.",
        render=lambda expires, row: datetime.now(expires.tzinfo) < expires,
    )

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="BreakGlassGrant")

    @strawberry.field(description="The user who opened it (by email).")
    async def opened_by(self, info: Info) -> str | None:
        row = await info.context.loader(ld.UserByIdLoader).load(self._row["user_id"])
        return None if row is None else row["email"]

    @strawberry.field(description="The member it opened, if you may see that member.")
    async def member(self, info: Info) -> MemberRef | None:
        from graph.member.types import Member

        row = await info.context.loader(ld.MemberByIdLoader).load(self._row["member_id"])
        return build_optional(Member, row)


@strawberry.type(description="Consent an adult dependent gave the subscriber.")
class Consent:
    granted_at: datetime | None
    revoked: bool


@strawberry.type(
    description="Claims of one claim type in one calendar month: under 11 claims, or needed to "
    "protect another cell, the figures are withheld (suppressed)."
)
class ClaimsSummaryCell:
    claim_type: str
    claim_count: int | None = strawberry.field(description="Null when suppressed.")
    paid_total: Decimal | None = strawberry.field(
        description="Paid, rounded to the nearest 100 (half up); null when suppressed."
    )
    suppressed: bool


@strawberry.type(
    description="One calendar month of an employer's claims summary: the month's total and one "
    "cell per claim type (all of them, zeros too). Released once the month is closed and its "
    "run-out has passed, and never revised."
)
class ClaimsSummaryMonth:
    month: str = strawberry.field(description="YYYY-MM.")
    claim_count: int | None = strawberry.field(
        description="Claims of the month, all types; null when suppressed (under 11)."
    )
    paid_total: Decimal | None = strawberry.field(
        description="Paid in the month, rounded to the nearest 100; null when suppressed."
    )
    suppressed: bool
    cells: list[ClaimsSummaryCell]

    @classmethod
    def of(cls, summary: MonthSummary) -> ClaimsSummaryMonth:
        total = summary.total
        return cls(
            month=str(summary.month),
            claim_count=total.claim_count,
            paid_total=total.paid_total,
            suppressed=total.suppressed,
            cells=[
                ClaimsSummaryCell(
                    claim_type=c.claim_type or "",
                    claim_count=c.claim_count,
                    paid_total=c.paid_total,
                    suppressed=c.suppressed,
                )
                for c in summary.cells
            ],
        )
