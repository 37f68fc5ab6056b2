"""What every request's input passes before a resolver sees it, so that a bad input is a coded
answer (BAD_USER_INPUT, QUERY_TOO_COMPLEX) and never an INTERNAL error or a failed statement.

- Amounts (the `Decimal` scalar) are written as digits within numeric(12,2)'s range: an
  exponent form (`1E+30`, `1e400`) or a value too large for the column is refused while the
  variables are coerced (the rule is domain/money.py's).
- No string anywhere in the variables or in the document's literals may hold a NUL
  character (PostgreSQL stores none) or a lone surrogate (it is not UTF-8); a multipart map
  may put files only where the operation declares an `Upload`, and an `Upload` takes only
  files. The error names the path.
- Errors of parsing, validation and variable coercion are the client's: they leave coded,
  without the "found: {...}" echo of the client's values, and are never logged as incidents.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from cross_web import HTTPException
from graphql import (
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLSyntaxError,
    StringValueNode,
    Visitor,
    get_operation_ast,
    type_from_ast,
    visit,
)
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.schema.types.base_scalars import DecimalDefinition
from strawberry.types.unset import UNSET

from domain import money
from domain.errors import DomainError
from graph.errors import ApiError, error_body
from graph.gate import http_code

_HTTP_ANSWERS = (MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError)
_TOO_COMPLEX = re.compile(r"more than \d+ tokens|nested too deeply")
_ECHO = re.compile(r"(?: Did you mean [^?]*\?)?[.;,]? ?[Ff]ound: .*$", re.DOTALL)
_VARIABLE_AT = re.compile(r"^Variable '\$(\w+)' has invalid value(?: at \.?([^:]+))?:")


def _parse_amount(value: object) -> Decimal:
    # a ValueError (not a GraphQLError): graphql-core then reports it with its location
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValueError('an amount is a string of digits, like "125.00"')
    try:
        return money.number(str(value), field="amount")
    except DomainError as exc:
        raise ValueError(str(exc)) from None


# the scalar keeps its name and description (the printed schema does not change)
AMOUNT_SCALAR = dataclasses.replace(DecimalDefinition, parse_value=_parse_amount)
SCALAR_OVERRIDES = {Decimal: AMOUNT_SCALAR}


def _flaw(text: str) -> str | None:
    if "\x00" in text:
        return "holds a NUL character, which is not accepted"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode (a lone surrogate)"
    return None


def _is_upload(type_) -> bool:
    return isinstance(type_, GraphQLScalarType) and type_.name == "Upload"


def variable_flaws(value: Any, type_, path: str) -> Iterator[tuple[str, str]]:
    """(path, what is wrong) for each NUL, lone surrogate or misplaced file in a variable's
    value, walked along its declared type (without recursion: values may be deep)."""
    stack = [(value, type_, path)]
    while stack:
        value, type_, path = stack.pop()
        # a non-list value stands for a list of one: its type is the item's
        while isinstance(type_, GraphQLNonNull) or (
            isinstance(type_, GraphQLList) and not isinstance(value, list)
        ):
            type_ = type_.of_type
        if isinstance(value, UploadFile):
            if not _is_upload(type_):
                yield path, "is a file, but the multipart map may point only at an Upload"
            elif flaw := _flaw(value.filename or ""):
                yield path, f"has a file name that {flaw}"
        elif _is_upload(type_):
            if value is not None:
                yield path, "must be a file sent as a multipart upload"
        elif isinstance(value, str):
            if flaw := _flaw(value):
                yield path, flaw
        elif isinstance(value, dict):
            fields = type_.fields if isinstance(type_, GraphQLInputObjectType) else {}
            for key, item in value.items():
                if isinstance(key, str) and (flaw := _flaw(key)):
                    yield path, f"has a key that {flaw}"
                    continue
                inner = fields[key].type if key in fields else None
                stack.append((item, inner, f"{path}.{key}"))
        elif isinstance(value, list):
            inner = type_.of_type if isinstance(type_, GraphQLList) else None
            stack.extend((item, inner, f"{path}[{i}]") for i, item in enumerate(value))


class _Literals(Visitor):
    """String literals of the document that hold a NUL or a lone surrogate, with the
    argument or input field they are given to."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self.found: list[tuple[str, StringValueNode, str]] = []

    def enter_argument(self, node, *_args) -> None:
        self.names.append(node.name.value)

    def leave_argument(self, node, *_args) -> None:
        self.names.pop()

    enter_object_field = enter_argument
    leave_object_field = leave_argument

    def enter_string_value(self, node: StringValueNode, *_args) -> None:
        if flaw := _flaw(node.value):
            self.found.append((".".join(self.names) or "query", node, flaw))


def _coded(error: GraphQLError, code: str | None) -> GraphQLError:
    """The client's error without the echo of its values or an original exception (it is
    not an incident), with a code (None: StableErrors gives it one by its message)."""
    if isinstance(error, ApiError) or (error.extensions or {}).get("code"):
        return error
    message = _ECHO.sub(".", error.message).replace("..", ".")
    extensions: dict[str, Any] = {"code": code} if code else {}
    if found := _VARIABLE_AT.match(message):
        extensions["field"] = found[2] or found[1]
    return GraphQLError(message, error.nodes, error.source, error.positions,
                        extensions=extensions)  # fmt: skip


