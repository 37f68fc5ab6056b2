"""The principal a request (or a background job acting for a user) runs as, with the facts
its policy reasons about."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from db.crypto import EncryptedDate
from domain.access import Principal
from domain.enums import PurposeOfUse, Role
from domain.people import is_adult


def _born(stored: str) -> date:
    # the family's birth dates come through JSON, past the column type: decrypt them here
    return EncryptedDate("dependents.date_of_birth").process_result_value(stored, None)


def principal_from(row, *, today: date, purpose: PurposeOfUse | None = None) -> Principal:
    """The principal and the facts its policy reasons about (ages and consents are facts)."""
    minors, consenting = [], []
    for person in row["family"] or []:
        dependent_id = UUID(person["id"])
        if not is_adult(_born(person["born"]), today=today):
            minors.append(dependent_id)
        elif person["consent"]:
            consenting.append(dependent_id)
    return Principal(
        user_id=row["id"],
        email=row["email"],
        role=Role(row["role"]),
        member_id=row["member_id"],
        dependent_id=row["dependent_id"],
        provider_id=row["provider_id"],
        employer_id=row["employer_id"] or row["member_employer_id"],
        jurisdiction=row["jurisdiction"],
        purpose_of_use=purpose,
        subscriber_id=row["subscriber_id"],
        minor_dependent_ids=tuple(sorted(minors)),
        consenting_dependent_ids=tuple(sorted(consenting)),
        break_glass_member_ids=tuple(sorted(set(row["break_glass"] or ()))),
    )
