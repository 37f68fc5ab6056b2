"""Enrolment rules: dependents age out, one active policy per period, sane dates."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from domain.errors import DomainError

AGE_OUT = 26  # ACA §2714: a child is covered until the end of the month they turn 26


def age_out_date(born: date) -> date:
    """The last day of coverage as a child: the end of the month of the 26th birthday."""
    year = born.year + AGE_OUT
    month = born.month
    return date(year, month, calendar.monthrange(year, month)[1])


def child_covered(born: date, on: date) -> bool:
    return on <= age_out_date(born)


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date | None  # open-ended

    def overlaps(self, other: Period) -> bool:
        return (other.end is None or self.start <= other.end) and (
            self.end is None or other.start <= self.end
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
