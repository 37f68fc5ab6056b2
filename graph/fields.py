"""Classified fields: each declares its class and group once, next to its type.

Reading one asks the field policy (cached per kind of record, not per row) and returns the
value, a masked value, or null with a FORBIDDEN error at that path.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any

import strawberry
from strawberry.types import Info as _Info

from domain import masking
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


def _remove(value: Any, today: date) -> None:
    return None


MASKS: dict[str, Callable[[Any, date], Any]] = {
    "last4": lambda v, today: masking.last_four(v),
    "remove": _remove,
    "zip3": lambda v, today: masking.zip3(v),
    "year": _remove,  # a full date under a year-only rule is removed; birthYear carries it
}


def decisions_for(obj: Any, info: Info) -> dict:
    """The field decisions for this object's kind of record (cached on the object)."""
    cached = obj._decisions
    if cached is None:
        ctx = info.context
        view = obj.field_view(ctx.principal, obj._row, ctx.today)
        cached = ctx.authorizer.field_access(ctx.principal, view)
        obj._decisions = cached
    return cached


def read(
    obj: Any,
    info: Info,
    *,
    column: str,
    field_class: FieldClass,
    group: str,
    render: Callable[[Any, Any], Any] | None = None,
    masks: dict[str, Callable[[Any, date], Any]] | None = None,
) -> Any:
    decision = decisions_for(obj, info).get(group)
    if decision is None:
        raise Forbidden(f"You may not read '{info.field_name}' of this {type(obj).__name__}.")
    value = obj._row[column]
    if decision.visible:
        return render(value, obj._row) if render else value
    mask = (masks or {}).get(decision.how) or MASKS.get(decision.how)
    if mask is None:  # an unknown mask hides rather than leaks
        raise Forbidden(f"You may not read '{info.field_name}' of this {type(obj).__name__}.")
    return mask(value, info.context.today)


def classified(
    column: str,
    field_class: FieldClass,
    group: str,
    python_type: Any,
    *,
    description: str | None = None,
    render: Callable[[Any, Any], Any] | None = None,
    masks: dict[str, Callable[[Any, date], Any]] | None = None,
    name: str | None = None,
) -> Any:
    """A GraphQL field read through the field policy; null when the policy hides it."""

    def resolve(self, info) -> Any:
        return read(
            self,
            info,
            column=column,
            field_class=field_class,
            group=group,
            render=render,
            masks=masks,
        )

    resolve.__annotations__ = {"info": _Info, "return": python_type | None}
    label = f"Field class: {field_class.value} ({group})."
    text = f"{description} {label}" if description else label
    return strawberry.field(resolver=resolve, description=text, name=name)


Info = _Info
