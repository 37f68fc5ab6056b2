"""Correct a member's or dependent's name or birth date (admins), with a written reason.

The audit row names the fields and keeps the values replaced and their replacements, sealed
(db/audit.py `seal`: PHI, encrypted as the record's own columns are), with the reason; the
`enrollment.changed` event carries ids and the change only."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from db import audit as audit_db
from db import membership as mdb
from domain import corrections
from domain.errors import DomainError
from domain.reasons import MissingReason, require_reason
from graph.context import Info
from graph.guard import require
from graph.member import glossary as g
from graph.member.enrolment import announce
from graph.member.inputs import UNSET, sent
from graph.member.people import person, resource, subject, table
from graph.member.types import Dependent, Member, Person
from graph.results import InvalidInput, invalid, invalid_field
from graph.rows import build


@strawberry.input(
    description="The corrected values: give only those entered wrong; fields left out stay."
)
class PersonCorrectionInput:
    first_name: str | None = strawberry.field(default=UNSET, description=g.FIRST_NAME)
    middle_name: str | None = strawberry.field(
        default=UNSET, description=g.MIDDLE_NAME + " Null or blank removes it."
    )
    last_name: str | None = strawberry.field(default=UNSET, description=g.LAST_NAME)
    date_of_birth: date | None = strawberry.field(
        default=UNSET,
        description="Date of birth: not in the future, not after coverage began; for a child, "
        "one under which the child was under 26 when coverage began.",
    )


@strawberry.type(description="The record with its corrected name or birth date.")
class PersonCorrected:
    person: Person = strawberry.field(description="The member or dependent record as saved.")
    changed_fields: list[str] = strawberry.field(
        description="The input fields whose values changed."
    )
    event_sequence: int = strawberry.field(
        description="The outbox cursor of this change (an enrollment.changed event)."
    )


CorrectPersonResult = Annotated[
    PersonCorrected | InvalidInput, strawberry.union("CorrectPersonResult")
]


@strawberry.type
class PersonCorrectionMutations:
    @strawberry.mutation(
        description="Correct a name or a birth date entered wrong on a member's or dependent's "
        "record (admins). A written reason is required; the audit trail keeps the values "
        "replaced, encrypted. Claims match people by these, so correct, don't re-enrol."
    )
    async def correct_person_details(
        self,
        info: Info,
        person_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The Member's or Dependent's global id."),
        ],
        input: Annotated[
            PersonCorrectionInput, strawberry.argument(description="The corrected values.")
        ],
        reason: Annotated[
            str,
            strawberry.argument(
                description="Why the record was wrong and where the right value comes from "
                "(e.g. birth certificate seen), at least 10 letters; kept, encrypted, in the "
                "audit trail."
            ),
        ],
    ) -> CorrectPersonResult:
        ctx = info.context
        found = await person(info, person_id)
        if isinstance(found, InvalidInput):
            return found
        kind, row = found
        require(info, "correct", resource(kind, row))
        try:
            why = require_reason(reason, for_what="a correction")
        except MissingReason as exc:
            return invalid_field("reason", str(exc))
        member_id, dependent_id = subject(kind, row)
        try:
            async with ctx.unit_of_work() as db:
                current = await mdb.person_for_update(db, table(kind), row["id"])
                values = corrections.corrected(
                    sent(input, corrections.FIELDS), current=dict(current),
                    enrolled=current["enrollment_date"],
                    relationship=current.get("relationship"), today=ctx.today,
                )  # fmt: skip
                saved = await mdb.correct(db, table_name=table(kind), person=current,
                                          values=values)  # fmt: skip
                employer_id = (
                    current["employer_id"] if kind == "Member"
                    else await _employer(db, member_id)
                )  # fmt: skip
                changed = sorted(values)
                sequence = await announce(
                    db, ctx, change="details_corrected", action="correct_details",
                    resource=(kind, row["id"]), member_id=member_id, employer_id=employer_id,
                    dependent_id=dependent_id, fields=changed,
                    old_values=audit_db.seal({c: current[c] for c in changed}),
                    new_values=audit_db.seal({c: values[c] for c in changed} | {"reason": why}),
                )  # fmt: skip
        except DomainError as exc:
            return invalid(exc)
        return PersonCorrected(
            person=build(Member if kind == "Member" else Dependent, saved),
            changed_fields=[corrections.FIELDS[c] for c in changed],
            event_sequence=sequence,
        )


async def _employer(db, member_id):
    from db import enrolment as enrol_db

    return await enrol_db.employer_of(db, member_id)
