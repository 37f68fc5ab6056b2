"""Top-level and nested Relay lists: argument checks, keyset cursors, lazy totals."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import strawberry
from sqlalchemy import Date, Integer, Numeric
from sqlalchemy.dialects.postgresql import TIMESTAMP

from db import repos
from db.filters import TABLES, narrowed
from db.repos import Order
from domain.access import AllOf, RowFilter
from graph.context import Context
from graph.errors import BadUserInput
from graph.loaders import Page, PageRequest
from graph.relay import Connection, connection, decode_cursor, encode_cursor
from graph.search import COLUMN_READS, check


@strawberry.enum(description="Sort direction.")
class OrderDirection(Enum):
    ASC = strawberry.enum_value(
        "asc", description="Ascending: smallest number, earliest date or A first."
    )
    DESC = strawberry.enum_value(
        "desc", description="Descending: largest number, latest date or Z first."
    )


def check_first(first: int, *, cap: int) -> int:
    if first < 1 or first > cap:
        raise BadUserInput(f"'first' must be between 1 and {cap}.", field="first")
    return first


def _parser(column) -> Callable[[Any], Any]:
    if isinstance(column.type, TIMESTAMP):
        return datetime.fromisoformat
    if isinstance(column.type, Date):
        return date.fromisoformat
    if isinstance(column.type, Integer):
        return int
    if isinstance(column.type, Numeric):
        return Decimal
    return str


class Listing:
    """How one list is ordered and paged: the ordering, its cursor key and row → node.

    Ordering reads the columns it sorts by, so each must be declared in
    graph.search.COLUMN_READS (a KeyError here, at import, for one that is not). A column
    the principal may not search on is refused when the client asked for that order
    (`label` names it), and left out of a default order, which then falls back to the id.
    """

    def __init__(self, resource: str, order: Sequence[Order], *, label: str | None = None):
        self.resource = resource
        self.table = TABLES[resource]
        self.order = tuple(order)
        self.label = label
        self.reads = [COLUMN_READS[(resource, o.column)] for o in self.order]
        # the list is part of the key: a cursor of one list is no position in another
        order_key = ",".join(f"{o.column}:{'d' if o.descending else 'a'}" for o in self.order)
        self.key = f"{resource}|{order_key}"
        self._parsers = [_parser(self.table.c[o.column]) for o in self.order] + [UUID]
        self._narrower: dict[tuple[Order, ...], Listing] = {self.order: self}

    def cursor(self, row) -> str:
        return encode_cursor(self.key, [row[o.column] for o in self.order] + [row["id"]])

    def after(self, cursor: str | None) -> tuple | None:
        if cursor is None:
            return None
        return tuple(decode_cursor(cursor, self.key, self._parsers))

    def for_principal(self, ctx: Context) -> Listing:
        """This listing, or the default order without what the principal may not search."""
        allowed = [ctx.authorizer.may_search(ctx.principal, *r) for r in self.reads]
        if all(allowed):
            return self
        if self.label is not None:
            denied = [r for r, ok in zip(self.reads, allowed, strict=True) if not ok]
            check(ctx, [(self.label, *r) for r in denied])  # raises FORBIDDEN, audited
        order = tuple(o for o, ok in zip(self.order, allowed, strict=True) if ok)
        if order not in self._narrower:
            self._narrower[order] = Listing(self.resource, order)
        return self._narrower[order]

    async def top_level(
        self,
        ctx: Context,
        build: Callable[[Any], Any],
        *,
        first: int,
        after: str | None,
        extra: RowFilter | None = None,
    ) -> Connection:
        """A page of every visible row (narrowed by `extra`), with a lazily counted total."""
        first = check_first(first, cap=ctx.settings.max_page_size)
        self = self.for_principal(ctx)
        position = self.after(after)
        condition = narrowed(self.table, ctx.condition(self.resource), extra)
        rows = await repos.fetch_page(
            ctx.db, self.table, condition=condition, order=self.order, first=first, after=position
        )

        async def total() -> int:
            return await repos.count(ctx.db, self.table, condition=condition)

        page = rows[:first]
        return connection(
            [build(r) for r in page],
            page,
            self.cursor,
            has_next=len(rows) > first,
            has_previous=position is not None,
            total=total,
        )

    def request(self, ctx: Context, *, first: int, after: str | None, extra=None) -> PageRequest:
        first = check_first(first, cap=ctx.settings.max_page_size)
        listing = self.for_principal(ctx)
        return PageRequest(listing.order, first, listing.after(after), extra)

    def from_page(self, page: Page, build: Callable[[Any], Any], *, request: PageRequest):
        listing = self._narrower[tuple(request.order)]
        return connection(
            [build(r) for r in page.rows],
            page.rows,
            listing.cursor,
            has_next=page.has_next,
            has_previous=request.after is not None,
            total=page.total,
        )


def all_of(*parts: RowFilter | None) -> RowFilter | None:
    present = tuple(p for p in parts if p is not None)
    if not present:
        return None
    return present[0] if len(present) == 1 else AllOf(present)


def date_range(
    column: str, start: date | datetime | None, end: date | datetime | None, *, field: str
) -> list[RowFilter]:
    """`start <= column <= end`; a reversed range is the client's mistake, said plainly."""
    from domain.access import Compare

    if start is not None and end is not None and start > end:
        raise BadUserInput(f"'{field}' range is reversed: its start is after its end.", field=field)
    out: list[RowFilter] = []
    if start is not None:
        out.append(Compare(column, ">=", start))
    if end is not None:
        out.append(Compare(column, "<=", end))
    return out
