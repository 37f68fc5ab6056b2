"""Contact details people keep up to date themselves: formats checked, values normalised.

State, ZIP and email share the directory's checks (domain/organisations.py); phone numbers
are North American (NANP) numbers, stored as (NXX) NXX-XXXX."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain import organisations
from domain.errors import DomainError

# column -> input field, for every contact detail a subscriber keeps
MEMBER_FIELDS: dict[str, str] = {
    "email": "email",
    "phone": "phone",
    "alternate_phone": "alternatePhone",
    "address_line1": "addressLine1",
    "address_line2": "addressLine2",
    "city": "city",
    "state": "state",
    "zip_code": "zipCode",
    "emergency_contact_name": "emergencyContactName",
    "emergency_contact_phone": "emergencyContactPhone",
    "emergency_contact_relation": "emergencyContactRelation",
}
# a dependent's record holds an email and a phone; the address is the subscriber's
DEPENDENT_FIELDS: dict[str, str] = {"email": "email", "phone": "phone"}
_PHONES = frozenset({"phone", "alternate_phone", "emergency_contact_phone"})
_LONGEST_TEXT = 200


def phone(value: str, *, field: str = "phone") -> str:
    """A ten-digit North American number (a leading 1 is dropped), as (NXX) NXX-XXXX."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    if (
        len(digits) != 10
        or any(ch not in "0123456789()-. +" for ch in value)
        or digits[0] in "01"
        or digits[3] in "01"
    ):
        raise DomainError(
            "A phone number is ten digits with its area code, e.g. (916) 555-0141.", field=field
        )
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def clean(values: Mapping[str, Any], *, fields: Mapping[str, str]) -> dict[str, Any]:
    """The contact details given, checked and normalised; blank or null clears a detail.
    `fields` names the details this record holds (column -> input field): another one is
    refused, naming the input field."""
    if not values:
        raise DomainError("Give at least one contact detail to change.", field="input")
    out: dict[str, Any] = {}
    for column, raw in values.items():
        field = fields.get(column) or MEMBER_FIELDS.get(column, column)
        if column not in fields:
            raise DomainError(
                f"{field} is not kept on this record: a dependent's record holds an email "
                "and a phone number; the address is the subscriber's.",
                field=field,
            )
        value = raw.strip() if isinstance(raw, str) else raw
        if not value:
            out[column] = None
        elif column in _PHONES:
            out[column] = phone(value, field=field)
        elif column == "email":
            out[column] = organisations.email(value, field=field)
        elif column == "state":
            out[column] = organisations.state(value, field=field)
        elif column == "zip_code":
            out[column] = organisations.zip_code(value, field=field)
        elif len(value) > _LONGEST_TEXT:
            raise DomainError(f"{field} is too long (at most {_LONGEST_TEXT} characters).",
                              field=field)  # fmt: skip
        else:
            out[column] = value
    return out
