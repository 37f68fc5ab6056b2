"""Amounts of money: decimals with two places, never floats."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from domain.errors import DomainError

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")  # numeric(12, 2)
# as people write amounts: digits, an optional point and fraction; no exponent, no NaN
_WRITTEN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_LONGEST = 40


def number(text: str, *, field: str) -> Decimal:
    """An amount as written (`125.00`, `-3`, `7.5`) within numeric(12,2)'s range. Exponent
    forms (`1E+30`), NaN, infinities and over-long digit strings are refused here, before
    any arithmetic: rules about sign and cents are `amount`'s."""
    written = text.strip()
    if len(written) > _LONGEST or not _WRITTEN.fullmatch(written):
        raise DomainError("An amount is written as digits with an optional decimal point, "
                          "like 125.00 (no exponent).", field=field)  # fmt: skip
    parsed = Decimal(written)
    if abs(parsed) > MAX_AMOUNT:
        raise DomainError(f"The amount is too large (at most {MAX_AMOUNT}).", field=field)
    return parsed


def amount(value: Decimal | str, *, field: str, zero: bool = False) -> Decimal:
    """A positive amount (or zero, where `zero` allows it: a copay, a deductible) with at
    most two decimal places, as a two-place Decimal."""
    try:
        parsed = Decimal(str(value))
    except InvalidOperation:
        raise DomainError("The amount is not a number.", field=field) from None
    if not parsed.is_finite() or parsed < 0:
        raise DomainError("An amount cannot be negative.", field=field)
    if parsed == 0 and not zero:
        raise DomainError("The amount must be more than zero.", field=field)
    if parsed > MAX_AMOUNT:
        raise DomainError(f"The amount is too large (at most {MAX_AMOUNT}).", field=field)
    if parsed != parsed.quantize(CENT):
        raise DomainError("An amount has at most two decimal places (cents).", field=field)
    return parsed.quantize(CENT)
