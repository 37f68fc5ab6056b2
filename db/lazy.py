"""Rows whose encrypted columns are decrypted when read, not when fetched.

A read fetches whole rows, but a response rarely shows every column: the employer roster
shows two names of each member and only counts their dependents. Decrypting every PHI
column of every fetched row cost more than the rest of such a request together. Here the
statement selects the ciphertext as text, and each row decrypts a column the first time
something reads it (and keeps the result), so the cost follows the fields asked for.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Any

from sqlalchemy import Select, Table, Text, select, type_coerce

from db.crypto import Encrypted


@cache
def columns(table: Table) -> tuple[list[Any], dict[str, Encrypted]]:
    """The table's columns to select, encrypted ones as their stored text, and the type
    that decrypts each of those."""
    selected, decoders = [], {}
    for column in table.c:
        if isinstance(column.type, Encrypted):
            selected.append(type_coerce(column, Text).label(column.name))
            decoders[column.name] = column.type
        else:
            selected.append(column)
    return selected, decoders


@cache
def base(table: Table) -> Select:
    """`SELECT` of those columns FROM the table, built once (a statement is extended by
    copying, so each query starts from this one without coercing every column again)."""
    return select(*columns(table)[0])


_KEPT = 2048


def kept(store: OrderedDict, key: Any, pin: Any, make: Callable[[], Any], size: int = _KEPT) -> Any:
    """What `make()` gave the first time for `key`, from `store` (the newest `size` keys).
    `pin` is kept with it: when the key is an object's id, pinning that object keeps the id
    its own for as long as the entry lives."""
    hit = store.get(key)
    if hit is not None:
        store.move_to_end(key)
        return hit[0]
    value = make()
    store[key] = (value, pin)
    if len(store) > size:
        store.popitem(last=False)
    return value


_STATEMENTS: OrderedDict[tuple, tuple[Select, Any]] = OrderedDict()


def reused(key: tuple, pin: Any, build: Callable[[], Select]) -> Select:
    """The statement built for `key` the first time, executed again with new values.

    Building a statement and walking it for SQLAlchemy's cache key cost more than running
    it; the walk is kept on the statement object, so a statement whose values are all bind
    parameters is built and walked once. `pin` (the row condition, shared per principal by
    db.filters.scoped) is kept with it, so the id in `key` stays its own."""
    return kept(_STATEMENTS, key, pin, build)


def decoders(table: Table) -> dict[str, Encrypted]:
    return columns(table)[1]


class LazyRow(Mapping):
    """A read-only row; an encrypted column is decrypted on its first read."""

    __slots__ = ("_raw", "_decoders", "_plain")

    def __init__(self, raw: Mapping, decoders: dict[str, Encrypted]) -> None:
        self._raw = raw
        self._decoders = decoders
        self._plain: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        decoder = self._decoders.get(key)
        if decoder is None:
            return self._raw[key]
        try:
            return self._plain[key]
        except KeyError:
            value = self._plain[key] = decoder.process_result_value(self._raw[key], None)
            return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw.keys())  # an asyncpg record iterates over its values

    def __len__(self) -> int:
        return len(self._raw)

    def __repr__(self) -> str:  # never the values: a row may hold PHI
        return f"LazyRow({', '.join(self._raw)})"


def rows(fetched: list[Any], decoders: dict[str, Encrypted]) -> list[Any]:
    """The rows of RequestConnection.fetch (asyncpg records or SQLAlchemy mappings), with
    encrypted columns decrypted on first read."""
    if not decoders:
        return fetched
    return [LazyRow(r, decoders) for r in fetched]
