"""Policies: a member's coverage."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry

from graph import enums
from graph import loaders as ld
from graph.context import Info
from graph.relay import Node
from graph.rows import build_optional

if TYPE_CHECKING:
    from graph.member.types import Member

MemberRef = Annotated["Member", strawberry.lazy("graph.member.types")]


@strawberry.type(description="A member's coverage: plan, cost sharing, premium and dates.")
class Policy(Node):
    policy_number: str
    plan_type: enums.PlanType
    plan_name: str
    coverage_level: enums.CoverageLevel
    deductible_individual: Decimal
    deductible_family: Decimal | None
    out_of_pocket_max_individual: Decimal
    out_of_pocket_max_family: Decimal | None
    coinsurance_percentage: int
    out_of_network_percentage: int
    primary_care_copay: Decimal | None
    specialist_copay: Decimal | None
    emergency_copay: Decimal | None
    urgent_care_copay: Decimal | None
    rx_generic_copay: Decimal | None
    rx_brand_copay: Decimal | None
    rx_specialty_copay: Decimal | None
    status: enums.PolicyStatus
    effective_date: date
    termination_date: date | None
    renewal_date: date | None
    monthly_premium: Decimal
    employer_contribution: Decimal
    employee_contribution: Decimal | None
    member_id: strawberry.Private[UUID]

    @strawberry.field
    async def member(self, info: Info) -> MemberRef | None:
        from graph.member.types import Member

        row = await info.context.loader(ld.MemberByIdLoader).load(self.member_id)
        return build_optional(Member, row)
