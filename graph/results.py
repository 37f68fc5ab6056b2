"""The typed refusals every mutation's result union may hold: each has a stable `code`,
a message in plain words and, where the user can fix it, the input field at fault."""

from __future__ import annotations

import strawberry

from domain.errors import DomainError, IllegalTransition
from graph.errors import domain_message, schema_name

_MESSAGE = (
    "What went wrong and what to do, in plain words for the person at the screen. Never a "
    "name, member number, SSN or date of birth."
)


@strawberry.type(description="The input breaks a rule; `field` names the input at fault.")
class InvalidInput:
    code: str = strawberry.field(
        description="Always BAD_USER_INPUT: the same stable code as a top-level input error."
    )
    message: str = strawberry.field(description=_MESSAGE)
    field: str | None = strawberry.field(
        description="The input at fault, as the schema spells it (a path such as `denialCode` "
        "or `lines[0].chargeAmount`, counted from 0); null when no single input is at fault."
    )


@strawberry.type(description="The record is not in a state that allows this move.")
class IllegalStatusChange:
    code: str = strawberry.field(
        description="Always BAD_USER_INPUT: the move is refused, nothing was changed."
    )
    message: str = strawberry.field(description=_MESSAGE)
    current_status: str = strawberry.field(
        description="The record's status now, as the schema's enum value (e.g. `PAID` of "
        "ClaimStatus, `UPHELD` of AppealStatus); reload the record to see why."
    )
    requested_status: str = strawberry.field(
        description="The status the change would have moved the record to, as the schema's "
        "enum value of the same enum (e.g. `UNDER_REVIEW`)."
    )


@strawberry.type(description="The rule of separation of duties, or another role rule, refused it.")
class NotAllowed:
    code: str = strawberry.field(
        description="Always FORBIDDEN: a rule about who you are, not your role, refused it."
    )
    message: str = strawberry.field(description=_MESSAGE)


@strawberry.type(description="Someone changed the record first: reload it and try again.")
class RecordChanged:
    code: str = strawberry.field(description="Always CONFLICT: nothing of this change was saved.")
    message: str = strawberry.field(description=_MESSAGE)
    current_version: int | None = strawberry.field(
        description="The record's version now, to pass back once you have read it again "
        "(claims, validation rules); null when the record carries no version, or when the "
        "other change was saved while this one was being written: read the record again."
    )


def invalid(exc: DomainError) -> InvalidInput:
    return InvalidInput(code="BAD_USER_INPUT", message=domain_message(exc), field=exc.field)


def invalid_field(field: str, message: str) -> InvalidInput:
    return InvalidInput(code="BAD_USER_INPUT", message=message, field=field)


def illegal(exc: IllegalTransition) -> IllegalStatusChange:
    return IllegalStatusChange(
        code="BAD_USER_INPUT",
        message=domain_message(exc),
        current_status=schema_name(exc.current),
        requested_status=schema_name(exc.requested),
    )


def not_allowed(exc: DomainError) -> NotAllowed:
    return NotAllowed(code="FORBIDDEN", message=domain_message(exc))


def changed(version: int | None, what: str = "record") -> RecordChanged:
    return RecordChanged(
        code="CONFLICT",
        message=f"Another change to this {what} was saved first; reload it and try again.",
        current_version=version,
    )
