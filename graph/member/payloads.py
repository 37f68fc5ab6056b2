"""What the enrolment and contact mutations return: the record as saved with the cursor of
its `enrollment.changed` event, or one of the refusals a client can act on."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph.member.types import Dependent, Member, Person
from graph.results import IllegalStatusChange, InvalidInput, RecordChanged

_SEQUENCE = (
    "The outbox cursor of this change (an enrollment.changed event); pass it as `after` to "
    "enrollmentChanged to follow later changes."
)


@strawberry.type(description="The new member, numbered and covered from the enrolment date.")
class MemberEnrolled:
    member: Member = strawberry.field(description="The member as saved, with their number.")
    event_sequence: int = strawberry.field(description=_SEQUENCE)


@strawberry.type(description="The dependent, now covered through the member.")
class DependentAdded:
    dependent: Dependent = strawberry.field(
        description="The dependent as saved: active, or already aged out for a child whose "
        "coverage starts in the past and who has turned 26 since (end of that month)."
    )
    event_sequence: int = strawberry.field(description=_SEQUENCE)


@strawberry.type(description="The dependent with the date their coverage ends.")
class DependentTerminated:
    dependent: Dependent = strawberry.field(
        description="The dependent with the termination date: inactive once it has come, "
        "active until then."
    )
    event_sequence: int = strawberry.field(description=_SEQUENCE)


@strawberry.type(description="Your record with its new contact details.")
class ContactUpdated:
    person: Person = strawberry.field(description="The member or dependent record as saved.")
    changed_fields: list[str] = strawberry.field(description="The input fields that changed.")
    event_sequence: int = strawberry.field(description=_SEQUENCE)


EnrollMemberResult = Annotated[
    MemberEnrolled | InvalidInput, strawberry.union("EnrollMemberResult")
]
AddDependentResult = Annotated[
    DependentAdded | InvalidInput, strawberry.union("AddDependentResult")
]
TerminateDependentResult = Annotated[
    DependentTerminated | InvalidInput | IllegalStatusChange | RecordChanged,
    strawberry.union("TerminateDependentResult"),
]
UpdateMyContactResult = Annotated[
    ContactUpdated | InvalidInput, strawberry.union("UpdateMyContactResult")
]
