"""What the enrolment mutations share: the event employer portals follow with its audit row,
input ids decoded into typed refusals, the subscriber as the policy sees it, and a person's
details from the input, checked."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from db import workflows as wf
from domain import contact, enrolment, organisations
from domain.errors import DomainError
from graph import loaders as ld
from graph.context import Context, Info
from graph.errors import BadUserInput
from graph.member.inputs import AddDependentInput, EnrollMemberInput, sent
from graph.relay import from_global_id
from policies import resources as res

TOPIC = "enrollment.changed"


async def announce(
    db,
    ctx: Context,
    *,
    change: str,
    action: str,
    resource: tuple[str, UUID],
    member_id: UUID,
    employer_id: UUID | None,
    dependent_id: UUID | None = None,
    policy_id: UUID | None = None,
    fields: list[str] | None = None,
    old_values: dict[str, Any] | None = None,
    new_values: dict[str, Any] | None = None,
) -> int:
    """The enrolment event (addressed by employer) and then the audit row of the change; ids,
    statuses, dates of coverage and field names only. Returns the event's sequence number."""
    payload = {"change": change, "member_id": str(member_id),
               "employer_id": str(employer_id) if employer_id else None}  # fmt: skip
    if dependent_id is not None:
        payload["dependent_id"] = str(dependent_id)
    if policy_id is not None:
        payload["policy_id"] = str(policy_id)
    sequence = await wf.publish(db, topic=TOPIC, payload=payload)
    # noted last: a failure before this line leaves no audit row of a write that never was
    ctx.audit.event(
        action, resource[0], resource[1], subject_member_id=member_id,
        subject_dependent_id=dependent_id, fields=fields or [],
        old_values=old_values, new_values=new_values,
    )  # fmt: skip
    return sequence


def id_of(value: str, *, expected: str, field: str) -> UUID:
    """The database id in a global id from the input, or a DomainError naming the field."""
    try:
        return from_global_id(value, expected=expected, field=field)[1]
    except BadUserInput as exc:
        raise DomainError(exc.message, field=field) from None


async def subscriber(info: Info, member_id: UUID) -> res.Member:
    """The subscriber as the policy sees it. One the principal may not read stands in with
    no employer, so only a rule that needs no relation to the member can allow."""
    row = await info.context.loader(ld.MemberByIdLoader).load(member_id)
    return res.Member(**row) if row is not None else res.Member(id=member_id, employer_id=None)


def text_or_none(value: str | None) -> str | None:
    return (value.strip() or None) if value is not None else None


def person_values(input: EnrollMemberInput | AddDependentInput, today: date) -> dict[str, Any]:
    """Names, birth date, SSN and coverage start, checked; the columns to store."""
    enrolment.check_birth_date(input.date_of_birth, today=today)
    start = input.enrollment_date or today
    enrolment.check_member_start(start, born=input.date_of_birth)
    ssn = text_or_none(input.ssn)
    return {
        "first_name": organisations.required_text(
            input.first_name, field="firstName", what="first name"
        ),
        "middle_name": text_or_none(input.middle_name),
        "last_name": organisations.required_text(
            input.last_name, field="lastName", what="last name"
        ),
        "date_of_birth": input.date_of_birth,
        "ssn": enrolment.ssn(ssn) if ssn else None,
        "gender": input.gender.value if input.gender else None,
        "enrollment_date": start,
    }


def contact_values(input: Any, fields: dict[str, str]) -> dict[str, Any]:
    given = {column: value for column, value in sent(input, fields).items() if value is not None}
    return contact.clean(given, fields=fields) if given else {}


def stored_columns(values: dict[str, Any]) -> list[str]:
    """The names of the columns given a value (for the audit row: names, not values)."""
    return sorted(column for column, value in values.items() if value is not None)
