"""Enrolment rules: who may be covered and from when, dependents age out, one active policy
per period, sane dates and amounts, and the dependent and policy lifecycles.

A termination date is the first day without coverage (as in `Span.covers` and contract
pricing), so a policy's termination comes after its effective date; the one exception kept
from the seed data is an aged-out child, whose termination date is the last day covered."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from domain import money
from domain.enums import DependentStatus as D
from domain.enums import EmployerStatus
from domain.enums import MemberStatus as M
from domain.enums import PolicyStatus as P
from domain.enums import Relationship as R
from domain.errors import DomainError, IllegalTransition

AGE_OUT = 26  # ACA §2714: a child is covered until the end of the month they turn 26
OLDEST_BIRTH_YEAR = 1900
PARTNERS = frozenset({R.SPOUSE, R.DOMESTIC_PARTNER})


def age_out_date(born: date) -> date:
    """The last day of coverage as a child: the end of the month of the 26th birthday."""
    year = born.year + AGE_OUT
    month = born.month
    return date(year, month, calendar.monthrange(year, month)[1])


def age_out_termination(born: date) -> date:
    """A child's termination date, read as every termination date is: the first day without
    coverage, the first of the month after the 26th birthday's."""
    return age_out_date(born) + timedelta(days=1)


def child_covered(born: date, on: date) -> bool:
    return on <= age_out_date(born)


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date | None  # the first day not covered; None: open-ended

    def overlaps(self, other: Period) -> bool:
        return (other.end is None or self.start < other.end) and (
            self.end is None or other.start < self.end
        )


def check_dates(effective: date, termination: date | None) -> None:
    if termination is not None and termination <= effective:
        raise DomainError(
            "A policy's termination date must come after its effective date.",
            field="terminationDate",
        )


def check_single_active(new: Period, active: Iterable[Period]) -> None:
    """At most one active policy per member per coverage period."""
    if any(new.overlaps(p) for p in active):
        raise DomainError(
            "The member already has an active policy in that period.", field="effectiveDate"
        )


# --- people ------------------------------------------------------------------------------


def check_birth_date(born: date, *, today: date) -> None:
    if born > today:
        raise DomainError("A date of birth cannot be in the future.", field="dateOfBirth")
    if born.year < OLDEST_BIRTH_YEAR:
        raise DomainError(
            f"A date of birth before {OLDEST_BIRTH_YEAR} is surely a typo.", field="dateOfBirth"
        )


def ssn(value: str) -> str:
    """A social security number as NNN-NN-NNNN, whatever its punctuation; numbers never
    issued (area 000, 666 or 900-999, group 00, serial 0000) are refused."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) != 9 or any(ch not in "0123456789- " for ch in value):
        raise DomainError("An SSN is nine digits, written NNN-NN-NNNN.", field="ssn")
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area in ("000", "666") or area >= "900" or group == "00" or serial == "0000":
        raise DomainError(
            "That is not a valid SSN: no SSN is issued with that number.", field="ssn"
        )
    return f"{area}-{group}-{serial}"


def check_member_start(start: date, *, born: date) -> None:
    if start < born:
        raise DomainError(
            "Coverage cannot start before the person was born.", field="enrollmentDate"
        )


def check_dependent_start(start: date, *, born: date, subscriber_start: date) -> None:
    """A dependent is covered from birth at the earliest, and never before the subscriber."""
    check_member_start(start, born=born)
    if start < subscriber_start:
        raise DomainError(
            f"A dependent's coverage cannot start before the member's ({subscriber_start}).",
            field="enrollmentDate",
        )


def check_member_active(status: M | str) -> None:
    """Dependents and policies are added to an active member only."""
    if M(status) != M.ACTIVE:
        raise DomainError(
            "The member is {status}: coverage is added only to an {active} member.",
            field="memberId",
            terms={"status": M(status), "active": M.ACTIVE},
        )


def check_employer(status: str | None) -> None:
    """Members enrol through an employer that exists and is active."""
    if status is None:
        raise DomainError("No employer with that id exists.", field="employerId")
    if EmployerStatus(status) != EmployerStatus.ACTIVE:
        raise DomainError(
            "The employer is {status}: its employees can be enrolled once it is {active}.",
            field="employerId",
            terms={"status": EmployerStatus(status), "active": EmployerStatus.ACTIVE},
        )


def new_dependent(
    *, relationship: R | str, born: date, start: date, today: date
) -> tuple[D, date | None]:
    """The status and termination date a new dependent is recorded with. A child must be
    under the age-out limit when coverage starts; one enrolled late, who has aged out since,
    is recorded aged out, its termination date (like every termination date, the first day
    without coverage) the first of the month after they turned 26."""
    if R(relationship) != R.CHILD:
        return D.ACTIVE, None
    last = age_out_date(born)
    if start > last:
        raise DomainError(
            f"A child is covered only until the end of the month they turn {AGE_OUT} "
            f"({last}); this child is too old for coverage starting {start}.",
            field="dateOfBirth",
        )
    if today > last:
        return D.AGED_OUT, age_out_termination(born)
    return D.ACTIVE, None


def check_one_partner(relationship: R | str, covered: Iterable[R | str]) -> None:
    """A member covers one spouse or domestic partner at a time."""
    if R(relationship) in PARTNERS and any(R(r) in PARTNERS for r in covered):
        raise DomainError(
            "The member already covers a spouse or domestic partner.", field="relationship"
        )


# --- the dependent lifecycle -----------------------------------------------------------

DEPENDENT_TRANSITIONS: dict[D, frozenset[D]] = {
    # still active while a termination date is ahead; inactive once it has come
    D.ACTIVE: frozenset({D.ACTIVE, D.INACTIVE, D.AGED_OUT}),
    # covered again when the subscriber whose termination ended them is reinstated
    D.INACTIVE: frozenset({D.ACTIVE}),
    D.AGED_OUT: frozenset(),
}


def move_dependent(current: D | str, requested: D | str) -> D:
    current, requested = D(current), D(requested)
    if requested not in DEPENDENT_TRANSITIONS[current]:
        raise IllegalTransition("dependent", current, requested)
    return requested


def dependent_termination(
    *, relationship: R | str, born: date, enrolled: date, termination: date, today: date
) -> D:
    """The status a dependent takes when their coverage ends on `termination`: inactive once
    the date has come, still active until then. Not before coverage began; for a child, not
    after the age-out date, when coverage ends anyway."""
    if termination < enrolled:
        raise DomainError(
            f"Coverage cannot end before it began ({enrolled}).", field="terminationDate"
        )
    if R(relationship) == R.CHILD and termination > age_out_termination(born):
        raise DomainError(
            f"This child's coverage ends after {age_out_date(born)}, at the end of the month "
            f"they turn {AGE_OUT}: the termination date (the first day without coverage) is "
            f"{age_out_termination(born)} at the latest.",
            field="terminationDate",
        )
    return D.INACTIVE if termination <= today else D.ACTIVE


# --- policies ------------------------------------------------------------------------------

POLICY_TRANSITIONS: dict[P, frozenset[P]] = {
    P.PENDING: frozenset({P.ACTIVE}),
    P.ACTIVE: frozenset({P.TERMINATED, P.EXPIRED}),
    P.TERMINATED: frozenset(),
    P.EXPIRED: frozenset(),
}


def move_policy(current: P | str, requested: P | str) -> P:
    current, requested = P(current), P(requested)
    if requested not in POLICY_TRANSITIONS[current]:
        raise IllegalTransition("policy", current, requested)
    return requested


def new_policy_status(*, termination: date | None, today: date) -> P:
    """Active, with its dates saying when it covers; expired if it ended before today
    (a policy recorded after the fact)."""
    return P.EXPIRED if termination is not None and termination <= today else P.ACTIVE


def check_policy_start(effective: date, *, member_enrolled: date) -> None:
    if effective < member_enrolled:
        raise DomainError(
            f"A policy cannot take effect before the member's enrolment ({member_enrolled}).",
            field="effectiveDate",
        )


def first_renewal(effective: date) -> date:
    """The policy's anniversary: a plan year after it took effect (29 February: 28th)."""
    try:
        return effective.replace(year=effective.year + 1)
    except ValueError:
        return date(effective.year + 1, 2, 28)


