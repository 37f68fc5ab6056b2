"""Who did what: the user behind a claim's, an appeal's or a timeline step's action, as a
field any of those types declares in one line. The user is loaded by id in one batched
statement per page (UserByIdLoader) and read under the account rules: whoever reads the
claim sees the role of whoever acted; who it was, only those the field policy lets see it
(policies/fields.polar, account_name)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from graph import loaders as ld
from graph.claim.refs import one
from graph.context import Info
from graph.fields import PHI, classified
from graph.rows import relation

if TYPE_CHECKING:
    from graph.user.types import User

UserRef = Annotated["User", strawberry.lazy("graph.user.types")]


def acted_by(column: str, description: str) -> Any:
    """A field: the user whose id the row keeps in `column`; null when none is recorded or
    you may not read that account."""

    @relation(ld.UserByIdLoader, column)
    async def resolve(root, info: Info) -> UserRef | None:
        from graph.user.types import User

        return await one(info, ld.UserByIdLoader, User, root._row[column])

    resolve.__name__ = f"resolve_{column}"
    return strawberry.field(resolver=resolve, description=description)


@strawberry.type(description="Who filed, took and decided a claim, and the adjudicator's notes.")
class ClaimActors:
    """Fields of Claim (graph/claim/types.py), kept here with the rest of who did what."""

    submitted_by = acted_by(
        "submitted_by",
        "Who filed the claim with submitClaim (provider staff, or plan staff filing for a "
        "provider); null for claims loaded from a source system.",
    )
    assigned_to = acted_by(
        "assigned_to", "The claims adjudicator who took the claim into review (assignClaim)."
    )
    processed_by = acted_by(
        "processed_by",
        "Who made the latest decision on the claim (adjudicateClaim); null while it is open.",
    )

    adjudicator_notes = classified(
        "adjudicator_notes",
        PHI,
        "adjudicator_notes",
        str,
        description="The adjudicator's working notes on the latest decision that came with "
        "notes (adjudicateClaim's notes); null until then. Plan staff only.",
    )
