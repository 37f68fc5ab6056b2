"""Identifiers people read: NPI check digits and formatted record numbers."""

from datetime import date


def npi_check_digit(base9: str) -> int:
    """CMS check digit: Luhn over the 9-digit base as if prefixed by 80840 (sum starts at 24)."""
    if len(base9) != 9 or not base9.isdigit():
        raise ValueError("an NPI base is nine digits")
    total = 24
    for i, ch in enumerate(reversed(base9)):
        d = int(ch)
        if i % 2 == 0:  # rightmost digit of the base is doubled
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def is_valid_npi(npi: str) -> bool:
    return len(npi) == 10 and npi.isdigit() and npi_check_digit(npi[:9]) == int(npi[9])


def make_npi(base9: str) -> str:
    return base9 + str(npi_check_digit(base9))


def claim_number(day: date, seq: int) -> str:
    return f"CLM-{day:%Y%m%d}-{seq:06d}"


def record_number(prefix: str, seq: int) -> str:
    """MBR-, POL-, APL-, CTR-, PAY- numbers: prefix and eight digits."""
    return f"{prefix}-{seq:08d}"


def group_number(seq: int) -> str:
    """An employer's group number: GRP- and six digits."""
    return f"GRP-{seq:06d}"
