"""oso's data filter → an engine-neutral `domain.access` row filter.

oso describes the readable rows as a disjunction of conjunctions over the root type and
the types reached through named relations (claim → provider). Each disjunct becomes its
own tree of `Related` sub-filters, so one disjunct's relation never narrows another (a
plain join of every relation would).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from polar.data.filter import Projection

from domain.access import AllOf, AnyOf, Compare, Everything, Nothing, Related, RowFilter

_OPS = {"Eq": "=", "Neq": "!=", "In": "in", "Nin": "not_in"}


class UntranslatableFilter(Exception):
    """The policy asked for something the row filter cannot say; fix the policy."""


def to_row_filter(data_filter, *, names: dict[type, str]) -> RowFilter:
    root = data_filter.model
    children: dict[type, list[tuple[str, type]]] = defaultdict(list)
    for rel in data_filter.relations:
        children[rel.left].append((rel.name, rel.right))
    disjuncts = []
    for conjunction in data_filter.conditions:
        translated = _conjunction(root, children, conjunction)
        if isinstance(translated, Everything):
            return Everything()
        if not isinstance(translated, Nothing):
            disjuncts.append(translated)
    if not disjuncts:
        return Nothing()
    return disjuncts[0] if len(disjuncts) == 1 else AnyOf(tuple(disjuncts))


def _conjunction(root: type, children, conditions) -> RowFilter:
    by_type: dict[type, list[Compare]] = defaultdict(list)
    for condition in conditions:
        compared = _condition(condition)
        if compared is True:
            continue
        if compared is False:
            return Nothing()
        source, comparison = compared
        by_type[source].append(comparison)
    if not by_type:
        return Everything()
    tree = _subtree(root, children, by_type, seen=set())
    if tree is None:
        raise UntranslatableFilter("conditions on types the relations do not reach")
    return tree


def _subtree(node: type, children, by_type, *, seen: set) -> RowFilter | None:
    if node in seen:
        raise UntranslatableFilter(f"type {node.__name__} is reached twice")
    seen.add(node)
    parts: list[RowFilter] = list(by_type.get(node, []))
    for name, child in children.get(node, []):
        sub = _subtree(child, children, by_type, seen=seen)
        if sub is not None:
            parts.append(Related(name, sub))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))


def _condition(condition) -> tuple[type, Compare] | bool:
    left, op, right = condition.left, condition.cmp, condition.right
    if op not in _OPS:
        raise UntranslatableFilter(f"comparison {op}")
    left_is_field, right_is_field = isinstance(left, Projection), isinstance(right, Projection)
    if left_is_field and right_is_field:
        raise UntranslatableFilter("a comparison between two fields")
    if not left_is_field and not right_is_field:
        return _constant(left, op, right)
    field, value = (left, right) if left_is_field else (right, left)
    column = field.field or "id"
    if value is None and op in ("Eq", "Neq"):
        return field.source, Compare(column, "is_null" if op == "Eq" else "not_null")
    if op in ("In", "Nin"):
        value = tuple(value)
    return field.source, Compare(column, _OPS[op], value)


def _constant(left: Any, op: str, right: Any) -> bool:
    if op == "Eq":
        return left == right
    if op == "Neq":
        return left != right
    if op == "In":
        return left in right
    return left not in right
