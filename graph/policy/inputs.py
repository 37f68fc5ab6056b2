"""What a client sends to create a policy and to change one mid-year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from graph import enums
from graph.member.inputs import UNSET
from graph.policy import coverage as cov
from graph.policy import terms as t

_AMOUNT = " Zero or more, at most two decimal places."


@strawberry.input(description="A member's coverage: plan, cost sharing, premium and dates.")
class CreatePolicyInput:
    member_id: strawberry.ID = strawberry.field(
        description="The subscriber to cover; an active member."
    )
    plan_type: enums.PlanType = strawberry.field(description=t.PLAN_TYPE)
    plan_name: str = strawberry.field(description=t.PLAN_NAME + " Required, trimmed.")
    coverage_level: enums.CoverageLevel = strawberry.field(description=t.COVERAGE_LEVEL)
    deductible_individual: Decimal = strawberry.field(
        description=t.DEDUCTIBLE + _AMOUNT + " No more than the out-of-pocket maximum."
    )
    out_of_pocket_max_individual: Decimal = strawberry.field(
        description=t.OUT_OF_POCKET_MAX + _AMOUNT
    )
    monthly_premium: Decimal = strawberry.field(
        description=t.MONTHLY_PREMIUM + " More than zero, at most two decimal places."
    )
    effective_date: date = strawberry.field(
        description=t.EFFECTIVE_DATE + " Not before the member's enrolment, and no day may "
        "fall under two of the member's policies."
    )
    termination_date: date | None = strawberry.field(
        default=None,
        description="The first day without coverage, after the effective date; open-ended if "
        "left out.",
    )
    renewal_date: date | None = strawberry.field(
        default=None,
        description="When the policy comes up for renewal, after the effective date; a plan "
        "year after it if left out.",
    )
    deductible_family: Decimal | None = strawberry.field(
        default=None,
        description=t.DEDUCTIBLE_FAMILY + " At least the individual deductible, at most the "
        "family out-of-pocket maximum.",
    )
    out_of_pocket_max_family: Decimal | None = strawberry.field(
        default=None,
        description=t.OUT_OF_POCKET_MAX_FAMILY + " At least the individual maximum.",
    )
    coinsurance_percentage: int = strawberry.field(
        default=80, description=t.COINSURANCE + " 80 if left out."
    )
    out_of_network_percentage: int = strawberry.field(
        default=60, description=t.OUT_OF_NETWORK + " 60 if left out."
    )
    primary_care_copay: Decimal | None = strawberry.field(
        default=None, description=t.PRIMARY_CARE_COPAY + _AMOUNT
    )
    specialist_copay: Decimal | None = strawberry.field(
        default=None, description=t.SPECIALIST_COPAY + _AMOUNT
    )
    emergency_copay: Decimal | None = strawberry.field(
        default=None, description=t.EMERGENCY_COPAY + _AMOUNT
    )
    urgent_care_copay: Decimal | None = strawberry.field(
        default=None, description=t.URGENT_CARE_COPAY + _AMOUNT
    )
    rx_generic_copay: Decimal | None = strawberry.field(
        default=None, description=t.RX_GENERIC_COPAY + _AMOUNT
    )
    rx_brand_copay: Decimal | None = strawberry.field(
        default=None, description=t.RX_BRAND_COPAY + _AMOUNT
    )
    rx_specialty_copay: Decimal | None = strawberry.field(
        default=None, description=t.RX_SPECIALTY_COPAY + _AMOUNT
    )
    employer_contribution: Decimal = strawberry.field(
        default=Decimal("0.00"),
        description=t.EMPLOYER_CONTRIBUTION + " At most the premium; 0 if left out.",
    )
    employee_contribution: Decimal | None = strawberry.field(
        default=None,
        description=t.EMPLOYEE_CONTRIBUTION + " Worked out if left out; if given, it must be "
        "exactly that.",
    )
    coverage_details: list[cov.CoveredServiceInput] | None = strawberry.field(
        default=None, description=cov.COVERAGE_DETAILS + " None recorded if left out."
    )
    exclusions: list[cov.PolicyExclusionInput] | None = strawberry.field(
        default=None, description=cov.EXCLUSIONS + " At most 50; none if left out."
    )
    network_restrictions: cov.NetworkRestrictionsInput | None = strawberry.field(
        default=None, description=cov.NETWORK_RESTRICTIONS + " None recorded if left out."
    )


_FIXED = (
    " Fixed for the plan year (the accumulators count against it): the value on record is "
    "accepted, another is refused with InvalidInput; renew the policy (renewPolicy) instead."
)
_LATER = " Prices the claims adjudicated from the change on; null clears it (coinsurance applies)."


@strawberry.input(
    description="The terms a plan changes mid-year: copays, premium and its split, renewal "
    "date. Fields left out stay as they are."
)
class UpdatePolicyInput:
    primary_care_copay: Decimal | None = strawberry.field(
        default=UNSET, description=t.PRIMARY_CARE_COPAY + _LATER
    )
    specialist_copay: Decimal | None = strawberry.field(
        default=UNSET, description=t.SPECIALIST_COPAY + _LATER
    )
    emergency_copay: Decimal | None = strawberry.field(
        default=UNSET, description=t.EMERGENCY_COPAY + _LATER
    )
    urgent_care_copay: Decimal | None = strawberry.field(
        default=UNSET, description=t.URGENT_CARE_COPAY + _LATER
    )
    rx_generic_copay: Decimal | None = strawberry.field(
        default=UNSET, description=t.RX_GENERIC_COPAY + _LATER
    )
    rx_brand_copay: Decimal | None = strawberry.field(
        default=UNSET, description=t.RX_BRAND_COPAY + _LATER
    )
    rx_specialty_copay: Decimal | None = strawberry.field(
        default=UNSET, description=t.RX_SPECIALTY_COPAY + _LATER
    )
    monthly_premium: Decimal | None = strawberry.field(
        default=UNSET,
        description=t.MONTHLY_PREMIUM + " More than zero; the employee's share is worked out "
        "again unless given.",
    )
    employer_contribution: Decimal | None = strawberry.field(
        default=UNSET, description=t.EMPLOYER_CONTRIBUTION + " At most the premium; null: 0."
    )
    employee_contribution: Decimal | None = strawberry.field(
        default=UNSET,
        description=t.EMPLOYEE_CONTRIBUTION + " Worked out if left out; if given, it must be "
        "exactly that.",
    )
    renewal_date: date | None = strawberry.field(
        default=UNSET,
        description="When the policy comes up for renewal, after the effective date; null: "
        "the effective date's first anniversary.",
    )
    deductible_individual: Decimal | None = strawberry.field(
        default=UNSET, description=t.DEDUCTIBLE + _FIXED
    )
    deductible_family: Decimal | None = strawberry.field(
        default=UNSET, description=t.DEDUCTIBLE_FAMILY + _FIXED
    )
    out_of_pocket_max_individual: Decimal | None = strawberry.field(
        default=UNSET, description=t.OUT_OF_POCKET_MAX + _FIXED
    )
    out_of_pocket_max_family: Decimal | None = strawberry.field(
        default=UNSET, description=t.OUT_OF_POCKET_MAX_FAMILY + _FIXED
    )
    coinsurance_percentage: int | None = strawberry.field(
        default=UNSET, description=t.COINSURANCE + _FIXED
    )
    out_of_network_percentage: int | None = strawberry.field(
        default=UNSET, description=t.OUT_OF_NETWORK + _FIXED
    )
    coverage_details: list[cov.CoveredServiceInput] | None = strawberry.field(
        default=UNSET, description=cov.COVERAGE_DETAILS + " Replaces the list; null clears it."
    )
    exclusions: list[cov.PolicyExclusionInput] | None = strawberry.field(
        default=UNSET, description=cov.EXCLUSIONS + " Replaces the list; null clears it."
    )
    network_restrictions: cov.NetworkRestrictionsInput | None = strawberry.field(
        default=UNSET, description=cov.NETWORK_RESTRICTIONS + " Null clears them."
    )


# input field (Python name) -> column: the same names
UPDATE_FIELDS = tuple(UpdatePolicyInput.__annotations__)


_KEPT = " Left out: as on the policy renewed."


@strawberry.input(
    description="The terms of the next plan year. Every field left out carries over from the "
    "policy renewed; deductibles, out-of-pocket maxima and coinsurance may change here."
)
class RenewPolicyInput:
    plan_type: enums.PlanType | None = strawberry.field(
        default=UNSET, description=t.PLAN_TYPE + _KEPT
    )
    plan_name: str | None = strawberry.field(default=UNSET, description=t.PLAN_NAME + _KEPT)
    coverage_level: enums.CoverageLevel | None = strawberry.field(
        default=UNSET, description=t.COVERAGE_LEVEL + _KEPT
    )
    deductible_individual: Decimal | None = strawberry.field(
        default=UNSET, description=t.DEDUCTIBLE + _KEPT
    )
    deductible_family: Decimal | None = strawberry.field(
        default=UNSET, description=t.DEDUCTIBLE_FAMILY + _KEPT + " Null: none."
    )
    out_of_pocket_max_individual: Decimal | None = strawberry.field(
        default=UNSET, description=t.OUT_OF_POCKET_MAX + _KEPT
    )
    out_of_pocket_max_family: Decimal | None = strawberry.field(
        default=UNSET, description=t.OUT_OF_POCKET_MAX_FAMILY + _KEPT + " Null: none."
    )
    coinsurance_percentage: int | None = strawberry.field(
        default=UNSET, description=t.COINSURANCE + _KEPT
    )
    out_of_network_percentage: int | None = strawberry.field(
        default=UNSET, description=t.OUT_OF_NETWORK + _KEPT
    )
    primary_care_copay: Decimal | None = strawberry.field(
        default=UNSET, description=t.PRIMARY_CARE_COPAY + _KEPT
    )
    specialist_copay: Decimal | None = strawberry.field(
        default=UNSET, description=t.SPECIALIST_COPAY + _KEPT
    )
    emergency_copay: Decimal | None = strawberry.field(
        default=UNSET, description=t.EMERGENCY_COPAY + _KEPT
    )
    urgent_care_copay: Decimal | None = strawberry.field(
        default=UNSET, description=t.URGENT_CARE_COPAY + _KEPT
    )
    rx_generic_copay: Decimal | None = strawberry.field(
        default=UNSET, description=t.RX_GENERIC_COPAY + _KEPT
    )
    rx_brand_copay: Decimal | None = strawberry.field(
        default=UNSET, description=t.RX_BRAND_COPAY + _KEPT
    )
    rx_specialty_copay: Decimal | None = strawberry.field(
        default=UNSET, description=t.RX_SPECIALTY_COPAY + _KEPT
    )
    monthly_premium: Decimal | None = strawberry.field(
        default=UNSET, description=t.MONTHLY_PREMIUM + _KEPT
    )
    employer_contribution: Decimal | None = strawberry.field(
        default=UNSET, description=t.EMPLOYER_CONTRIBUTION + _KEPT
    )
    employee_contribution: Decimal | None = strawberry.field(
        default=UNSET,
        description=t.EMPLOYEE_CONTRIBUTION + " Worked out (premium less the employer's share) "
        "if left out; if given, it must be exactly that.",
    )
    termination_date: date | None = strawberry.field(
        default=UNSET,
        description="The new policy's first day without coverage, after its effective date; "
        "open-ended if left out.",
    )
    renewal_date: date | None = strawberry.field(
        default=UNSET,
        description="When the new policy comes up for renewal; its first anniversary if left out.",
    )
    coverage_details: list[cov.CoveredServiceInput] | None = strawberry.field(
        default=UNSET, description=cov.COVERAGE_DETAILS + _KEPT + " Null: none."
    )
    exclusions: list[cov.PolicyExclusionInput] | None = strawberry.field(
        default=UNSET, description=cov.EXCLUSIONS + _KEPT + " Null: none."
    )
    network_restrictions: cov.NetworkRestrictionsInput | None = strawberry.field(
        default=UNSET, description=cov.NETWORK_RESTRICTIONS + _KEPT + " Null: none."
    )


RENEW_FIELDS = tuple(RenewPolicyInput.__annotations__)
