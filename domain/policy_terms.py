"""A policy's terms changed mid-year, and a policy renewed into a new plan year.

The deductibles, out-of-pocket maxima and coinsurance are fixed for a plan year: the
accumulators (db/accumulators.py, domain/costshare.py) count every claim of the year against
them, so changing them mid-year would price one year's claims under different limits. They
change at renewal, which starts a new policy row for the new plan year: claims and
accumulators belong to one policy and its plan years, and the old year's terms stay with its
claims. Copays, the premium and its split, and the renewal date may change mid-year; a copay
change prices the claims adjudicated from then on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from domain import enrolment
from domain.adjudication import plan_year
from domain.enums import PolicyStatus as P
from domain.errors import DomainError

# column -> input field: counted against all plan year, changed only by renewing
FIXED_FOR_PLAN_YEAR = {
    "deductible_individual": "deductibleIndividual",
    "deductible_family": "deductibleFamily",
    "out_of_pocket_max_individual": "outOfPocketMaxIndividual",
    "out_of_pocket_max_family": "outOfPocketMaxFamily",
    "coinsurance_percentage": "coinsurancePercentage",
    "out_of_network_percentage": "outOfNetworkPercentage",
}

COPAYS = {
    "primary_care_copay": "primaryCareCopay",
    "specialist_copay": "specialistCopay",
    "emergency_copay": "emergencyCopay",
    "urgent_care_copay": "urgentCareCopay",
    "rx_generic_copay": "rxGenericCopay",
    "rx_brand_copay": "rxBrandCopay",
    "rx_specialty_copay": "rxSpecialtyCopay",
}

PREMIUM = {
    "monthly_premium": "monthlyPremium",
    "employer_contribution": "employerContribution",
    "employee_contribution": "employeeContribution",
}

# column -> input field of what updatePolicy may change
CHANGEABLE = COPAYS | PREMIUM | {"renewal_date": "renewalDate"}


def check_changeable(status: P | str) -> None:
    """Only a policy still in force has terms to change."""
    if P(status) != P.ACTIVE:
        raise DomainError(
            "The policy is {status}: only an {active} policy's terms change.",
            field="policyId",
            terms={"status": P(status), "active": P.ACTIVE},
        )


def refuse_plan_year_limits(sent: dict[str, Any], current: dict[str, Any]) -> None:
    """A deductible, out-of-pocket maximum or coinsurance sent with another value than the
    policy's is refused: those change by renewing (the same value sent is no change)."""
    for column, field in FIXED_FOR_PLAN_YEAR.items():
        if column not in sent:
            continue
        value = sent[column]
        if not column.endswith("_percentage"):
            value = enrolment.amount(value, field=field)
        if value != current[column]:
            raise DomainError(
                f"{field} is counted against for the whole plan year, so it cannot change "
                "mid-year: renew the policy (renewPolicy) with the new terms for the next "
                "plan year.",
                field=field,
            )


def changed_terms(
    sent: dict[str, Any], current: dict[str, Any], *, has_employer: bool
) -> dict[str, Any]:
    """The columns to write from what was sent (copays, premium and split, renewal date),
    each checked; the contributions still add up to the premium. Only those that differ."""
    values: dict[str, Any] = {}
    for column, field in COPAYS.items():
        if column in sent:
            values[column] = enrolment.amount(sent[column], field=field)
    if any(c in sent for c in PREMIUM):
        monthly = sent.get("monthly_premium", current["monthly_premium"])
        if monthly is None:
            raise DomainError("A policy always has a monthly premium.", field="monthlyPremium")
        employer = sent.get("employer_contribution", current["employer_contribution"])
        premium = enrolment.premium_split(
            enrolment.amount(monthly, field="monthlyPremium"),
            enrolment.amount(employer or Decimal("0"), field="employerContribution"),
            enrolment.amount(sent.get("employee_contribution"), field="employeeContribution"),
            has_employer=has_employer,
        )
        values |= {
            "monthly_premium": premium.monthly,
            "employer_contribution": premium.employer,
            "employee_contribution": premium.employee,
        }
    if "renewal_date" in sent:
        renewal = sent["renewal_date"] or enrolment.first_renewal(current["effective_date"])
        enrolment.check_renewal(current["effective_date"], renewal)
        values["renewal_date"] = renewal
    return {c: v for c, v in values.items() if v != current[c]}


# --- renewal ---------------------------------------------------------------------------


def renewal_start(effective: date, *, today: date) -> date:
    """The new policy's first day: the end of the old policy's current plan year (its
    anniversary). A policy not yet in force renews at the end of its first plan year."""
    return plan_year(effective, max(effective, today))[1]


def check_renewable(*, renewed_by: Any, termination: date | None, starts: date) -> None:
    """A policy is renewed once, and only one still in force on its anniversary."""
    if renewed_by is not None:
        raise DomainError(
            "The policy has already been renewed: change the renewal instead.",
            field="policyId",
        )
    if termination is not None and termination < starts:
        raise DomainError(
            f"The policy ends on {termination}, before its plan year does ({starts}): there is "
            "no plan year to continue. Create a new policy instead.",
            field="policyId",
        )
