"""Facts about people that rules depend on."""

from datetime import date

ADULT_AGE = 18


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def is_adult(born: date, *, today: date) -> bool:
    """18 or older on `today` (ACCESS.md, adult dependent confidentiality)."""
    return age_on(born, today) >= ADULT_AGE
