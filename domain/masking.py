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
