"""Values and shapes the generators share: money in cents, dates, and what a family, a patient
and a provider are to the claims drawn for them.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple


def _cents(amount: Decimal) -> int:
    return int(amount * 100)


def money(cents: int) -> Decimal:
    """Cents as the Decimal a Numeric(12, 2) column takes."""
    return Decimal(cents).scaleb(-2)


def years_ago(day: date, years: int, *, days: int = 0) -> date:
    """The date `years` years and `days` days before `day` (29 February falls back a day)."""
    d = day - timedelta(days=days)
    leap_day = (d.month, d.day) == (2, 29)
    return date(d.year - years, 2, 28) if leap_day else d.replace(year=d.year - years)


def _month_start(day: date, back: int = 0) -> date:
    """The first day of the month `back` months before `day`'s month."""
    y, m = divmod(day.year * 12 + day.month - 1 - back, 12)
    return date(y, m + 1, 1)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class Patient(NamedTuple):
    dependent_id: uuid.UUID | None  # None: the subscriber
    age: int
    covered_from: date


@dataclass
class Provider:
    """What routing and pricing need to know of a provider."""

    id: uuid.UUID
    state: str
    category: str
    fees: dict[str, int] = field(default_factory=dict)  # contracted fee per unit, in cents


@dataclass
class Family:
    """A subscriber, the covered patients and the policy's cost-sharing terms (in cents)."""

    member_id: uuid.UUID
    state: str
    policy_id: uuid.UUID
    terms: dict
    patients: list[Patient]
    # (plan year start, dependent id or None for the subscriber, or "family"): [ded, oop]
    spent: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))


class ProviderPool:
    """Providers by category and state, so most care happens close to home."""

    def __init__(self, providers: Sequence[Provider]) -> None:
        self.by: dict = defaultdict(list)
        for p in providers:
            self.by[p.category].append(p)
            self.by[p.category, p.state].append(p)
        self.all = list(providers)

    def pick(self, rng: random.Random, category: str, state: str) -> Provider:
        """A provider of the category, in the state 85% of the time when there is one."""
        local = self.by.get((category, state))
        if local and rng.random() < 0.85:
            return rng.choice(local)
        return rng.choice(self.by.get(category) or self.all)


def _anniversary(start: date, today: date) -> date:
    """The next anniversary of a first-of-month date, after today."""
    this_year = start.replace(year=today.year)
    return this_year if this_year > today else this_year.replace(year=today.year + 1)
