"""The inputs of enrolment and of contact changes. Names, birth dates, SSNs and contact
details are PHI: they are stored encrypted and never copied into the audit trail."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from graph import enums
from graph.member import glossary as g

UNSET: Any = strawberry.UNSET


_NAME = " Required, trimmed."
_BORN = " Not in the future nor before 1900; coverage cannot start before it."
_TEXT = " At most 200 characters."
_PHONE = "Ten digits with area code; a leading 1 is dropped."
_CLEAR = " Null clears it."
_MEMBERS = " Members only."


@strawberry.input(description="A new subscriber, with their employer if they enrol through one.")
class EnrollMemberInput:
    first_name: str = strawberry.field(description=g.FIRST_NAME + _NAME)
    last_name: str = strawberry.field(description=g.LAST_NAME + _NAME)
    date_of_birth: date = strawberry.field(description="Date of birth." + _BORN)
    middle_name: str | None = strawberry.field(default=None, description="Middle name or initial.")
    ssn: str | None = strawberry.field(
        default=None, description="NNN-NN-NNNN. One member per SSN; never-issued numbers refused."
    )
    gender: enums.Gender | None = strawberry.field(
        default=None, description="Gender as the person gives it; optional."
    )
    employer_id: strawberry.ID | None = strawberry.field(
        default=None, description="The employer they enrol through; an employer enrols its own."
    )
    employee_id: str | None = strawberry.field(
        default=None, description="The employer's own number for the employee."
    )
    enrollment_date: date | None = strawberry.field(
        default=None, description="When coverage starts; today if left out."
    )
    email: str | None = strawberry.field(
        default=None, description="Email address (name@domain.tld)."
    )
    phone: str | None = strawberry.field(default=None, description="Ten digits with area code.")
    alternate_phone: str | None = strawberry.field(
        default=None, description="A second phone number. " + _PHONE
    )
    address_line1: str | None = strawberry.field(default=None, description=g.ADDRESS_LINE1 + _TEXT)
    address_line2: str | None = strawberry.field(default=None, description=g.ADDRESS_LINE2 + _TEXT)
    city: str | None = strawberry.field(default=None, description=g.CITY + _TEXT)
    state: str | None = strawberry.field(default=None, description="Two letters, e.g. CA.")
    zip_code: str | None = strawberry.field(default=None, description="12345 or 12345-6789.")
    emergency_contact_name: str | None = strawberry.field(
        default=None, description=g.EMERGENCY_CONTACT_NAME + _TEXT
    )
    emergency_contact_phone: str | None = strawberry.field(
        default=None, description="The emergency contact's phone number. " + _PHONE
    )
    emergency_contact_relation: str | None = strawberry.field(
        default=None, description=g.EMERGENCY_CONTACT_RELATION + _TEXT
    )


@strawberry.input(description="A spouse, child or other person covered through a member.")
class AddDependentInput:
    member_id: strawberry.ID = strawberry.field(description="The subscriber.")
    first_name: str = strawberry.field(description=g.FIRST_NAME + _NAME)
    last_name: str = strawberry.field(description=g.LAST_NAME + _NAME)
    date_of_birth: date = strawberry.field(
        description="Date of birth." + _BORN + " A member covers no two dependents with the "
        "same name and date of birth."
    )
    relationship: enums.Relationship = strawberry.field(
        description="A child is covered until the end of the month they turn 26."
    )
    middle_name: str | None = strawberry.field(default=None, description="Middle name or initial.")
    ssn: str | None = strawberry.field(
        default=None,
        description="NNN-NN-NNNN. No two of a member's dependents share one.",
    )
    gender: enums.Gender | None = strawberry.field(
        default=None, description="Gender as the person gives it; optional."
    )
    enrollment_date: date | None = strawberry.field(
        default=None,
        description="When coverage starts, not before the member's own; today if left out.",
    )
    email: str | None = strawberry.field(
        default=None, description="The dependent's own email address (name@domain.tld)."
    )
    phone: str | None = strawberry.field(
        default=None, description="The dependent's own phone number. " + _PHONE
    )


@strawberry.input(
    description="Your contact details. Fields left out stay as they are; null clears one. "
    "A dependent's record holds only an email and a phone number."
)
class UpdateContactInput:
    email: str | None = strawberry.field(
        default=UNSET, description="Email address (name@domain.tld)." + _CLEAR
    )
    phone: str | None = strawberry.field(default=UNSET, description=_PHONE + _CLEAR)
    alternate_phone: str | None = strawberry.field(
        default=UNSET, description="A second phone number. " + _PHONE + _CLEAR + _MEMBERS
    )
    address_line1: str | None = strawberry.field(
        default=UNSET, description=g.ADDRESS_LINE1 + _TEXT + _CLEAR + _MEMBERS
    )
    address_line2: str | None = strawberry.field(
        default=UNSET, description=g.ADDRESS_LINE2 + _TEXT + _CLEAR + _MEMBERS
    )
    city: str | None = strawberry.field(
        default=UNSET, description=g.CITY + _TEXT + _CLEAR + _MEMBERS
    )
    state: str | None = strawberry.field(
        default=UNSET, description="Two letters, e.g. CA." + _CLEAR + _MEMBERS
    )
    zip_code: str | None = strawberry.field(
        default=UNSET, description="12345 or 12345-6789." + _CLEAR + _MEMBERS
    )
    emergency_contact_name: str | None = strawberry.field(
        default=UNSET, description=g.EMERGENCY_CONTACT_NAME + _TEXT + _CLEAR + _MEMBERS
    )
    emergency_contact_phone: str | None = strawberry.field(
        default=UNSET,
        description="The emergency contact's phone number. " + _PHONE + _CLEAR + _MEMBERS,
    )
    emergency_contact_relation: str | None = strawberry.field(
        default=UNSET, description=g.EMERGENCY_CONTACT_RELATION + _TEXT + _CLEAR + _MEMBERS
    )


def sent(input: Any, names: Any) -> dict[str, Any]:
    """Field -> value of each of `names` the client sent (null included, left out excluded)."""
    return {n: getattr(input, n) for n in names if getattr(input, n) is not UNSET}
