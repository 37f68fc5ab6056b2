"""Build a GraphQL object from a row: the object keeps the row, its fields read from it."""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")


def build(cls: type[T], row: Any) -> T:
    return cls(db_id=row["id"], _row=row)


def build_optional(cls: type[T], row: Any) -> T | None:
    return None if row is None else build(cls, row)
