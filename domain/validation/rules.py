"""The rules the plan starts with, and running rules over a draft: findings, whether they
refuse the claim, what they flag on it, and checking a rule's changed thresholds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from domain.enums import Severity
from domain.errors import DomainError
from domain.money import CENT
from domain.validation.model import CHECKS, Draft, Facts, Finding, Rule


def _rule(name, category, severity, description, **condition) -> Rule:
    return Rule(name, category, Severity(severity), condition, description=description)


# The rules the plan starts with (DOMAIN.md, Validation); the database holds the live copy.
DEFAULT_RULES: tuple[Rule, ...] = (
    _rule("lines_present", "format", "error", "At least one and at most max_lines lines.",
          max_lines=50),
    _rule("diagnosis_present", "coding", "error", "One to max_codes distinct diagnoses.",
          max_codes=12),
    _rule("diagnosis_code_valid", "coding", "error", "ICD-10-CM format and billable code."),
    _rule("procedure_code_valid", "coding", "error", "CPT/HCPCS format and modifiers."),
    _rule("units_positive", "amounts", "error", "Units from 1 to max_units.", max_units=999),
    _rule("amount_valid", "amounts", "error", "Charges positive with two decimal places."),
    _rule("amount_review_threshold", "amounts", "warning",
          "Billed above amount goes to manual review.", amount="10000.00"),
    _rule("diagnosis_pointers_valid", "coding", "error", "Line pointers name a diagnosis."),
    _rule("place_of_service_valid", "coding", "error", "A CMS place-of-service code.",
          required=True),
    _rule("service_date_not_future", "dates", "error", "No service date in the future."),
    _rule("timely_filing", "dates", "error", "Filed within days of service.", days=365),
    _rule("patient_found", "eligibility", "error", "The member number and birth date match."),
    _rule("member_eligible", "eligibility", "error", "Member enrolled on the service date."),
    _rule("dependent_eligible", "eligibility", "error",
          "Dependent covered (and not aged out) on the service date."),
    _rule("policy_covers_date", "eligibility", "error", "A policy covers the service date."),
    _rule("provider_npi_valid", "network", "error", "Provider active with a valid NPI."),
    _rule("provider_credentialed", "network", "error",
          "A verified, unexpired credential on the service date."),
    _rule("provider_in_network", "network", "warning",
          "An active contract on the service date, else out-of-network pricing."),
    _rule("duplicate_claim", "duplicate", "error",
          "Same patient, provider, service date and procedures already on file."),
)  # fmt: skip


def evaluate(rules: Sequence[Rule], draft: Draft, facts: Facts) -> list[Finding]:
    """Every finding of the enabled rules, in rule order. A rule naming no known check is
    skipped (a newer server may know it)."""
    findings: list[Finding] = []
    for rule in rules:
        fn = CHECKS.get(rule.name)
        if not rule.enabled or fn is None:
            continue
        for message, at in fn(draft, facts, rule.condition):
            findings.append(Finding(rule.name, rule.severity, message, at))
    return findings


def refuses(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def flags(findings: Iterable[Finding]) -> dict[str, bool]:
    """What the kept (non-refusing) findings mark on the claim."""
    rules = {f.rule for f in findings}
    return {
        "requires_manual_review": "amount_review_threshold" in rules,
        "is_duplicate": "duplicate_claim" in rules,
    }


def check_condition(rule: Rule, condition: Mapping[str, Any]) -> dict[str, Any]:
    """The rule's thresholds after a change: only keys the rule knows, each of its kind and
    in a sensible range (an amount as a decimal string with cents, a count as a whole
    number from 1 to 100,000, a switch as true or false)."""
    known = next((r.condition for r in DEFAULT_RULES if r.name == rule.name), rule.condition)
    merged = dict(rule.condition)
    for key, value in condition.items():
        if key not in known:
            names = ", ".join(sorted(known)) or "none"
            raise DomainError(
                f"The rule {rule.name} has no threshold '{key}' (it has: {names}).",
                field=f"condition.{key}",
            )
        kind = known[key]
        at = f"condition.{key}"
        if isinstance(kind, bool):
            if not isinstance(value, bool):
                raise DomainError(f"'{key}' is true or false.", field=at)
        elif isinstance(kind, int):
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100_000:
                raise DomainError(f"'{key}' is a whole number from 1 to 100000.", field=at)
        else:
            try:
                amount = Decimal(str(value))
            except ArithmeticError:
                amount = Decimal("NaN")
            if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
                raise DomainError(f"'{key}' is an amount above zero, like \"5000.00\".", field=at)
            value = f"{amount:.2f}"
        merged[key] = value
    return merged
