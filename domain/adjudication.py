"""Adjudication: approve, partially approve (per line) or deny, and what it costs whom."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.costshare import Accumulators, CostShare, Line, Plan, allowed_amounts, share
from domain.errors import DomainError

_CARC = re.compile(r"^(?:[1-9]\d{0,2}|[A-Z]\d{1,2})$")  # X12 claim adjustment reason codes


class Decision(StrEnum):
    APPROVE = "approve"
    PARTIALLY_APPROVE = "partially_approve"
    DENY = "deny"


STATUS = {
    Decision.APPROVE: "approved",
    Decision.PARTIALLY_APPROVE: "partially_approved",
    Decision.DENY: "denied",
}


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str
    cost: CostShare | None  # None for a denial


def plan_year(effective: date, on: date) -> tuple[date, date]:
    """The plan year (from the policy's anniversary) that contains `on`: [start, end)."""
    start = _anniversary(effective, on.year)
    if start > on:
        start = _anniversary(effective, on.year - 1)
    return start, _anniversary(effective, start.year + 1)


def plan_year_starting(effective: date, year: int) -> tuple[date, date]:
    """The plan year that starts in calendar year `year`: [start, end)."""
    return _anniversary(effective, year), _anniversary(effective, year + 1)


def _anniversary(effective: date, year: int) -> date:
    day = min(effective.day, 28) if effective.month == 2 else effective.day
    return date(year, effective.month, day)


def decide(
    decision: Decision | str,
    *,
    lines: Sequence[Line],
    covered_lines: Sequence[int] | None,
    in_network: bool,
    fee_schedule: Mapping[str, Decimal],
    plan: Plan,
    met: Accumulators,
    denial_code: str | None,
    denial_reason: str | None,
    family: Accumulators | None = None,
    line_copays: Sequence[Decimal | None] | None = None,
    preventive: bool = False,
    reason_codes: frozenset[str] | None = None,
) -> Outcome:
    """The claim's new status and cost sharing, or DomainError naming the input at fault.
    `reason_codes`: the adjustment reason codes the plan uses (None: format only)."""
    decision = Decision(decision)
    if decision is Decision.DENY:
        if not denial_code or not _CARC.match(denial_code.strip().upper()):
            raise DomainError(
                "A denial needs a claim adjustment reason code, such as 50 or 197.",
                field="denialCode",
            )
        if reason_codes is not None and denial_code.strip().upper() not in reason_codes:
            raise DomainError(
                f"{denial_code.strip()[:8]} is not an adjustment reason code the plan uses; "
                "see adjustmentReasons.",
                field="denialCode",
            )
        if not denial_reason or not denial_reason.strip():
            raise DomainError("A denial needs an explanation the member can read.",
                              field="denialReason")  # fmt: skip
        return Outcome(STATUS[decision], None)
    allowed = allowed_amounts(lines, in_network=in_network, fee_schedule=fee_schedule, plan=plan)
    if decision is Decision.PARTIALLY_APPROVE:
        chosen = set(covered_lines or ())
        numbers = set(range(1, len(lines) + 1))
        if not chosen or not chosen < numbers:
            raise DomainError(
                "A partial approval covers some lines but not all: list their numbers.",
                field="coveredLines",
            )
        if chosen - numbers:
            raise DomainError("Those line numbers are not on this claim.", field="coveredLines")
        allowed = [a if n in chosen else Decimal("0.00") for n, a in enumerate(allowed, 1)]
    for line, amount in zip(lines, allowed, strict=True):
        if amount > line.billed:  # guaranteed by pricing; a rule all the same
            raise DomainError("An allowed amount cannot exceed the billed amount.")
    cost = share(allowed, plan=plan, met=met, family=family, preventive=preventive,
                 line_copays=line_copays)  # fmt: skip
    return Outcome(STATUS[decision], cost)


PRIMARY_CARE = {"Family Medicine", "Internal Medicine", "Pediatrics", "General Practice"}


def applicable_copay(
    *,
    place_of_service: str | None,
    procedure_codes: Sequence[str],
    specialty: str | None,
    copays: Mapping[str, Decimal | None],
) -> Decimal | None:
    """Which of the policy's copays applies: the ER, or an office visit (primary care or
    specialist); other services go to coinsurance."""
    if place_of_service == "23":
        return copays.get("emergency")
    if place_of_service == "20":
        return copays.get("urgent_care")
    if any(code.startswith("992") for code in procedure_codes):
        return copays.get("primary_care" if specialty in PRIMARY_CARE else "specialist")
    return None


RX_COPAY = {"generic": "rx_generic_copay", "brand": "rx_brand_copay",
            "specialty": "rx_specialty_copay"}  # fmt: skip


def prescription_copays(
    claim_type: str, tiers: Sequence[str | None], policy: Mapping[str, Any]
) -> list[Decimal | None] | None:
    """Per line of a pharmacy claim, the policy's copay for the drug's tier (None: the line
    takes the deductible and coinsurance, as a line without a tier or a policy without that
    copay does). None for any other claim."""
    if claim_type != "pharmacy":
        return None
    return [policy.get(RX_COPAY[tier]) if tier else None for tier in tiers]


def plan_terms(policy: Mapping[str, Any], *, copay: Decimal | None) -> Plan:
    """The cost-sharing terms of a policy row: each person's limits and, when the policy
    covers more than the subscriber, the family's."""
    family = policy["coverage_level"] != "individual"
    return Plan(
        deductible=policy["deductible_individual"],
        out_of_pocket_max=policy["out_of_pocket_max_individual"],
        coinsurance_percentage=policy["coinsurance_percentage"],
        out_of_network_percentage=policy["out_of_network_percentage"],
        copay=copay,
        family_deductible=policy["deductible_family"] if family else None,
        family_out_of_pocket_max=policy["out_of_pocket_max_family"] if family else None,
    )
