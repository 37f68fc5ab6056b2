"""Policies: a member's coverage."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from graph import enums
from graph import loaders as ld
from graph.context import Info
from graph.fields import BUSINESS, classified
from graph.relay import Node
from graph.rows import build_optional, relation
from policies.resources import FieldView

if TYPE_CHECKING:
    from graph.member.types import Member

MemberRef = Annotated["Member", strawberry.lazy("graph.member.types")]


def _money(column: str):
    return classified(column, BUSINESS, "business", Decimal)


@strawberry.type(description="A member's coverage: plan, cost sharing, premium and dates.")
class Policy(Node):
    policy_number = classified("policy_number", BUSINESS, "record_number", str)
    plan_type = classified("plan_type", BUSINESS, "business", enums.PlanType)
    plan_name = classified("plan_name", BUSINESS, "business", str)
    coverage_level = classified("coverage_level", BUSINESS, "business", enums.CoverageLevel)
    deductible_individual = _money("deductible_individual")
    deductible_family = _money("deductible_family")
    out_of_pocket_max_individual = _money("out_of_pocket_max_individual")
    out_of_pocket_max_family = _money("out_of_pocket_max_family")
    coinsurance_percentage = classified("coinsurance_percentage", BUSINESS, "business", int)
    out_of_network_percentage = classified("out_of_network_percentage", BUSINESS, "business", int)
    primary_care_copay = _money("primary_care_copay")
    specialist_copay = _money("specialist_copay")
    emergency_copay = _money("emergency_copay")
    urgent_care_copay = _money("urgent_care_copay")
    rx_generic_copay = _money("rx_generic_copay")
    rx_brand_copay = _money("rx_brand_copay")
    rx_specialty_copay = _money("rx_specialty_copay")
    status = classified("status", BUSINESS, "business", enums.PolicyStatus)
    effective_date = classified("effective_date", BUSINESS, "record_date", date)
    termination_date = classified("termination_date", BUSINESS, "record_date", date)
    renewal_date = classified("renewal_date", BUSINESS, "record_date", date)
    monthly_premium = _money("monthly_premium")
    employer_contribution = _money("employer_contribution")
    employee_contribution = _money("employee_contribution")

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="Policy")

    @strawberry.field
    @relation(ld.MemberByIdLoader, "member_id")
    async def member(self, info: Info) -> MemberRef | None:
        from graph.member.types import Member

        row = await info.context.loader(ld.MemberByIdLoader).load(self._row["member_id"])
        return build_optional(Member, row)
