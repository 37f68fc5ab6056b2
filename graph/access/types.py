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
    reason = classified(
        "reason", BUSINESS, "business", str,
        description="Why the user needed emergency access, in their own words (at least ten "
        "letters).",
    )  # fmt: skip
    opened_at = classified(
        "opened_at", BUSINESS, "business", datetime, description="When it was opened."
    )
    expires_at = classified(
        "expires_at", BUSINESS, "business", datetime,
        description="When it stops lifting restrictions: 60 minutes after it was opened.",
    )  # fmt: skip
    reviewed_at = classified(
        "reviewed_at", BUSINESS, "business", datetime,
        description="When an auditor closed its review; null while it waits in the queue.",
    )  # fmt: skip
    review_note = classified(
        "review_note", BUSINESS, "business", str,
        description="The auditor's note on closing the review; null until then.",
    )  # fmt: skip
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
    granted_at: datetime | None = strawberry.field(
        description="When the consent on record was given; null once it is revoked."
    )
    revoked: bool = strawberry.field(
        description="True when the dependent has withdrawn consent; false while it is on record."
    )


@strawberry.type(
    description="Claims of one claim type in one calendar month: under 11 claims, or needed to "
    "protect another cell, the figures are withheld (suppressed)."
)
class ClaimsSummaryCell:
    claim_type: str = strawberry.field(
        description="The claim type: medical, dental, vision, pharmacy or mental_health."
    )
    claim_count: int | None = strawberry.field(description="Null when suppressed.")
    paid_total: Decimal | None = strawberry.field(
        description="Paid, rounded to the nearest 100 (half up); null when suppressed."
    )
    suppressed: bool = strawberry.field(
        description="Whether the figures are withheld: a count from 1 to 10, or a cell hidden "
        "so that no withheld count follows from the month's total."
    )


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
    suppressed: bool = strawberry.field(
        description="Whether the month's total figures are withheld."
    )
    cells: list[ClaimsSummaryCell] = strawberry.field(
        description="One cell per claim type, always all of them in the same order, zeros too."
    )

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
