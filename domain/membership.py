"""A subscriber's enrolment over time: suspended, terminated and reinstated on a date, and
what that does to the dependents covered through them.

Dates follow domain/enrolment.py: a suspension or termination date is the first day without
coverage. Coverage on a day is judged by dates (the claim rule `member_eligible`): care given
before the date stays covered, so claims already open stay open for adjudication.

Reinstatement undoes a suspension or a termination as if it had not happened (a premium paid
within the grace period, a termination entered in error or reversed by the employer): the
member's coverage has no gap. Where coverage truly had a gap, the member's policies say so by
their own dates (terminatePolicy, createPolicy), which coverage needs as well."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.enrolment import age_out_date, age_out_termination
from domain.enums import DependentStatus as D
from domain.enums import Relationship as R
from domain.errors import DomainError


def check_suspension(*, effective: date, enrolled: date, today: date) -> None:
    """A suspension starts on a day that has come (it is recorded when the grace period for
    the premium has run out), and not before the member's enrolment."""
    if effective > today:
        raise DomainError(
            "A suspension takes effect on a day that has come: record it once it applies.",
            field="effectiveDate",
        )
    if effective < enrolled:
        raise DomainError(
            f"A suspension cannot start before the member's enrolment ({enrolled}).",
            field="effectiveDate",
        )


def check_termination(*, effective: date, enrolled: date) -> None:
    """Any day from the enrolment on (on the enrolment date itself: never covered, an
    enrolment made in error); in the future for a termination announced ahead."""
    if effective < enrolled:
        raise DomainError(
            f"Coverage cannot end before it began ({enrolled}).", field="effectiveDate"
        )


def covered_until(*, status: str, termination: date | None, suspended: date | None) -> date | None:
    """The first day the subscriber is not covered: the termination date or the suspension
    date, whichever comes first (a member terminated while suspended was not covered from the
    suspension on). A suspension on record without a date covers nothing."""
    if status == "suspended" and suspended is None:
        return date.min
    ends = [d for d in (termination, suspended) if d is not None]
    return min(ends) if ends else None


@dataclass(frozen=True, slots=True)
class Kin:
    """A dependent as the subscriber's status moves see them."""

    id: Any
    relationship: str
    born: date
    status: str
    termination: date | None
    ended_with_member: bool = False
    own_termination: date | None = None


@dataclass(frozen=True, slots=True)
class KinChange:
    id: Any
    status: D
    termination: date | None
    ended_with_member: bool
    own_termination: date | None


def end_with_member(kin: list[Kin], *, termination: date, today: date) -> list[KinChange]:
    """The dependents whose coverage ends with the subscriber's on `termination`: every active
    one whose own end is later (or open). A child who ages out before that date is left to age
    out. Each keeps the end they had of their own, to get it back on reinstatement."""
    changes = []
    for k in kin:
        if D(k.status) != D.ACTIVE:
            continue
        if k.termination is not None and k.termination <= termination:
            continue  # their coverage ends first anyway
        if R(k.relationship) == R.CHILD and age_out_date(k.born) < termination:
            continue  # covered until the month they turn 26 ends, before the member's end
        status = D.INACTIVE if termination <= today else D.ACTIVE
        changes.append(KinChange(k.id, status, termination, True, k.termination))
    return changes


def reinstate_with_member(kin: list[Kin], *, today: date) -> list[KinChange]:
    """The dependents the subscriber's termination ended, covered again as before it: active
    with the end they had of their own; a child who has aged out meanwhile, aged out."""
    changes = []
    for k in kin:
        if not k.ended_with_member:
            continue
        end = k.own_termination
        if R(k.relationship) == R.CHILD and age_out_date(k.born) < today:
            changes.append(KinChange(k.id, D.AGED_OUT, age_out_termination(k.born), False, None))
        elif end is not None and end <= today:
            changes.append(KinChange(k.id, D.INACTIVE, end, False, None))
        else:
            changes.append(KinChange(k.id, D.ACTIVE, end, False, None))
    return changes
