"""The typed refusals every mutation's result union may hold: each has a stable `code`,
a message in plain words and, where the user can fix it, the input field at fault."""

from __future__ import annotations

import strawberry

from domain.errors import DomainError, IllegalTransition
from graph.errors import domain_message, schema_name


@strawberry.type(description="The input breaks a rule; `field` names the input at fault.")
class InvalidInput:
    code: str
    message: str
    field: str | None


@strawberry.type(description="The record is not in a state that allows this move.")
class IllegalStatusChange:
    code: str
    message: str
    current_status: str
    requested_status: str


@strawberry.type(description="The rule of separation of duties, or another role rule, refused it.")
class NotAllowed:
    code: str
    message: str


@strawberry.type(description="Someone changed the record first: reload it and try again.")
class RecordChanged:
    code: str
    message: str
    current_version: int | None


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