def _request_code(error: GraphQLError) -> str:
    original = error.original_error
    if isinstance(original, RecursionError) or _TOO_COMPLEX.search(error.message):
        return "QUERY_TOO_COMPLEX"
    return "BAD_USER_INPUT"


class InputGuard(SchemaExtension):
    """Put before StableErrors: client errors are coded before they are shaped."""

    def on_operation(self):
        # A parse error escapes the parser cache's hook (and so every hook but this one,
        # which wraps the operation): it is coded here on its way out, and so is anything
        # else an extension raises (StableErrors shapes only what the result holds).
        try:
            yield
        except GraphQLSyntaxError as error:
            raise _coded(error, _request_code(error)) from None
        except RecursionError:
            raise GraphQLError(
                "The document is nested too deeply.", extensions={"code": "QUERY_TOO_COMPLEX"}
            ) from None
        except _HTTP_ANSWERS:
            raise  # strawberry turns these into 400s (CodedAnswers below gives them a code)
        except Exception as exc:
            if isinstance(exc, GraphQLError) and (exc.extensions or {}).get("code"):
                raise
            from graph.schema import shape_error  # it imports this module

            error = (
                exc if isinstance(exc, GraphQLError) else GraphQLError(str(exc), original_error=exc)
            )
            request_id = getattr(self.execution_context.context, "request_id", None)
            raise shape_error(error, request_id) from None

    def on_validate(self):
        yield
        errors = self.execution_context.pre_execution_errors
        if errors:  # in place: the list is the one the answer (and the cache) holds
            errors[:] = [_coded(e, None) for e in errors]  # depth, aliases, cost: by message

    def on_execute(self):
        refusal = self._refusal()
        if refusal is not None:  # raised: the one way to stop subscriptions too
            raise refusal
        yield
        result = self.execution_context.result
        if result is not None and result.errors and result.data is None:
            _recode_coercion(result.errors)

    def on_stream_result(self, result):
        # a subscription's variable coercion errors arrive here, not after on_execute
        if getattr(result, "errors", None) and getattr(result, "data", None) is None:
            _recode_coercion(result.errors)
        yield

    def _refusal(self) -> GraphQLError | None:
        ctx = self.execution_context
        document = ctx.graphql_document
        if document is None:
            return None
        if "\\u" in (ctx.query or ""):  # NUL and surrogates reach a literal only escaped
            literals = _Literals()
            visit(document, literals)
            for name, node, flaw in literals.found:
                return _bad(f"The value given to '{name}' {flaw}.", name, [node])
        operation = get_operation_ast(document, ctx.operation_name)
        variables = ctx.variables or {}
        for definition in (operation.variable_definitions or ()) if operation else ():
            name = definition.variable.name.value
            if name in variables:
                declared = type_from_ast(ctx.schema._schema, definition.type)
                for path, flaw in variable_flaws(variables[name], declared, name):
                    return _bad(f"The variable ${path} {flaw}.", path, [definition])
        return None


def _recode_coercion(errors: list[GraphQLError]) -> None:
    """Variable coercion failed before any resolver ran: those errors are the client's."""
    errors[:] = [
        _coded(e, _request_code(e))
        if e.path is None and isinstance(e.original_error, GraphQLError | RecursionError)
        else e
        for e in errors
    ]


def _bad(message: str, field: str, nodes) -> GraphQLError:
    extensions = {"code": "BAD_USER_INPUT", "field": field}
    return GraphQLError(message, nodes=nodes, extensions=extensions)


# --- the HTTP layer ----------------------------------------------------------------------------
class CodedAnswers:
    """Mixed into strawberry's ASGI view: whatever the HTTP layer refuses (a body that is not
    JSON, nested too deeply, a multipart map that does not fit, an unknown operation name,
    a batch) leaves as a GraphQL error document with a code, never as plain text or a 500."""

    async def run(self, request, context=UNSET, root_value=UNSET):
        try:
            return await super().run(request, context, root_value)  # type: ignore[misc]
        except (HTTPException, StarletteHTTPException) as exc:
            status = exc.status_code
            reason = exc.reason if isinstance(exc, HTTPException) else str(exc.detail)
            return JSONResponse(error_body(http_code(status), reason), status_code=status)

    def decode_json(self, data: str | bytes) -> object:
        try:
            return json.loads(data)
        except RecursionError:
            raise HTTPException(400, "The JSON is nested too deeply.") from None
        except ValueError:  # not JSON, or bytes that are not UTF-8/16/32
            raise HTTPException(400, "Unable to parse request body as JSON") from None

    async def parse_http_body(self, request):
        try:
            return await super().parse_http_body(request)  # type: ignore[misc]
        except (AttributeError, TypeError):  # a JSON string or number instead of an object
            raise HTTPException(400, "The request body must be a JSON object.") from None

    async def parse_multipart(self, request):
        try:
            return await super().parse_multipart(request)  # type: ignore[misc]
        except (AttributeError, TypeError, ValueError, IndexError, RecursionError):
            why = "The multipart 'map' does not fit 'operations' (paths like 'variables.file')."
            raise HTTPException(400, why) from None
