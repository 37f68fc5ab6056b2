"""Aggregates released outside the plan: small cells are suppressed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

SMALL_CELL = 11  # cells under 11 claims are suppressed (CMS cell-size suppression policy)


@dataclass(frozen=True, slots=True)
class Cell:
    month: str
    claim_type: str
    claim_count: int | None
    paid_total: Decimal | None
    suppressed: bool


def suppress(month: str, claim_type: str, count: int, paid: Decimal | None) -> Cell:
    """The cell as released: counts and totals under the threshold are withheld."""
    if count < SMALL_CELL:
        return Cell(month, claim_type, None, None, True)
    return Cell(month, claim_type, count, paid or Decimal("0.00"), False)
