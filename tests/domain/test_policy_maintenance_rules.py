"""The rules of a policy's maintenance without a database: what changes mid-year, where a
renewal starts, and what coverage details are accepted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from domain import coverage, policy_terms
from domain.errors import DomainError

POLICY = {
    "status": "active", "effective_date": date(2026, 3, 15),
    "deductible_individual": D("500.00"), "deductible_family": None,
    "out_of_pocket_max_individual": D("3000.00"), "out_of_pocket_max_family": None,
    "coinsurance_percentage": 80, "out_of_network_percentage": 60,
    "primary_care_copay": D("25.00"), "specialist_copay": None, "emergency_copay": None,
    "urgent_care_copay": None, "rx_generic_copay": D("10.00"), "rx_brand_copay": None,
    "rx_specialty_copay": None, "monthly_premium": D("650.00"),
    "employer_contribution": D("455.00"), "employee_contribution": D("195.00"),
    "renewal_date": date(2027, 3, 15),
}  # fmt: skip


def _field(exc: pytest.ExceptionInfo) -> str | None:
    return exc.value.field


@pytest.mark.parametrize(
    ("column", "value", "field"),
    [
        ("deductible_individual", "600.00", "deductibleIndividual"),
        ("deductible_family", "1000.00", "deductibleFamily"),
        ("out_of_pocket_max_family", "8000", "outOfPocketMaxFamily"),
        ("coinsurance_percentage", 70, "coinsurancePercentage"),
    ],
)
def test_plan_year_limits_are_refused_mid_year(column, value, field):
    with pytest.raises(DomainError) as exc:
        policy_terms.refuse_plan_year_limits({column: value}, POLICY)
    assert _field(exc) == field and "renewPolicy" in str(exc.value)


def test_the_same_limit_sent_again_is_no_change():
    policy_terms.refuse_plan_year_limits(
        {"deductible_individual": "500", "deductible_family": None}, POLICY
    )


def test_a_premium_change_works_the_employee_share_out_again():
    assert policy_terms.changed_terms({"monthly_premium": D("700")}, POLICY, has_employer=True) == {
        "monthly_premium": D("700.00"),
        "employee_contribution": D("245.00"),
    }
    with pytest.raises(DomainError) as exc:
        policy_terms.changed_terms({"employer_contribution": D("100")}, POLICY, has_employer=False)
    assert _field(exc) == "employerContribution"


def test_a_copay_cleared_or_unchanged():
    assert policy_terms.changed_terms(
        {"primary_care_copay": None, "rx_generic_copay": D("10")}, POLICY, has_employer=True
    ) == {"primary_care_copay": None}


@pytest.mark.parametrize(
    ("today", "starts"),
    [
        (date(2026, 1, 10), date(2027, 3, 15)),  # not yet in force: after its first year
        (date(2026, 9, 1), date(2027, 3, 15)),
        (date(2027, 3, 14), date(2027, 3, 15)),
        (date(2027, 3, 15), date(2028, 3, 15)),  # the second plan year has begun
    ],
)
def test_a_renewal_starts_at_the_end_of_the_current_plan_year(today, starts):
    assert policy_terms.renewal_start(date(2026, 3, 15), today=today) == starts


def test_a_renewed_policy_or_one_ending_early_is_not_renewed():
    with pytest.raises(DomainError, match="already been renewed"):
        policy_terms.check_renewable(renewed_by="x", termination=None, starts=date(2027, 1, 1))
    with pytest.raises(DomainError, match="before its plan year"):
        policy_terms.check_renewable(
            renewed_by=None, termination=date(2026, 12, 1), starts=date(2027, 1, 1)
        )
    policy_terms.check_renewable(
        renewed_by=None, termination=date(2027, 1, 1), starts=date(2027, 1, 1)
    )


def test_coverage_details_are_cleaned_and_checked():
    assert coverage.benefits([{"category": "vision", "covered": True, "note": " yearly "}]) == [
        {"category": "vision", "covered": True, "prior_authorization_required": False,
         "visit_limit": None, "note": "yearly"}
    ]  # fmt: skip
    with pytest.raises(DomainError) as exc:
        coverage.benefits([{"category": "vision", "covered": True, "visit_limit": 367}])
    assert _field(exc) == "coverageDetails[0].visitLimit"
    assert coverage.network(
        {"out_of_network": "covered", "service_area": ["nv", "CA", "NV"]}
    ) == {"out_of_network": "covered", "referral_required": False,
          "primary_care_provider_required": False, "service_area": ["CA", "NV"]}  # fmt: skip
    with pytest.raises(DomainError) as exc:
        coverage.exclusions([{"description": "x" * 501}])
    assert _field(exc) == "exclusions[0].description"
