"""Element values read from an 837P file, and the words of messages about them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

VERSION = "005010X222A1"

# X12 decimal (R): digits with an optional point and minus sign; no exponent, NaN or plus
_AMOUNT = re.compile(r"^-?([0-9]{1,15}(\.[0-9]{0,6})?|\.[0-9]{1,6})$")
_D8 = re.compile(r"^[0-9]{8}$")
_VERSION_SHAPE = re.compile(r"^[0-9]{6}X[0-9]{3}[A-Z0-9]{0,2}$")  # e.g. 005010X223A2


def _part(parts: list[str], index: int) -> str:
    return parts[index].strip() if index < len(parts) else ""


def _amount(value: str) -> Decimal | None:
    return Decimal(value) if _AMOUNT.match(value) else None


def _d8(value: str) -> date | None:
    if not _D8.match(value):
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def _rd8(value: str) -> date | None:
    start, _, end = value.partition("-")
    first, last = _d8(start), _d8(end)
    if first is None or last is None or last < first:
        return None
    return first


def _shown(version: str) -> str:
    """A version code, when it has a version's shape: never other content."""
    return version if _VERSION_SHAPE.match(version) else "another version"


def _described(kind: str, version: str) -> str:
    if kind != "HC":
        return "not health care claims (GS01)"
    return f"of version {_shown(version)}"


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:]
