"""What the admin inputs share: the mark of a field left out, and the columns a client sent.
On update inputs a field left out is left unchanged; a field sent as null is cleared (where
the record allows it)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.utils.str_converters import to_camel_case

UNSET: Any = strawberry.UNSET

# ids of the record being changed, and references decoded separately
_NOT_COLUMNS = frozenset(
    {"provider_id", "parent_id", "member_id", "dependent_id", "employer_id", "fee_schedule"}
)


def given(input: Any, *, columns: dict[str, str] | None = None) -> dict[str, Any]:
    """Column -> value of every field the client sent; `columns` renames fields to columns."""
    names = columns or {}
    fields = (f.python_name for f in input.__strawberry_definition__.fields)
    return {
        names.get(name, name): getattr(input, name)
        for name in fields
        if getattr(input, name) is not UNSET and name not in _NOT_COLUMNS
    }


def camel(columns: dict[str, str]) -> dict[str, str]:
    """Column -> input field as the client spells it."""
    return {column: to_camel_case(field) for field, column in columns.items()}
