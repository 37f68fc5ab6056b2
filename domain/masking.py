"""How restricted values are masked when shown."""


def last_four(value: str | None, *, keep: int = 4) -> str | None:
    """'123-45-6789' -> '***-**-6789'; digits before the last four become '*'."""
    if value is None:
        return None
    digits = sum(ch.isdigit() for ch in value)
    hidden = digits - keep
    out = []
    for ch in value:
        if ch.isdigit() and hidden > 0:
            out.append("*")
            hidden -= 1
        else:
            out.append(ch)
    return "".join(out)


# Three-digit ZIP prefixes whose areas hold 20,000 people or fewer (HIPAA Safe Harbor,
# 45 CFR 164.514(b)(2)(i)(B), Census 2000 list): they are reported as 000.
_SMALL_ZIP3 = frozenset(
    "036 059 063 102 203 556 692 790 821 823 830 831 878 879 884 890 893".split()
)


def zip3(value: str | None) -> str | None:
    """A ZIP code cut to its first three digits (000 for sparsely populated prefixes)."""
    if not value or len(value) < 3 or not value[:3].isdigit():
        return None
    prefix = value[:3]
    return "000" if prefix in _SMALL_ZIP3 else prefix


def birth_year(born, *, today) -> int | None:
    """The birth year, with everyone aged 90 or more reported as exactly 90."""
    if born is None:
        return None
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return today.year - 90 if age >= 90 else born.year
