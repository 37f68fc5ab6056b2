"""Enrolment of members and dependents, and the contact details people keep themselves.

Each mutation asks the policy, runs the enrolment rules (domain/enrolment.py) and writes the
row, the `enrollment.changed` outbox event employer portals follow and the audit row in one
transaction. Neither the event nor the audit row carries PHI: ids, statuses, field names."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry

from db import enrolment as enrol_db
from domain import contact, enrolment
from domain.errors import DomainError, IllegalTransition
from graph import loaders as ld
from graph.context import Info
from graph.errors import BadUserInput
from graph.guard import require
from graph.lookup import by_global_id
from graph.member.enrolment import (
    announce,
    contact_values,
    id_of,
    person_values,
    stored_columns,
    subscriber,
    text_or_none,
)
from graph.member.inputs import AddDependentInput, EnrollMemberInput, UpdateContactInput, sent
from graph.member.payloads import (
    AddDependentResult,
    ContactUpdated,
    DependentAdded,
    DependentTerminated,
    EnrollMemberResult,
    MemberEnrolled,
    TerminateDependentResult,
    UpdateMyContactResult,
)
from graph.member.types import Dependent, Member
from graph.relay import from_global_id
from graph.results import (
    InvalidInput,
    changed,
    illegal,
    invalid,
    invalid_field,
)
from graph.rows import build
from policies import resources as res


@strawberry.type
class MemberMutations:
    @strawberry.mutation(
        description="Enrol a subscriber (admins; an employer for its own employees). The "
        "member gets a member number; add a policy with createPolicy."
    )
    async def enroll_member(
        self,
        info: Info,
        input: Annotated[
            EnrollMemberInput,
            strawberry.argument(description="The subscriber's details and coverage start."),
        ],
    ) -> EnrollMemberResult:
        ctx = info.context
        try:
            employer_id = (
                id_of(input.employer_id, expected="Employer", field="employerId")
                if input.employer_id
                else None
            )
        except DomainError as exc:
            return invalid(exc)
        require(info, "enroll", res.Member(id=None, employer_id=employer_id))
        try:
            values = person_values(input, ctx.today) | contact_values(input, contact.MEMBER_FIELDS)
            if employer_id is not None:
                employer = await ctx.loader(ld.EmployerByIdLoader).load(employer_id)
                enrolment.check_employer(employer["status"] if employer else None)
            values |= {"employer_id": employer_id, "employee_id": text_or_none(input.employee_id),
                       "status": "active"}  # fmt: skip
            async with ctx.unit_of_work() as db:
                if values["ssn"]:
                    await enrol_db.lock_ssn(db, values["ssn"])
                    if await enrol_db.member_with_ssn(db, values["ssn"]) is not None:
                        raise DomainError("A member with this SSN is already enrolled.",
                                          field="ssn")  # fmt: skip
                row = await enrol_db.add_member(db, values=values)
                sequence = await announce(
                    db, ctx, change="member_enrolled", action="enroll_member",
                    resource=("Member", row["id"]), member_id=row["id"],
                    employer_id=employer_id, fields=stored_columns(values),
                    new_values={"status": row["status"],
                                "enrollment_date": row["enrollment_date"].isoformat()},
                )  # fmt: skip
        except DomainError as exc:
            return invalid(exc)
        return MemberEnrolled(member=build(Member, row), event_sequence=sequence)

    @strawberry.mutation(
        description="Cover a spouse, child or other dependent through a member (admins; an "
        "employer for its own employees). A child must be under 26 when coverage starts."
    )
    async def add_dependent(
        self,
        info: Info,
        input: Annotated[
            AddDependentInput,
            strawberry.argument(description="The member, and the dependent's details."),
        ],
    ) -> AddDependentResult:
        ctx = info.context
        member = await by_global_id(info, input.member_id, expected="Member")
        require(info, "add_dependent", res.Member(**member._row))
        relationship = input.relationship.value
        try:
            values = person_values(input, ctx.today) | contact_values(
                input, contact.DEPENDENT_FIELDS
            )
            status, termination = enrolment.new_dependent(
                relationship=relationship, born=input.date_of_birth,
                start=values["enrollment_date"], today=ctx.today,
            )  # fmt: skip
            async with ctx.unit_of_work() as db:
                household = await enrol_db.member_for_update(db, member.db_id)
                enrolment.check_member_active(household["status"])
                enrolment.check_dependent_start(
                    values["enrollment_date"], born=input.date_of_birth,
                    subscriber_start=household["enrollment_date"],
                )  # fmt: skip
                covered = await enrol_db.household(db, member.db_id)
                _check_not_covered(covered, values)
                if status == "active":
                    enrolment.check_one_partner(relationship, [r["relationship"] for r in covered])
                row = await enrol_db.add_dependent(db, values=values | {
                    "member_id": member.db_id, "relationship": relationship,
                    "status": status.value, "termination_date": termination,
                })  # fmt: skip
                sequence = await announce(
                    db, ctx, change="dependent_added", action="add_dependent",
                    resource=("Dependent", row["id"]), member_id=member.db_id,
                    employer_id=household["employer_id"], dependent_id=row["id"],
                    fields=stored_columns(values),
                    new_values={"status": row["status"], "relationship": relationship},
                )  # fmt: skip
        except DomainError as exc:
            return invalid(exc)
        return DependentAdded(dependent=build(Dependent, row), event_sequence=sequence)

    @strawberry.mutation(
        description="End a dependent's coverage on a date (admins; an employer for its own "
        "employees). From that date on the dependent is inactive."
    )
    async def terminate_dependent(
        self,
        info: Info,
        dependent_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The active dependent whose coverage ends."),
        ],
        termination_date: Annotated[
            date,
            strawberry.argument(
                description="First day without coverage: not before coverage began and, for a "
                "child, no later than the end of the month they turn 26."
            ),
        ],
    ) -> TerminateDependentResult:
        ctx = info.context
        dependent = await by_global_id(info, dependent_id, expected="Dependent")
        row = dependent._row
        holder = await subscriber(info, row["member_id"])
        require(info, "terminate", res.Dependent(**row), related=(holder,))
        try:
            enrolment.move_dependent(row["status"], "inactive")
            status = enrolment.dependent_termination(
                relationship=row["relationship"], born=row["date_of_birth"],
                enrolled=row["enrollment_date"], termination=termination_date, today=ctx.today,
            )  # fmt: skip
        except IllegalTransition as exc:
            return illegal(exc)
        except DomainError as exc:
            return invalid(exc)
        async with ctx.unit_of_work() as db:
            ended = await enrol_db.end_dependent(
                db, dependent=row, status=status.value, termination=termination_date
            )
            if ended is None:
                return changed(None, "dependent")
            sequence = await announce(
                db, ctx, change="dependent_terminated", action="terminate_dependent",
                resource=("Dependent", row["id"]), member_id=row["member_id"],
                employer_id=holder.employer_id, dependent_id=row["id"],
                old_values={"status": row["status"]},
                new_values={"status": ended["status"],
                            "termination_date": termination_date.isoformat()},
            )  # fmt: skip
        return DependentTerminated(dependent=build(Dependent, ended), event_sequence=sequence)

    @strawberry.mutation(
        description="Change your own contact details: a member their email, phones, address "
        "and emergency contact; an adult dependent their email and phone."
    )
    async def update_my_contact(
        self,
        info: Info,
        input: Annotated[
            UpdateContactInput, strawberry.argument(description="The details to change.")
        ],
        person_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Your own record; left out, the one you signed in as."),
        ] = None,
    ) -> UpdateMyContactResult:
        ctx = info.context
        found = await _own_record(info, person_id)
        if isinstance(found, InvalidInput):
            return found
        kind, row = found
        is_member = kind == "Member"
        resource = res.Member(**row) if is_member else res.Dependent(**row)
        require(info, "update_contact", resource)
        fields = contact.MEMBER_FIELDS if is_member else contact.DEPENDENT_FIELDS
        try:
            values = contact.clean(sent(input, contact.MEMBER_FIELDS), fields=fields)
        except DomainError as exc:
            return invalid(exc)
        differs = sorted(c for c, v in values.items() if row[c] != v)
        member_id = row["id"] if is_member else row["member_id"]
        async with ctx.unit_of_work() as db:
            updated = await enrol_db.update_contact(
                db, table_name="members" if is_member else "dependents", record_id=row["id"],
                values=values,
            )  # fmt: skip
            employer_id = (
                row["employer_id"] if is_member else await enrol_db.employer_of(db, member_id)
            )
            sequence = await announce(
                db, ctx, change="contact_updated", action="update_contact",
                resource=(kind, row["id"]), member_id=member_id, employer_id=employer_id,
                dependent_id=None if is_member else row["id"], fields=differs,
                new_values={"changed": differs},
            )  # fmt: skip
        person = build(Member if is_member else Dependent, updated)
        return ContactUpdated(
            person=person,
            changed_fields=[contact.MEMBER_FIELDS[c] for c in differs],
            event_sequence=sequence,
        )


def _check_not_covered(covered: list, values: dict[str, Any]) -> None:
    match = enrol_db.same_person(covered, values)
    if match == "ssn":
        raise DomainError("A dependent with this SSN is already covered by the member.",
                          field="ssn")  # fmt: skip
    if match == "name_dob":
        raise DomainError(
            "A dependent with this name and date of birth is already covered by the member.",
            field="dateOfBirth",
        )


async def _own_record(info: Info, person_id: strawberry.ID | None):
    """("Member" | "Dependent", row) of the record to change: the one named, if visible
    (NOT_FOUND otherwise), else the principal's own. A principal with no record of its own
    gets a stand-in the policy refuses."""
    if person_id is not None:
        try:
            kind, _ = from_global_id(person_id, field="personId")
        except BadUserInput as exc:
            return invalid_field("personId", exc.message)
        if kind not in ("Member", "Dependent"):
            return invalid_field("personId", "personId must name a Member or a Dependent.")
        return kind, (await by_global_id(info, person_id, expected=kind))._row
    p, loader = info.context.principal, info.context.loader
    kind, own = "Member", None
    if p.member_id is not None:
        kind, own = "Member", await loader(ld.MemberByIdLoader).load(p.member_id)
    elif p.dependent_id is not None:
        kind, own = "Dependent", await loader(ld.DependentByIdLoader).load(p.dependent_id)
    if own is None:
        require(info, "update_contact", res.Member(id=None, employer_id=None))
    return kind, own
