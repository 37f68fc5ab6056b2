"""Errors a client can act on, each with a stable `extensions.code`."""

from __future__ import annotations

from enum import Enum

from graphql import GraphQLError

from domain.errors import DomainError


class ApiError(GraphQLError):
    code = "INTERNAL"

    def __init__(self, message: str, *, field: str | None = None, **extra) -> None:
        extensions = {"code": self.code, **extra}
        if field:
            extensions["field"] = field
        super().__init__(message, extensions=extensions)


class NotFound(ApiError):
    code = "NOT_FOUND"

    def __init__(self, what: str = "record", **kw) -> None:
        # the same words whether the row is missing or merely invisible: no existence leak
        super().__init__(f"No {what} with that id exists.", **kw)


class BadUserInput(ApiError):
    code = "BAD_USER_INPUT"


class Forbidden(ApiError):
    code = "FORBIDDEN"


class Unauthenticated(ApiError):
    code = "UNAUTHENTICATED"


class ServiceUnavailable(ApiError):
    code = "SERVICE_UNAVAILABLE"


class QueryTooComplex(ApiError):
    code = "QUERY_TOO_COMPLEX"


def error_body(code: str, message: str, *, field: str | None = None) -> dict:
    """A GraphQL-shaped error document for answers given before execution starts."""
    extensions = {"code": code} | ({"field": field} if field else {})
    return {"data": None, "errors": [{"message": message, "extensions": extensions}]}


def schema_name(member: Enum) -> str:
    """How the schema spells a domain enum's member: strawberry names GraphQL enum values
    after the members (tests/graph/test_error_words.py checks it against the schema)."""
    return member.name


def domain_message(exc: DomainError) -> str:
    """A domain error's message in the API's words: statuses and roles as the schema names
    them (`UNDER_REVIEW`, not the stored `under_review`). Every DomainError that becomes an
    answer passes here (graph/results.py, graph/schema.py's shape_error)."""
    return exc.render(schema_name)


def from_domain(exc: DomainError) -> BadUserInput:
    return BadUserInput(domain_message(exc), field=exc.field)
