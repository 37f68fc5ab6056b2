"""Medical fields, preferred language and communication preferences: a member writes their
own, an adult dependent with a login theirs, admins anyone's.

Medical fields are PHI: stored encrypted, and the audit row names the fields written, never
their values. No `enrollment.changed` event: nothing here is enrolment, and an employer's
portal has no business learning that an employee's medical record changed."""

from __future__ import annotations

from typing import Annotated

import strawberry

from db import membership as mdb
from domain import profile
from domain.errors import DomainError
from graph import enums
from graph import loaders as ld
from graph.context import Info
from graph.guard import require
from graph.member.inputs import UNSET, sent
from graph.member.people import person, resource, subject, table
from graph.member.types import Dependent, Member, Person
from graph.results import InvalidInput, invalid
from graph.rows import build
from policies import resources as res

_CLEAR = " Null clears it."


@strawberry.input(description="How the person accepts to be contacted, and which way first.")
class CommunicationPreferencesInput:
    email: bool = strawberry.field(default=False, description="Email to the address on record.")
    sms: bool = strawberry.field(default=False, description="Text messages to the phone.")
    phone: bool = strawberry.field(default=False, description="Phone calls.")
    mail: bool = strawberry.field(default=False, description="Letters to the home address.")
    preferred: enums.ContactChannel | None = strawberry.field(
        default=None, description="The way tried first; one of those accepted."
    )


@strawberry.input(
    description="Details a person keeps on their own record. Fields left out stay as they are."
)
class PersonProfileInput:
    blood_type: str | None = strawberry.field(
        default=UNSET, description="ABO and Rh blood group: A+, A-, B+, B-, AB+, AB-, O+ or O-."
        + _CLEAR,
    )  # fmt: skip
    allergies: str | None = strawberry.field(
        default=UNSET, description="Known allergies, free text, at most 2000 characters." + _CLEAR
    )
    medical_conditions: str | None = strawberry.field(
        default=UNSET,
        description="Known medical conditions, free text, at most 2000 characters." + _CLEAR,
    )
    preferred_language: str | None = strawberry.field(
        default=UNSET,
        description="The language the plan writes in, as a code (en, es, zh-TW); null: en.",
    )
    communication_preferences: CommunicationPreferencesInput | None = strawberry.field(
        default=UNSET,
        description="The ways to be contacted, at least one; null: not stated (every way on "
        "record may be used).",
    )


@strawberry.type(description="The record with the details as saved.")
class ProfileUpdated:
    person: Person = strawberry.field(description="The member or dependent record as saved.")
    changed_fields: list[str] = strawberry.field(
        description="The input fields whose values changed."
    )


UpdateProfileResult = Annotated[
    ProfileUpdated | InvalidInput, strawberry.union("UpdateProfileResult")
]


@strawberry.type
class ProfileMutations:
    @strawberry.mutation(
        description="Write medical fields (blood type, allergies, conditions), the preferred "
        "language and communication preferences: a member their own, an adult dependent with "
        "a login theirs, admins anyone's. Medical fields are PHI; the write is audited."
    )
    async def update_person_profile(
        self,
        info: Info,
        input: Annotated[
            PersonProfileInput, strawberry.argument(description="The details to write.")
        ],
        person_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The Member's or Dependent's global id; left out, your own record."
            ),
        ] = None,
    ) -> UpdateProfileResult:
        ctx = info.context
        found = await (person(info, person_id) if person_id is not None else _own(info))
        if isinstance(found, InvalidInput):
            return found
        kind, row = found
        require(info, "update_profile", resource(kind, row))
        given = sent(input, profile.FIELDS)
        prefs = given.get("communication_preferences")
        if prefs is not None:
            channels = {c: getattr(prefs, c) for c in profile.CHANNELS}
            given["communication_preferences"] = (
                channels, prefs.preferred.value if prefs.preferred else None,
            )  # fmt: skip
        try:
            values = profile.clean(given)
        except DomainError as exc:
            return invalid(exc)
        differs = sorted(c for c, v in values.items() if row[c] != v)
        member_id, dependent_id = subject(kind, row)
        async with ctx.unit_of_work() as db:
            saved = await mdb.update_profile(db, table_name=table(kind), record_id=row["id"],
                                             values=values)  # fmt: skip
            ctx.audit.event(
                "update_profile", kind, row["id"], subject_member_id=member_id,
                subject_dependent_id=dependent_id, fields=differs,
                new_values={"changed": differs},
            )  # fmt: skip
        return ProfileUpdated(
            person=build(Member if kind == "Member" else Dependent, saved),
            changed_fields=[profile.FIELDS[c] for c in differs],
        )


async def _own(info: Info):
    """The principal's own record; one with none gets a stand-in the policy refuses."""
    p, loader = info.context.principal, info.context.loader
    if p.member_id is not None:
        own = await loader(ld.MemberByIdLoader).load(p.member_id)
        if own is not None:
            return "Member", own
    if p.dependent_id is not None:
        own = await loader(ld.DependentByIdLoader).load(p.dependent_id)
        if own is not None:
            return "Dependent", own
    require(info, "update_profile", res.Member(id=None, employer_id=None))
    raise AssertionError("unreachable: the policy refuses a record that is nobody's")