def check_renewal(effective: date, renewal: date | None) -> None:
    if renewal is not None and renewal <= effective:
        raise DomainError(
            "A policy's renewal date must come after its effective date.", field="renewalDate"
        )


def check_policy_termination(
    *, effective: date, current_termination: date | None, termination: date
) -> None:
    """After the effective date, and never later than an end already on record."""
    check_dates(effective, termination)
    if current_termination is not None and termination > current_termination:
        raise DomainError(
            f"The policy already ends on {current_termination}; a termination can only bring "
            "that date forward.",
            field="terminationDate",
        )


def amount(value: Decimal | str | None, *, field: str) -> Decimal | None:
    """An optional policy amount: zero or more, as a two-place Decimal (domain/money.py)."""
    return None if value is None else money.amount(value, field=field, zero=True)


def percentage(value: int, *, field: str) -> int:
    if not 0 <= value <= 100:
        raise DomainError("A percentage is between 0 and 100.", field=field)
    return value


@dataclass(frozen=True, slots=True)
class Premium:
    monthly: Decimal
    employer: Decimal
    employee: Decimal


def premium_split(
    monthly: Decimal, employer: Decimal, employee: Decimal | None, *, has_employer: bool
) -> Premium:
    """Who pays the monthly premium: the employer's share (only with an employer) and the
    employee's, which is the rest unless given; the two add up to the premium."""
    if monthly <= 0:
        raise DomainError("The monthly premium must be more than zero.", field="monthlyPremium")
    if employer > 0 and not has_employer:
        raise DomainError(
            "The member has no employer, so no employer contribution.",
            field="employerContribution",
        )
    if employer > monthly:
        raise DomainError(
            "The employer's contribution cannot exceed the monthly premium.",
            field="employerContribution",
        )
    rest = monthly - employer
    if employee is not None and employee != rest:
        raise DomainError(
            f"The contributions must add up to the premium: the employee's share is {rest}.",
            field="employeeContribution",
        )
    return Premium(monthly, employer, rest)


def check_cost_limits(
    *,
    deductible: Decimal,
    out_of_pocket_max: Decimal,
    deductible_family: Decimal | None,
    out_of_pocket_max_family: Decimal | None,
) -> None:
    """The deductible counts toward the out-of-pocket maximum, so it cannot exceed it; a
    family's limits are at least an individual's."""
    if deductible > out_of_pocket_max:
        raise DomainError(
            "The deductible cannot exceed the out-of-pocket maximum.",
            field="deductibleIndividual",
        )
    if deductible_family is not None and deductible_family < deductible:
        raise DomainError(
            "The family deductible cannot be less than the individual one.",
            field="deductibleFamily",
        )
    if out_of_pocket_max_family is not None and out_of_pocket_max_family < out_of_pocket_max:
        raise DomainError(
            "The family out-of-pocket maximum cannot be less than the individual one.",
            field="outOfPocketMaxFamily",
        )
    if (
        deductible_family is not None
        and out_of_pocket_max_family is not None
        and deductible_family > out_of_pocket_max_family
    ):
        raise DomainError(
            "The family deductible cannot exceed the family out-of-pocket maximum.",
            field="deductibleFamily",
        )
