"""Relay plumbing: global ids, opaque cursors, connections with totalCount."""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, Generic, TypeVar
from uuid import UUID

import strawberry
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from graph.context import _CURRENT, current_context
from graph.errors import BadUserInput, Forbidden
from graph.fields import Classified, decisions_for, graphql_names
from graph.keys import pseudonym

T = TypeVar("T")


def to_global_id(type_name: str, db_id: UUID) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{db_id}".encode()).decode().rstrip("=")


def _b64decode(value: str) -> str:
    padded = value + "=" * (-len(value) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")


# The numbers people read (domain/identifiers.py): prefix -> (what it is, the root list and
# its filter field that find the record by it, or None where no filter does).
# tests/graph/test_error_words.py checks each against the schema, and that every number
# filter of a root list is here.
RECORD_NUMBERS: dict[str, tuple[str, tuple[str, str] | None]] = {
    "CLM": ("claim", ("claims", "claimNumber")),
    "MBR": ("member", ("members", "memberNumber")),
    "POL": ("policy", None),
    "APL": ("appeal", None),
    "CTR": ("contract", None),
    "PAY": ("payment", None),
    "GRP": ("group", None),
}
_RECORD_NUMBER = re.compile(r"\s*([A-Za-z]{3})-[0-9][0-9-]*\s*")


def number_hint(value: str, field: str) -> str | None:
    """What to do with a record number given where an id belongs. The value itself is never
    repeated (a member number identifies a person): only the kind of number it looks like."""
    found = _RECORD_NUMBER.fullmatch(value)
    known = RECORD_NUMBERS.get(found[1].upper()) if found else None
    if known is None:
        return None
    what, finder = known
    if finder is None:
        return (f"'{field}' takes an id, and this looks like a {what} number; "
                f"pass the {what}'s id field instead.")  # fmt: skip
    root, filter_field = finder
    return (f"'{field}' takes an id, and this looks like a {what} number; find the {what} "
            f"with {root}(filter: {{{filter_field}: ...}}) and pass its id.")  # fmt: skip


def from_global_id(
    value: str, *, expected: str | None = None, field: str = "id"
) -> tuple[str, UUID]:
    """(type name, uuid) of a global id; BAD_USER_INPUT when malformed or of another type."""
    if hint := number_hint(value, field):
        raise BadUserInput(hint, field=field)
    try:
        type_name, raw = _b64decode(value).split(":", 1)
        db_id = UUID(raw)
    except (ValueError, UnicodeError, binascii.Error):
        raise BadUserInput(f"'{field}' is not a valid id.", field=field) from None
    if expected is not None and type_name != expected:
        raise BadUserInput(f"'{field}' must be the id of a {expected}.", field=field)
    return type_name, _named_row(type_name, db_id)


def _named_row(type_name: str, client_id: UUID) -> UUID:
    """The row a client's id names. Where the field policy hands this principal pseudonyms
    for a type (regulators, records tied to people), ids of that type are taken as
    pseudonyms and only as pseudonyms: a real id given instead names no row."""
    ctx = _CURRENT.get(None)
    if ctx is None:
        return client_id
    decision = identity_decision(ctx, type_name)
    if decision is not None and decision.how == "pseudonym":
        from graph.keys import real_id

        return real_id(client_id)
    return client_id


def identity_decision(ctx, type_name: str):
    """How this principal sees the ids of a type (visible, pseudonym, or None: hidden)."""
    from policies.resources import FieldView

    view = FieldView.guarded(type_name)  # the id rule depends on the role and type only
    return ctx.authorizer.field_access(ctx.principal, view).get("identity")


@strawberry.interface(description="An object with a global id (Relay).")
class Node(Classified):
    db_id: strawberry.Private[UUID]
    _row: strawberry.Private[Any]
    _decisions: strawberry.Private[Any] = None
    id: strawberry.ID = strawberry.field(
        description="Global id; pass it to node(id:) or the type's own lookup. "
        "Regulators get stable pseudonyms for people instead."
    )

    @staticmethod
    def field_view(principal, row, today) -> Any:
        """The facts the field policy needs about a record of this type (override per type)."""
        raise TypeError("every Node type declares its field view")

    def __getattr__(self, name: str) -> Any:
        if name == "id":
            return self._global_id()
        return super().__getattr__(name)

    def _global_id(self) -> strawberry.ID:
        decision = decisions_for(self, current_context()).get("identity")
        name = type(self).__name__
        if decision is not None and decision.visible:
            return strawberry.ID(to_global_id(name, self.db_id))
        if decision is not None and decision.how == "pseudonym":
            return strawberry.ID(to_global_id(name, pseudonym(self.db_id)))
        raise Forbidden(f"You may not read the id of this {graphql_names(type(self))[0]}.")


# --- cursors ---------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date | UUID | Decimal):
        return str(value)
    return value


@cache
def _cursor_aead() -> AESGCM:
    from graph.keys import secret

    return AESGCM(secret("cursor"))


def _bound_to(owner: UUID | None) -> bytes:
    """Who a cursor belongs to (`owner`, else the principal of the request being answered):
    it opens only for the user it was handed to."""
    if owner is None:
        principal = getattr(_CURRENT.get(None), "principal", None)
        owner = getattr(principal, "user_id", None)
    return f"{owner or ''}".encode()


def encode_cursor(order_key: str, values: Sequence[Any], *, owner: UUID | None = None) -> str:
    """An opaque cursor: the position sealed (AES-GCM) and bound to the principal, so it
    carries nothing a client may read (sort values, real row ids) and nothing it may forge."""
    raw = json.dumps([order_key, [_jsonable(v) for v in values]], separators=(",", ":"))
    nonce = os.urandom(12)
    sealed = nonce + _cursor_aead().encrypt(nonce, raw.encode(), _bound_to(owner))
    return base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def decode_cursor(
    cursor: str,
    order_key: str,
    parsers: Sequence[Callable[[Any], Any]],
    *,
    owner: UUID | None = None,
) -> list:
    """Cursor values for this ordering; BAD_USER_INPUT when malformed, forged, another
    principal's, or from another order."""
    try:
        sealed = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        raw = _cursor_aead().decrypt(sealed[:12], sealed[12:], _bound_to(owner))
        key, values = json.loads(raw)
        if key != order_key or len(values) != len(parsers):
            raise ValueError
        return [parse(v) for parse, v in zip(parsers, values, strict=True)]
    except (ValueError, TypeError, UnicodeError, binascii.Error, ArithmeticError, InvalidTag):
        raise BadUserInput(
            "'after' is not a cursor of this list and ordering.", field="after"
        ) from None


# --- connections -----------------------------------------------------------------------------


@strawberry.type(description="Where a page sits in its list, and the cursors to move on from it.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="True when more records follow this page: ask again with `after: endCursor`."
    )
    has_previous_page: bool = strawberry.field(
        description="True when this page was asked for with `after`, so records come before it."
    )
    start_cursor: str | None = strawberry.field(
        description="The cursor of the page's first record; null when the page is empty."
    )
    end_cursor: str | None = strawberry.field(
        description="The cursor of the page's last record, to pass as `after` for the next "
        "page; null when the page is empty."
    )


@strawberry.type
class Edge(Generic[T]):
    cursor: str = strawberry.field(
        description="An opaque, encrypted position in the list: pass it as `after` to go on "
        "past this record. It is encrypted, so it shows no value of the record it points at."
    )
    node: T = strawberry.field(description="The record itself.")
    _cursor_of: strawberry.Private[Callable[[], str] | None] = None

    def __getattr__(self, name: str) -> Any:
        # an edge made by `connection` seals its cursor when it is first read: a page whose
        # cursors nobody asks for costs no encryption
        cursor_of = self.__dict__.get("_cursor_of")
        if name != "cursor" or cursor_of is None:
            raise AttributeError(name)
        self.cursor = cursor_of()
        return self.cursor


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(
        description="The records on this page, in the list's order, each with its cursor."
    )
    page_info: PageInfo = strawberry.field(
        description="Whether more records follow, and the cursors to ask for them."
    )
    _total: strawberry.Private[Callable[[], Awaitable[int]] | int]

    @strawberry.field(description="How many rows the whole list holds (all pages).")
    async def total_count(self) -> int:
        if isinstance(self._total, int):
            return self._total
        return await self._total()


def connection(
    nodes: list[T],
    rows: Sequence[Any],
    cursor_of: Callable[[Any], str],
    *,
    has_next: bool,
    has_previous: bool,
    total: Callable[[], Awaitable[int]] | int,
) -> Connection[T]:
    """A page of `nodes` built from `rows`; `cursor_of(row)` is the row's cursor."""
    edges = [_edge(node, row, cursor_of) for node, row in zip(nodes, rows, strict=True)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            # the same strings as the first and last edges' cursors (sealed now, and kept)
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        _total=total,
    )


def _edge(node: Any, row: Any, cursor_of: Callable[[Any], str]) -> Edge:
    edge = Edge.__new__(Edge)
    edge.node = node
    edge._cursor_of = lambda: cursor_of(row)
    return edge
