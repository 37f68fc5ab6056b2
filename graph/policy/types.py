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
from graph.policy import coverage as cov
from graph.policy.accumulators import PolicyAccumulators, accumulators_of
from graph.policy.terms import (
    COINSURANCE,
    COVERAGE_LEVEL,
    DEDUCTIBLE,
    DEDUCTIBLE_FAMILY,
    EFFECTIVE_DATE,
    EMERGENCY_COPAY,
    EMPLOYEE_CONTRIBUTION,
    EMPLOYER_CONTRIBUTION,
    MONTHLY_PREMIUM,
    OUT_OF_NETWORK,
    OUT_OF_POCKET_MAX,
    OUT_OF_POCKET_MAX_FAMILY,
    PLAN_NAME,
    PLAN_TYPE,
    PRIMARY_CARE_COPAY,
    RX_BRAND_COPAY,
    RX_GENERIC_COPAY,
    RX_SPECIALTY_COPAY,
    SPECIALIST_COPAY,
    URGENT_CARE_COPAY,
)
from graph.relay import Node
from graph.rows import build_optional, relation
from policies.resources import FieldView

if TYPE_CHECKING:
    from graph.member.types import Member

MemberRef = Annotated["Member", strawberry.lazy("graph.member.types")]


def _money(column: str, description: str):
    return classified(column, BUSINESS, "business", Decimal, description=description)


def _business(column: str, python_type, description: str):
    return classified(column, BUSINESS, "business", python_type, description=description)


@strawberry.type(description="A member's coverage: plan, cost sharing, premium and dates.")
class Policy(Node):
    policy_number = classified(
        "policy_number", BUSINESS, "record_number", str,
        description="The plan's policy number, POL- and eight digits, given when the policy "
        "is created.",
    )  # fmt: skip
    plan_type = _business("plan_type", enums.PlanType, PLAN_TYPE)
    plan_name = _business("plan_name", str, PLAN_NAME)
    coverage_level = _business("coverage_level", enums.CoverageLevel, COVERAGE_LEVEL)
    deductible_individual = _money("deductible_individual", DEDUCTIBLE)
    deductible_family = _money("deductible_family", DEDUCTIBLE_FAMILY)
    out_of_pocket_max_individual = _money("out_of_pocket_max_individual", OUT_OF_POCKET_MAX)
    out_of_pocket_max_family = _money("out_of_pocket_max_family", OUT_OF_POCKET_MAX_FAMILY)
    coinsurance_percentage = _business("coinsurance_percentage", int, COINSURANCE)
    out_of_network_percentage = _business("out_of_network_percentage", int, OUT_OF_NETWORK)
    primary_care_copay = _money("primary_care_copay", PRIMARY_CARE_COPAY)
    specialist_copay = _money("specialist_copay", SPECIALIST_COPAY)
    emergency_copay = _money("emergency_copay", EMERGENCY_COPAY)
    urgent_care_copay = _money("urgent_care_copay", URGENT_CARE_COPAY)
    rx_generic_copay = _money("rx_generic_copay", RX_GENERIC_COPAY)
    rx_brand_copay = _money("rx_brand_copay", RX_BRAND_COPAY)
    rx_specialty_copay = _money("rx_specialty_copay", RX_SPECIALTY_COPAY)
    status = _business(
        "status",
        enums.PolicyStatus,
        "Pending (covers no claim yet), active, terminated (ended early) or expired (past its "
        "termination date). Which days it covers follows its effective and termination dates.",
    )
    effective_date = classified(
        "effective_date", BUSINESS, "record_date", date, description=EFFECTIVE_DATE
    )
    termination_date = classified(
        "termination_date", BUSINESS, "record_date", date,
        description="First day without coverage; null while the policy is open-ended.",
    )  # fmt: skip
    renewal_date = classified(
        "renewal_date", BUSINESS, "record_date", date,
        description="When the policy comes up for renewal; a year after the effective date "
        "unless another date was set.",
    )  # fmt: skip
    monthly_premium = _money("monthly_premium", MONTHLY_PREMIUM)
    employer_contribution = _money("employer_contribution", EMPLOYER_CONTRIBUTION)
    employee_contribution = _money("employee_contribution", EMPLOYEE_CONTRIBUTION)
    coverage_details = classified(
        "coverage_details", BUSINESS, "business", list[cov.CoveredService],
        render=cov.render_benefits, description=cov.COVERAGE_DETAILS + " Null: none recorded.",
    )  # fmt: skip
    exclusions = classified(
        "exclusions", BUSINESS, "business", list[cov.PolicyExclusion],
        render=cov.render_exclusions, description=cov.EXCLUSIONS + " Null: none recorded.",
    )  # fmt: skip
    network_restrictions = classified(
        "network_restrictions", BUSINESS, "business", cov.NetworkRestrictions,
        render=cov.render_network,
        description=cov.NETWORK_RESTRICTIONS + " Null: none recorded.",
    )  # fmt: skip
    version = _business(
        "version",
        int,
        "Goes up by one with every change to the policy (updatePolicy, renewal, expiry). Pass "
        "it to updatePolicy: a policy changed since answers RecordChanged.",
    )

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="Policy")

    @strawberry.field(
        description="Deductible and out-of-pocket maximum, met and remaining, for each person "
        "on the policy you may see and for the family, in one plan year. Members see their "
        "own (and their minor or consenting adult dependents'), dependents their own, plan "
        "staff all; providers ask `eligibility` instead."
    )
    async def accumulators(
        self,
        info: Info,
        plan_year: Annotated[
            int | None,
            strawberry.argument(
                description="The calendar year the plan year starts in (plan years start on the "
                "effective date's anniversary); left out, the plan year that includes today."
            ),
        ] = None,
    ) -> PolicyAccumulators:
        return await accumulators_of(info, self._row, plan_year)

    @strawberry.field(
        description="The policy this one renews: the same coverage in the plan year before, "
        "whose claims keep that year's terms; null for a first policy, or one you may not see."
    )
    @relation(ld.PolicyByIdLoader, "renews_policy_id")
    async def renews(self, info: Info) -> Policy | None:
        return await _policy(info, self._row["renews_policy_id"])

    @strawberry.field(
        description="The policy that renews this one for the next plan year (renewPolicy), "
        "starting the day this one ends; null until it is renewed, or if you may not see it."
    )
    @relation(ld.PolicyByIdLoader, "renewed_by_policy_id")
    async def renewed_by(self, info: Info) -> Policy | None:
        return await _policy(info, self._row["renewed_by_policy_id"])

    @strawberry.field(
        description="The subscriber who holds the policy; null if you may not see them."
    )
    @relation(ld.MemberByIdLoader, "member_id")
    async def member(self, info: Info) -> MemberRef | None:
        from graph.member.types import Member

        row = await info.context.loader(ld.MemberByIdLoader).load(self._row["member_id"])
        return build_optional(Member, row)


async def _policy(info: Info, policy_id) -> Policy | None:
    if policy_id is None:
        return None
    return build_optional(Policy, await info.context.loader(ld.PolicyByIdLoader).load(policy_id))
