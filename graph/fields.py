"""Classified fields: each declares its class and group once, next to its type.

A classified field has no resolver of its own (a per-field resolver costs more than the
read): the object's `__getattr__` reads it through the field policy, whose decisions are
cached per kind of record, and returns the value, a masked value, or raises FORBIDDEN,
which GraphQL turns into null with an error at that path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from typing import Any

import strawberry
from strawberry.schema.config import StrawberryConfig

from domain import masking
from graph.context import current_context
from graph.errors import Forbidden


class FieldClass(StrEnum):
    PUBLIC = "public"
    BUSINESS = "business"
    PHI = "phi"
    RESTRICTED = "restricted"


PUBLIC, BUSINESS, PHI, RESTRICTED = (
    FieldClass.PUBLIC,
    FieldClass.BUSINESS,
    FieldClass.PHI,
    FieldClass.RESTRICTED,
)

Render = Callable[[Any, Any], Any]
Mask = Callable[[Any, date], Any]


def _remove(value: Any, today: date) -> None:
    return None


MASKS: dict[str, Mask] = {
    "last4": lambda v, today: masking.last_four(v),
    "remove": _remove,
    "zip3": lambda v, today: masking.zip3(v),
    "year": _remove,  # a full date under a year-only rule is removed; birthYear carries it
}


@dataclass(frozen=True, slots=True)
class Spec:
    column: str
    field_class: FieldClass
    group: str
    render: Render | None = None
    masks: dict[str, Mask] | None = None


def classified(
    column: str,
    field_class: FieldClass,
    group: str,
    python_type: Any,
    *,
    description: str | None = None,
    render: Render | None = None,
    masks: dict[str, Mask] | None = None,
) -> Any:
    """A GraphQL field read through the field policy; null when the policy hides it."""
    label = f"Field class: {field_class.value} ({group})."
    return strawberry.field(
        graphql_type=python_type | None,
        description=f"{description} {label}" if description else label,
        metadata={"claimgraph": Spec(column, field_class, group, render, masks)},
    )


@cache
def specs(cls: type) -> dict[str, Spec]:
    """The classified fields of a strawberry type, by Python name."""
    definition = cls.__strawberry_definition__
    return {
        f.python_name: f.metadata["claimgraph"]
        for f in definition.fields
        if f.metadata and "claimgraph" in f.metadata
    }


def decisions_for(obj: Any, ctx: Any) -> dict:
    """The field decisions for this object's kind of record (cached on the object)."""
    cached = obj._decisions
    if cached is None:
        view = obj.field_view(ctx.principal, obj._row, ctx.today)
        cached = ctx.authorizer.field_access(ctx.principal, view)
        obj._decisions = cached
    return cached


# the schema's own naming (graph/schema.py keeps StrawberryConfig's name converter)
_NAMES = StrawberryConfig().name_converter


@cache
def graphql_names(cls: type) -> tuple[str, dict[str, str]]:
    """(the type's GraphQL name, its fields' GraphQL names by Python name)."""
    definition = cls.__strawberry_definition__
    fields = {f.python_name: _NAMES.get_graphql_name(f) for f in definition.fields}
    return definition.name, fields


def forbidden_read(obj: Any, name: str) -> Forbidden:
    """The refusal of field `name` (its Python name), in the schema's words: `dateOfBirth`
    of a `Member`, never the attribute or the column."""
    type_name, fields = graphql_names(type(obj))
    return Forbidden(f"You may not read '{fields.get(name, name)}' of this {type_name}.")


class Classified:
    """Mixin for types built from a row: classified fields are read on attribute access."""

    _decisions: Any = None

    def __getattr__(self, name: str) -> Any:
        spec = specs(type(self)).get(name)
        if spec is None:
            raise AttributeError(name)
        return self.read_field(name, spec, current_context())

    def read_field(self, name: str, spec: Spec, ctx: Any) -> Any:
        """The field `name` (declared by `spec`) as this request's principal may see it:
        its value, a masked value, or Forbidden; PHI that leaves is audited."""
        decision = decisions_for(self, ctx).get(spec.group)
        sensitive = spec.field_class in (PHI, RESTRICTED)
        if decision is None:
            if sensitive:
                ctx.audit.read(self.audit_key(), name, "", allowed=False)
            raise forbidden_read(self, name)
        value = self._row[spec.column]
        if decision.visible:
            out = spec.render(value, self._row) if spec.render else value
        else:
            mask = (spec.masks or {}).get(decision.how) or MASKS.get(decision.how)
            if mask is None:  # an unknown mask hides rather than leaks
                raise forbidden_read(self, name)
            out = mask(value, ctx.today)
        if sensitive and out is not None:
            rule = f"{ctx.principal.role.value}:{spec.group}:{decision.how or decision.kind}"
            ctx.audit.read(self.audit_key(), name, rule, allowed=True)
        return out

    def audit_key(self) -> tuple[str, Any, Any, Any]:
        """(resource type, id, member, dependent): whose data it is, for the audit trail."""
        row = self._row
        return type(self).__name__, row["id"], row.get("member_id"), row.get("dependent_id")


def build(cls: type, row: Any) -> Any:
    """An object of `cls` over `row`; its classified fields are read lazily, by the policy."""
    obj = cls.__new__(cls)
    obj.db_id = row["id"]
    obj._row = row
    return obj


def build_optional(cls: type, row: Any) -> Any:
    return None if row is None else build(cls, row)
