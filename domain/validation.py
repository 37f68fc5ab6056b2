"""Claim validation: rules are data, checks are pure functions.

A rule is a row (name, category, severity, a JSON condition with its thresholds, enabled,
version); the check it names is a function here. `evaluate` runs the enabled rules over a
claim draft and what the database knows about its parties (`Facts`), and returns every
finding with the input field it points at. Errors refuse a claim; warnings are kept on it.

Messages speak to a biller and never carry PHI: people are "the patient" or "the member",
never a name, a birth date or a member number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from domain.enrolment import child_covered
from domain.enums import Severity
from domain.errors import DomainError
from domain.identifiers import is_valid_npi
from domain.money import MAX_AMOUNT


@dataclass(frozen=True, slots=True)
class Rule:
    name: str  # also the check it runs
    category: str
    severity: Severity
    condition: Mapping[str, Any] = field(default_factory=dict)  # thresholds
    enabled: bool = True
    version: int = 1
    description: str = ""


@dataclass(frozen=True, slots=True)
class DraftLine:
    procedure_code: str
    charge_amount: Decimal
    units: int = 1
    modifiers: tuple[str, ...] = ()
    diagnosis_pointers: tuple[int, ...] = ()
    service_date: date | None = None


@dataclass(frozen=True, slots=True)
class Draft:
    """A claim as submitted, before anything is saved."""

    service_date: date
    diagnosis_codes: tuple[str, ...]
    lines: tuple[DraftLine, ...]
    place_of_service: str | None = None
    claim_type: str = "medical"

    @property
    def billed(self) -> Decimal:
        return sum((line.charge_amount for line in self.lines), Decimal("0.00"))

    @property
    def procedure_codes(self) -> tuple[str, ...]:
        return tuple(line.procedure_code for line in self.lines)


@dataclass(frozen=True, slots=True)
class Span:
    """A status and the dates it holds between (termination exclusive when set)."""

    status: str
    start: date
    end: date | None = None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True, slots=True)
class Credential:
    status: str
    issued: date | None
    expires: date | None


@dataclass(frozen=True, slots=True)
class Facts:
    """What the plan knows about the claim's parties. `patient_found` False means the member
    number and birth date named nobody this submitter may bill for: nothing else is known."""

    today: date
    patient_found: bool = True
    member: Span | None = None
    dependent: Span | None = None
    dependent_born: date | None = None
    dependent_is_child: bool = False
    policy: Span | None = None
    provider_found: bool = True
    provider_npi: str | None = None
    provider_status: str | None = None
    credentials: tuple[Credential, ...] = ()
    has_contract: bool = False
    duplicates: int = 0
    known_diagnosis: Callable[[str], bool | None] | None = None  # None: format only
    known_place_of_service: Callable[[str], bool | None] | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    field: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "field": self.field,
        }


Problem = tuple[str, str | None]  # message, field
Check = Callable[[Draft, Facts, Mapping[str, Any]], Iterable[Problem]]

# ICD-10-CM: a letter (not U, which is reserved), two characters, then up to four more;
# the dot after the third character is optional on input.
_ICD10 = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")
# CPT: five digits, or four and a category II/III letter; HCPCS Level II: a letter and four
# digits (CDT dental codes are HCPCS D-codes). Descriptors are licensed: the format is checked.
_PROCEDURE = re.compile(r"^(\d{4}[0-9FTU]|[A-V]\d{4})$")
_MODIFIER = re.compile(r"^[0-9A-Z]{2}$")
_PLACE = re.compile(r"^\d{2}$")
_CENTS = Decimal("0.01")

CHECKS: dict[str, Check] = {}


def check(name: str) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        CHECKS[name] = fn
        return fn

    return register


def normalise_diagnosis(code: str) -> str:
    """The code as stored: upper case, no dot."""
    return code.strip().upper().replace(".", "")


def normalise_procedure(code: str) -> str:
    return code.strip().upper()


def is_procedure_code(code: str) -> bool:
    """CPT by format (its descriptors are licensed) or HCPCS Level II / CDT."""
    return bool(_PROCEDURE.match(normalise_procedure(code)))


@check("lines_present")
def _lines_present(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    most = int(cond.get("max_lines", 50))
    if not draft.lines:
        yield "A claim needs at least one service line.", "lines"
    elif len(draft.lines) > most:
        yield f"A claim has at most {most} service lines; split it.", "lines"


@check("diagnosis_present")
def _diagnosis_present(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    most = int(cond.get("max_codes", 12))
    if not draft.diagnosis_codes:
        yield "Give at least one diagnosis code (ICD-10-CM).", "diagnosisCodes"
    elif len(draft.diagnosis_codes) > most:
        yield f"A claim carries at most {most} diagnosis codes.", "diagnosisCodes"
    seen: set[str] = set()
    for i, code in enumerate(draft.diagnosis_codes):
        if normalise_diagnosis(code) in seen:
            yield f"Diagnosis code {code.strip()} is listed twice.", f"diagnosisCodes[{i}]"
        seen.add(normalise_diagnosis(code))


@check("diagnosis_code_valid")
def _diagnosis_code_valid(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    for i, code in enumerate(draft.diagnosis_codes):
        shown = code.strip()[:12]
        if not _ICD10.match(code.strip().upper()):
            yield (
                f"'{shown}' is not an ICD-10-CM code (a letter, two characters, then up to "
                "four more, e.g. J06.9).",
                f"diagnosisCodes[{i}]",
            )
        elif facts.known_diagnosis is not None:
            known = facts.known_diagnosis(normalise_diagnosis(code))
            if known is False:
                yield (
                    f"'{shown}' is not a billable ICD-10-CM code: use the most specific code.",
                    f"diagnosisCodes[{i}]",
                )


@check("procedure_code_valid")
def _procedure_code_valid(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    for i, line in enumerate(draft.lines):
        code = normalise_procedure(line.procedure_code)
        if not is_procedure_code(code):
            yield (
                f"'{code[:12]}' is not a CPT (five digits) or HCPCS (a letter and four digits) "
                "code.",
                f"lines[{i}].procedureCode",
            )
        for modifier in line.modifiers:
            if not _MODIFIER.match(modifier.strip().upper()):
                yield (
                    f"Modifier '{modifier.strip()[:8]}' must be two letters or digits.",
                    f"lines[{i}].modifiers",
                )
        if len(line.modifiers) > 4:
            yield "A line has at most four modifiers.", f"lines[{i}].modifiers"


@check("units_positive")
def _units_positive(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    most = int(cond.get("max_units", 999))
    for i, line in enumerate(draft.lines):
        if line.units < 1:
            yield "Units must be 1 or more.", f"lines[{i}].units"
        elif line.units > most:
            yield f"Units above {most} on one line are not accepted.", f"lines[{i}].units"


@check("amount_valid")
def _amount_valid(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    for i, line in enumerate(draft.lines):
        amount = line.charge_amount
        if not amount.is_finite() or amount <= 0:
            yield "The charge must be a positive amount.", f"lines[{i}].chargeAmount"
        elif amount > MAX_AMOUNT:  # before quantize, which cannot hold 1E+30 to the cent
            yield f"The charge is too large (at most {MAX_AMOUNT}).", f"lines[{i}].chargeAmount"
        elif amount != amount.quantize(_CENTS):
            yield "The charge has at most two decimal places.", f"lines[{i}].chargeAmount"
    total = Decimal("0.00")
    for i, line in enumerate(draft.lines):
        total += line.charge_amount if line.charge_amount.is_finite() else 0
        if total > MAX_AMOUNT:  # the claim's billed amount is numeric(12,2) too
            yield (f"The charges add up to more than {MAX_AMOUNT} at this line.",
                   f"lines[{i}].chargeAmount")  # fmt: skip
            break


@check("amount_review_threshold")
def _amount_review_threshold(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    threshold = Decimal(str(cond.get("amount", "10000.00")))
    billed = draft.billed
    if billed.is_finite() and billed > threshold:
        yield f"Billed {billed:.2f} is above {threshold:.2f}: the claim is reviewed by hand.", None


@check("diagnosis_pointers_valid")
def _diagnosis_pointers_valid(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    count = len(draft.diagnosis_codes)
    for i, line in enumerate(draft.lines):
        if len(line.diagnosis_pointers) > 4:
            yield "A line points at most at four diagnoses.", f"lines[{i}].diagnosisPointers"
        for pointer in line.diagnosis_pointers:
            if not 1 <= pointer <= count:
                yield (
                    f"Diagnosis pointer {pointer} names no diagnosis: the claim has {count}.",
                    f"lines[{i}].diagnosisPointers",
                )


@check("place_of_service_valid")
def _place_of_service_valid(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    place = draft.place_of_service
    if place is None:
        if cond.get("required", True):
            yield (
                "Give the place of service (a two-digit CMS code, e.g. 11 for an office).",
                ("placeOfService"),
            )
        return
    if not _PLACE.match(place.strip()):
        yield "The place of service is a two-digit CMS code, e.g. 11.", "placeOfService"
    elif facts.known_place_of_service is not None:
        if facts.known_place_of_service(place.strip()) is False:
            yield f"'{place.strip()}' is not a CMS place-of-service code.", "placeOfService"


@check("service_date_not_future")
def _service_date_not_future(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    if draft.service_date > facts.today:
        yield "The service date is in the future.", "serviceDate"
    for i, line in enumerate(draft.lines):
        if line.service_date is not None and line.service_date > facts.today:
            yield "The line's service date is in the future.", f"lines[{i}].serviceDate"


@check("timely_filing")
def _timely_filing(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    days = int(cond.get("days", 365))
    if facts.today - draft.service_date > timedelta(days=days):
        yield f"Claims must be filed within {days} days of the service date.", "serviceDate"


@check("patient_found")
def _patient_found(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    if not facts.patient_found:
        # the same words whether the number is unknown or the birth date does not match:
        # a submitter learns nothing about people it has no relation to
        yield (
            "Member not found: check the member number and the patient's date of birth.",
            "memberNumber",
        )


@check("member_eligible")
def _member_eligible(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    member = facts.member
    if not facts.patient_found or member is None:
        return
    if member.status not in ("active", "terminated") or not member.covers(draft.service_date):
        yield "The member was not enrolled on the service date.", "serviceDate"


@check("dependent_eligible")
def _dependent_eligible(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    dependent = facts.dependent
    if not facts.patient_found or dependent is None:
        return
    # an inactive dependent was covered until the termination date, if one is on record
    lapsed = dependent.status == "inactive" and dependent.end is None
    if lapsed or not dependent.covers(draft.service_date):
        yield "The patient was not covered as a dependent on the service date.", "serviceDate"
    elif (
        facts.dependent_is_child
        and facts.dependent_born is not None
        and not child_covered(facts.dependent_born, draft.service_date)
    ):
        yield "The patient had aged out of dependent coverage by the service date.", ("serviceDate")


@check("policy_covers_date")
def _policy_covers_date(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    if not facts.patient_found:
        return
    if facts.policy is None or not facts.policy.covers(draft.service_date):
        yield "No policy of the member covers the service date.", "serviceDate"


@check("provider_npi_valid")
def _provider_npi_valid(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    if not facts.provider_found:
        yield "Provider not found.", "providerId"
    elif facts.provider_npi is None or not is_valid_npi(facts.provider_npi):
        yield "The provider's NPI fails the CMS check digit.", "providerId"
    elif facts.provider_status not in (None, "active"):
        yield f"The provider is {facts.provider_status} and cannot bill.", "providerId"


@check("provider_credentialed")
def _provider_credentialed(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    if not facts.provider_found:
        return
    day = draft.service_date
    if not any(
        c.status == "verified"
        and (c.issued is None or c.issued <= day)
        and (c.expires is None or day <= c.expires)
        for c in facts.credentials
    ):
        yield (
            "The provider had no verified, unexpired credential on the service date.",
            ("providerId"),
        )


@check("provider_in_network")
def _provider_in_network(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    if facts.provider_found and not facts.has_contract:
        yield (
            "No active contract with the provider on the service date: the claim is priced "
            "out of network.",
            "providerId",
        )


@check("duplicate_claim")
def _duplicate_claim(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    if facts.patient_found and facts.duplicates:
        yield (
            "A claim for this patient, provider, service date and procedures is already on file.",
            None,
        )


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


def display_diagnosis(code: str) -> str:
    """The code as stored and shown: upper case, with the dot after the category (J06.9)."""
    bare = normalise_diagnosis(code)
    return f"{bare[:3]}.{bare[3:]}" if len(bare) > 3 else bare


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
            if not amount.is_finite() or amount <= 0 or amount != amount.quantize(_CENTS):
                raise DomainError(f"'{key}' is an amount above zero, like \"5000.00\".", field=at)
            value = f"{amount:.2f}"
        merged[key] = value
    return merged
