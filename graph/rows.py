"""Build a GraphQL object from a row: dataclass fields are named after the columns."""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


# Private attributes that hold a column under another name (the public field masks it).
_ALIASES = {
    "db_id": "id",
    "ssn_value": "ssn",
    "tax_id_value": "tax_id",
    "credential_titles": "credentials",
}


@cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.init)


@cache
def _columns(cls: type) -> tuple[tuple[str, str], ...]:
    return tuple((n, _ALIASES.get(n, n)) for n in _names(cls))


def build(cls: type[T], row: Any) -> T:
    """`cls` filled from a row mapping; `db_id` takes the row's id."""
    return cls(**{name: row[column] for name, column in _columns(cls)})


def build_optional(cls: type[T], row: Any) -> T | None:
    return None if row is None else build(cls, row)
