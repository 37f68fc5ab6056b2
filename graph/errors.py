"""Errors a client can act on, each with a stable `extensions.code`."""

from __future__ import annotations

from graphql import GraphQLError


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
