"""Build a GraphQL object from a row (see graph/fields.py), and declare how a field's
objects are loaded, so that the compiled path (graph/compiled.py) can load them for a
whole list at once and complete them without calling the resolver."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graph.fields import build, build_optional

__all__ = ["Relation", "build", "build_optional", "relation"]


@dataclass(frozen=True, slots=True)
class Relation:
    """The field's value is `loader.load(row[key])`: one row, built (None when the key is
    None or the row is not visible), or with `many` the list of rows, each built, or with
    `count` how many rows that list has."""

    loader: type
    key: str
    many: bool = False
    count: bool = False


def relation(loader: type, key: str = "id", *, many: bool = False, count: bool = False) -> Callable:
    """Declares what the decorated resolver does, for the compiled path; the resolver stays
    the answer of record (COMPILED_READS=false, and tests/graph/test_compiled_reads.py
    compares the two)."""

    def mark(resolver: Callable) -> Callable:
        resolver.__claimgraph_relation__ = Relation(loader, key, many or count, count)
        return resolver

    return mark


def built(cls: type | None, relation: Relation, loaded: Any) -> Any:
    if relation.count:
        return len(loaded)
    if relation.many:
        return [build(cls, r) for r in loaded]
    return build_optional(cls, loaded)
