"""The shapes of validation: a rule, a claim draft, the facts about its parties, a finding;
and the registry that maps a rule's name to the check it runs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from domain.enums import Severity


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
    drug_tier: str | None = None  # pharmacy claims: the formulary tier (DrugTier)


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

CHECKS: dict[str, Check] = {}


def check(name: str) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        CHECKS[name] = fn
        return fn

    return register
