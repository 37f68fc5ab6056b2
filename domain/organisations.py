"""Rules for the plan's directory records: providers (with their groups) and employers."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from domain.errors import DomainError
from domain.identifiers import is_valid_npi

# The states, DC and the territories (USPS codes): a provider's or employer's state, and a
# regulator's jurisdiction.
US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV "
    "NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI".split()
)
_ZIP = re.compile(r"^[0-9]{5}(?:-[0-9]{4})?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def npi(value: str) -> str:
    """A National Provider Identifier: ten digits whose last is the CMS (Luhn) check digit."""
    cleaned = value.strip()
    if len(cleaned) != 10 or not cleaned.isdigit():
        raise DomainError("An NPI is exactly ten digits.", field="npi")
    if not is_valid_npi(cleaned):
        raise DomainError(
            f"{cleaned} is not a valid NPI: its check digit is wrong (check for a typo).",
            field="npi",
        )
    return cleaned


def tax_id(value: str) -> str:
    """A federal tax id (EIN): nine digits, kept as NN-NNNNNNN whatever the punctuation."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) != 9 or any(ch not in "0123456789- " for ch in value):
        raise DomainError("A tax id is nine digits, written NN-NNNNNNN.", field="taxId")
    return f"{digits[:2]}-{digits[2:]}"


def state(value: str, *, field: str = "state") -> str:
    code = value.strip().upper()
    if code not in US_STATES:
        raise DomainError(f"'{value}' is not a US state code (two letters, e.g. CA).", field=field)
    return code


def zip_code(value: str, *, field: str = "zipCode") -> str:
    cleaned = value.strip()
    if not _ZIP.match(cleaned):
        raise DomainError("A ZIP code is five digits, or five and four (12345-6789).", field=field)
    return cleaned


def email(value: str, *, field: str = "email") -> str:
    cleaned = value.strip()
    if not _EMAIL.match(cleaned):
        raise DomainError(f"'{value}' is not an email address.", field=field)
    return cleaned


def required_text(value: str | None, *, field: str, what: str) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise DomainError(f"Give the {what}.", field=field)
    return cleaned


def check_provider_names(
    provider_type: str,
    *,
    first_name: str | None,
    last_name: str | None,
    organization_name: str | None,
) -> None:
    """A practitioner is a person with a name; a group or facility has an organisation name."""
    if provider_type == "individual":
        required_text(first_name, field="firstName", what="practitioner's first name")
        required_text(last_name, field="lastName", what="practitioner's last name")
    else:
        required_text(organization_name, field="organizationName", what="organisation's name")


def check_parent(*, provider_type: str, parent_type: str | None, is_self: bool = False) -> None:
    """Practitioners belong to a group (one level): the parent is a group, never itself."""
    if parent_type is None:
        return
    if is_self:
        raise DomainError("A provider cannot be its own group.", field="parentId")
    if parent_type != "group":
        raise DomainError(
            "The parent must be a provider group, not a practitioner or a facility.",
            field="parentId",
        )
    if provider_type != "individual":
        raise DomainError(
            "Only practitioners belong to a group; a group or facility stands on its own.",
            field="parentId",
        )


def check_employer_dates(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end <= start:
        raise DomainError(
            "The employer contract's end date must come after its start date.",
            field="contractEndDate",
        )


def check_employee_count(count: int | None) -> None:
    if count is not None and count < 0:
        raise DomainError("The employee count cannot be negative.", field="employeeCount")


_LISTS = frozenset({"secondary_specialties", "languages_spoken"})


def _text(value: Any) -> Any:
    """Free text trimmed; blank is absent."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    return value


def clean(
    values: Mapping[str, Any], *, fields: Mapping[str, str], required: Collection[str] = ()
) -> dict[str, Any]:
    """The columns given, normalised: identifiers checked, text trimmed, lists never null.
    `fields` maps a column to the input field that carries it, so a refusal names what the
    client sent; a `required` column cannot be left empty."""
    out = {column: _text(value) for column, value in values.items()}
    checks = {"npi": npi, "tax_id": tax_id}
    located = {"state": state, "zip_code": zip_code, "email": email,
               "primary_contact_email": email}  # fmt: skip
    for column, value in out.items():
        field = fields.get(column, column)
        if value is None and column in _LISTS:
            out[column] = []
        elif value is None and column in required:
            raise DomainError(f"{field} cannot be empty.", field=field)
        elif value is not None and column in checks:
            out[column] = checks[column](value)
        elif value is not None and column in located:
            out[column] = located[column](value, field=field)
    return out
