"""The inputs of enrolment and of contact changes. Names, birth dates, SSNs and contact
details are PHI: they are stored encrypted and never copied into the audit trail."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from graph import enums

UNSET: Any = strawberry.UNSET


@strawberry.input(description="A new subscriber, with their employer if they enrol through one.")
class EnrollMemberInput:
    first_name: str
    last_name: str
    date_of_birth: date
    middle_name: str | None = None
    ssn: str | None = strawberry.field(default=None, description="NNN-NN-NNNN.")
    gender: enums.Gender | None = None
    employer_id: strawberry.ID | None = strawberry.field(
        default=None, description="The employer they enrol through; an employer enrols its own."
    )
    employee_id: str | None = strawberry.field(
        default=None, description="The employer's own number for the employee."
    )
    enrollment_date: date | None = strawberry.field(
        default=None, description="When coverage starts; today if left out."
    )
    email: str | None = None
    phone: str | None = strawberry.field(default=None, description="Ten digits with area code.")
    alternate_phone: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    city: str | None = None
    state: str | None = strawberry.field(default=None, description="Two letters, e.g. CA.")
    zip_code: str | None = strawberry.field(default=None, description="12345 or 12345-6789.")
    emergency_contact_name: str | None = None
    emergency_contact_phone: str | None = None
    emergency_contact_relation: str | None = None


@strawberry.input(description="A spouse, child or other person covered through a member.")
class AddDependentInput:
    member_id: strawberry.ID = strawberry.field(description="The subscriber.")
    first_name: str
    last_name: str
    date_of_birth: date
    relationship: enums.Relationship = strawberry.field(
        description="A child is covered until the end of the month they turn 26."
    )
    middle_name: str | None = None
    ssn: str | None = strawberry.field(default=None, description="NNN-NN-NNNN.")
    gender: enums.Gender | None = None
    enrollment_date: date | None = strawberry.field(
        default=None, description="When coverage starts; today if left out."
    )
    email: str | None = None
    phone: str | None = None


@strawberry.input(
    description="Your contact details. Fields left out stay as they are; null clears one. "
    "A dependent's record holds only an email and a phone number."
)
class UpdateContactInput:
    email: str | None = UNSET
    phone: str | None = UNSET
    alternate_phone: str | None = UNSET
    address_line1: str | None = UNSET
    address_line2: str | None = UNSET
    city: str | None = UNSET
    state: str | None = UNSET
    zip_code: str | None = UNSET
    emergency_contact_name: str | None = UNSET
    emergency_contact_phone: str | None = UNSET
    emergency_contact_relation: str | None = UNSET


def sent(input: Any, names: Any) -> dict[str, Any]:
    """Field -> value of each of `names` the client sent (null included, left out excluded)."""
    return {n: getattr(input, n) for n in names if getattr(input, n) is not UNSET}
