"""Provider contracts: their lifecycle, dates, fee schedule and one active contract at a time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.enums import ContractStatus as S
from domain.errors import DomainError, IllegalTransition
from domain.money import amount
from domain.validation import is_procedure_code

TRANSITIONS: dict[S, frozenset[S]] = {
    S.DRAFT: frozenset({S.ACTIVE, S.TERMINATED}),
    S.ACTIVE: frozenset({S.TERMINATED, S.EXPIRED}),
    S.EXPIRED: frozenset(),
    S.TERMINATED: frozenset(),
}


def move(current: S | str, requested: S | str) -> S:
    current, requested = S(current), S(requested)
    if requested not in TRANSITIONS[current]:
        raise IllegalTransition("contract", current, requested)
    return requested


@dataclass(frozen=True, slots=True)
class Term:
    """The days a contract prices claims: from its effective date up to, not including,
    its termination date (the same reading as pricing's `termination_date > service_date`)."""

    start: date
    end: date | None  # open-ended

    def overlaps(self, other: Term) -> bool:
        return (other.end is None or self.start < other.end) and (
            self.end is None or other.start < self.end
        )


def termination_for(current: S | str, *, effective: date, requested: date) -> date | None:
    """The termination date a terminated contract keeps. An active contract priced claims
    until `requested` (after its effective date: check_dates); a draft never priced, and
    keeps no termination date, which is how pricing tells it from an ended contract."""
    if S(current) is S.DRAFT:
        return None
    check_dates(effective=effective, termination=requested)
    return requested


def check_dates(*, effective: date, termination: date | None, renewal: date | None = None) -> None:
    """Termination and renewal both come after the contract takes effect."""
    if termination is not None and termination <= effective:
        raise DomainError(
            "A contract's termination date must come after its effective date "
            f"({effective.isoformat()}).",
            field="terminationDate",
        )
    if renewal is not None and renewal <= effective:
        raise DomainError(
            "A contract's renewal date must come after its effective date "
            f"({effective.isoformat()}).",
            field="renewalDate",
        )


def check_single_active(new: Term, active: Iterable[Term]) -> None:
    """At most one active contract per provider at a time, so pricing has one fee schedule."""
    for other in active:
        if new.overlaps(other):
            until = other.end.isoformat() if other.end else "open-ended"
            raise DomainError(
                "The provider already has an active contract in that period "
                f"({other.start.isoformat()} to {until}); terminate it first.",
                field="effectiveDate",
            )


def fee_schedule(
    items: Sequence[tuple[str, Decimal | str]], *, required: bool
) -> dict[str, Decimal]:
    """Procedure code -> allowed amount: codes well-formed and not repeated, amounts positive
    money with at most two decimal places. `required`: a fee-for-service contract needs one."""
    if required and not items:
        raise DomainError(
            "A fee-for-service contract needs a fee schedule: list at least one procedure "
            "code with its allowed amount.",
            field="feeSchedule",
        )
    schedule: dict[str, Decimal] = {}
    for i, (raw_code, raw_amount) in enumerate(items):
        where = f"feeSchedule[{i}]"
        code = raw_code.strip().upper()
        if not is_procedure_code(code):
            raise DomainError(
                f"'{raw_code}' is not a procedure code (CPT, HCPCS or CDT: five characters).",
                field=f"{where}.procedureCode",
            )
        if code in schedule:
            raise DomainError(
                f"The procedure code {code} is listed twice; give each code one amount.",
                field=f"{where}.procedureCode",
            )
        schedule[code] = amount(raw_amount, field=f"{where}.allowedAmount")
    return schedule
