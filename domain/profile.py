"""What a person keeps on their own record besides contact details: medical fields (blood
type, allergies, conditions: PHI, stored encrypted), the language the plan writes to them in,
and how they want to be contacted."""

from __future__ import annotations

import re
from typing import Any

from domain.enums import ContactChannel
from domain.errors import DomainError

BLOOD_TYPES = ("A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-")
MAX_TEXT = 2000
# a language code as BCP 47 writes the common ones: en, es, zh-TW, haw
_LANGUAGE = re.compile(r"^([a-z]{2,3})(-([A-Za-z]{2}))?$")
CHANNELS = tuple(c.value for c in ContactChannel)

# column -> input field
FIELDS = {
    "blood_type": "bloodType",
    "allergies": "allergies",
    "medical_conditions": "medicalConditions",
    "preferred_language": "preferredLanguage",
    "communication_preferences": "communicationPreferences",
}
MEDICAL = ("blood_type", "allergies", "medical_conditions")


def blood_type(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = value.strip().upper().replace(" ", "")
    if cleaned not in BLOOD_TYPES:
        raise DomainError(
            "A blood type is one of " + ", ".join(BLOOD_TYPES) + ".", field="bloodType"
        )
    return cleaned


def free_text(value: str | None, *, field: str) -> str | None:
    """Free text kept as written (trimmed), at most MAX_TEXT characters; blank clears it."""
    if value is None:
        return None
    cleaned = value.strip()
    if len(cleaned) > MAX_TEXT:
        raise DomainError(f"At most {MAX_TEXT} characters.", field=field)
    return cleaned or None


def language(value: str | None) -> str:
    """A language code (en, es, zh-TW); the plan writes in English unless told otherwise."""
    if value is None:
        return "en"
    match = _LANGUAGE.match(value.strip())
    if match is None:
        raise DomainError(
            "Give the language as a code such as en, es or zh-TW.", field="preferredLanguage"
        )
    lang, _, region = match.groups()
    return lang + (f"-{region.upper()}" if region else "")


def preferences(channels: dict[str, bool | None], preferred: str | None) -> dict[str, Any]:
    """Which channels the person accepts and which they prefer; the preferred one must be
    accepted, and at least one channel is (the plan must be able to reach a member)."""
    accepted = {c: bool(channels.get(c)) for c in CHANNELS}
    if not any(accepted.values()):
        raise DomainError(
            "Accept at least one way to be contacted: the plan must be able to reach you.",
            field="communicationPreferences",
        )
    if preferred is not None and not accepted.get(preferred):
        raise DomainError(
            "The preferred way to be contacted must be one you accept.",
            field="communicationPreferences.preferred",
        )
    return accepted | {"preferred": preferred}


def clean(sent: dict[str, Any]) -> dict[str, Any]:
    """The columns to write from what was sent (None clears a medical field)."""
    values: dict[str, Any] = {}
    for column, value in sent.items():
        if column == "blood_type":
            values[column] = blood_type(value)
        elif column in ("allergies", "medical_conditions"):
            values[column] = free_text(value, field=FIELDS[column])
        elif column == "preferred_language":
            values[column] = language(value)
        elif column == "communication_preferences":
            values[column] = None if value is None else preferences(*value)
    return values
