"""A member or dependent named by a global id in a mutation's input: the kind and the row,
or a typed refusal naming the input; the policy's view of it; whose data it is."""

from __future__ import annotations

from uuid import UUID

import strawberry

from graph.context import Info
from graph.errors import BadUserInput
from graph.lookup import by_global_id
from graph.relay import from_global_id
from graph.results import InvalidInput, invalid_field
from policies import resources as res


async def person(info: Info, person_id: strawberry.ID, *, field: str = "personId"):
    """("Member" | "Dependent", row) when the principal may see it (NOT_FOUND otherwise), or
    InvalidInput when the id names something else."""
    try:
        kind, _ = from_global_id(person_id, field=field)
    except BadUserInput as exc:
        return invalid_field(field, exc.message)
    if kind not in ("Member", "Dependent"):
        return invalid_field(field, f"{field} must name a Member or a Dependent.")
    return kind, (await by_global_id(info, person_id, expected=kind))._row


def resource(kind: str, row) -> res.Resource:
    return res.Member(**row) if kind == "Member" else res.Dependent(**row)


def subject(kind: str, row) -> tuple[UUID, UUID | None]:
    """(member id, dependent id) of the audit row: whose data it is."""
    return (row["id"], None) if kind == "Member" else (row["member_id"], row["id"])


def table(kind: str) -> str:
    return "members" if kind == "Member" else "dependents"


__all__ = ["InvalidInput", "person", "resource", "subject", "table"]
