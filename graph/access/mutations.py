"""Consent, break-glass and its review: each mutation asks the policy, then writes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import strawberry

from db import access as access_db
from db import workflows as wf
from domain import breakglass
from domain.people import is_adult
from domain.reasons import MissingReason, require_reason
from graph import loaders as ld
from graph.access.types import BreakGlassGrant, Consent
from graph.context import Info
from graph.errors import BadUserInput, NotFound
from graph.guard import require
from graph.lookup import by_global_id
from graph.member.types import Dependent
from graph.relay import from_global_id
from graph.rows import build
from policies import resources as res


async def _dependent(info: Info, dependent_id: strawberry.ID | None) -> Dependent:
    if dependent_id is None:
        own = info.context.principal.dependent_id
        if own is None:
            raise BadUserInput(
                "Name the dependent: 'dependentId' is required.", field="dependentId"
            )
        row = await info.context.loader(ld.DependentByIdLoader).load(own)
        if row is None:
            raise NotFound("dependent")
        return build(Dependent, row)
    return await by_global_id(info, dependent_id, expected="Dependent")


async def _access_changed(db, *, member_id, dependent_id) -> None:
    """Tell every replica's subscriptions to re-read who may see what (ids only)."""
    await wf.publish(db, topic="access.changed", payload={
        "member_id": str(member_id), "dependent_id": str(dependent_id) if dependent_id else None,
    })  # fmt: skip


_DEPENDENT = strawberry.argument(
    description="The adult dependent (global id); left out, the signed-in dependent themself."
)


@strawberry.type
class AccessMutations:
    @strawberry.mutation(
        description="An adult dependent lets the subscriber see their claims and medical "
        "fields (sensitive claims stay private). Takes effect on the next request."
    )
    async def grant_consent(
        self, info: Info, dependent_id: Annotated[strawberry.ID | None, _DEPENDENT] = None
    ) -> Consent:
        dependent = await _dependent(info, dependent_id)
        row = dependent._row
        require(info, "grant_consent", res.Dependent(**row))
        if not is_adult(row["date_of_birth"], today=info.context.today):
            raise BadUserInput("Only an adult dependent gives consent.", field="dependentId")
        async with info.context.unit_of_work() as db:
            consent = await access_db.grant_consent(
                db, dependent_id=row["id"], member_id=row["member_id"]
            )
            await _access_changed(db, member_id=row["member_id"], dependent_id=row["id"])
            info.context.audit.event(
                "grant_consent",
                "Dependent",
                row["id"],
                subject_member_id=row["member_id"],
                new_values={"consent": "granted"},
            )
        return Consent(granted_at=consent["granted_at"], revoked=False)

    @strawberry.mutation(
        description="Withdraw consent; effective on the subscriber's next request."
    )
    async def revoke_consent(
        self, info: Info, dependent_id: Annotated[strawberry.ID | None, _DEPENDENT] = None
    ) -> Consent:
        dependent = await _dependent(info, dependent_id)
        require(info, "revoke_consent", res.Dependent(**dependent._row))
        async with info.context.unit_of_work() as db:
            await access_db.revoke_consent(db, dependent_id=dependent.db_id)
            await _access_changed(
                db, member_id=dependent._row["member_id"], dependent_id=dependent.db_id
            )
            info.context.audit.event(
                "revoke_consent",
                "Dependent",
                dependent.db_id,
                subject_member_id=dependent._row["member_id"],
                new_values={"consent": "revoked"},
            )
        return Consent(granted_at=None, revoked=True)

    @strawberry.mutation(
        description="Emergency access to one member for 60 minutes, for you only, with a "
        "written reason; flagged in the audit trail and queued for the auditor's review."
    )
    async def open_break_glass(
        self,
        info: Info,
        member_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The member (global id) whose records the emergency needs."
            ),
        ],
        reason: Annotated[
            str,
            strawberry.argument(
                description="Why, in words the auditor can review (at least 10 letters); kept on "
                "the grant, not copied into the audit trail."
            ),
        ],
    ) -> BreakGlassGrant:
        member = await by_global_id(info, member_id, expected="Member")
        require(info, "open_break_glass", res.Member(**member._row))
        try:
            cleaned = breakglass.validate_reason(reason)
        except breakglass.BreakGlassError as exc:
            raise BadUserInput(str(exc), field="reason") from None
        opened = datetime.now(UTC)
        async with info.context.unit_of_work() as db:
            row = await access_db.open_break_glass(
                db,
                user_id=info.context.principal.user_id,
                member_id=member.db_id,
                reason=cleaned,
                opened_at=opened,
                expires_at=breakglass.expiry(opened),
            )
            await _access_changed(db, member_id=member.db_id, dependent_id=None)
            # the reason may carry clinical detail: kept on the grant, not copied here
            info.context.audit.event(
                "open_break_glass",
                "Member",
                member.db_id,
                subject_member_id=member.db_id,
                new_values={
                    "grant_id": str(row["id"]),
                    "expires_at": row["expires_at"].isoformat(),
                },
                break_glass=True,
            )
        return build(BreakGlassGrant, row)

    @strawberry.mutation(
        description="Reveal a whole SSN (admins): a written reason is required and the "
        "reveal is audited before the value is returned."
    )
    async def reveal_ssn(
        self,
        info: Info,
        person_id: Annotated[
            strawberry.ID, strawberry.argument(description="A Member's or a Dependent's global id.")
        ],
        reason: Annotated[
            str,
            strawberry.argument(
                description="Why the whole number is needed; written to the audit trail."
            ),
        ],
    ) -> str | None:
        type_name, _ = from_global_id(person_id, field="personId")
        if type_name not in ("Member", "Dependent"):
            raise BadUserInput(
                "'personId' must be the id of a Member or a Dependent.", field="personId"
            )
        person = await by_global_id(info, person_id, expected=type_name)
        row = person._row
        resource = res.Member(**row) if type_name == "Member" else res.Dependent(**row)
        require(info, "reveal_ssn", resource)
        try:
            cleaned = require_reason(reason, for_what="revealing an SSN")
        except MissingReason as exc:
            raise BadUserInput(str(exc), field="reason") from None
        member_id = row["id"] if type_name == "Member" else row["member_id"]
        async with info.context.unit_of_work():
            info.context.audit.event(
                "reveal_ssn",
                type_name,
                row["id"],
                subject_member_id=member_id,
                subject_dependent_id=row["id"] if type_name == "Dependent" else None,
                fields=["ssn"],
                policy_rule="admin:reveal_ssn",
                new_values={"reason": cleaned},
            )
        return row["ssn"]

    @strawberry.mutation(description="The auditor closes the review of a break-glass opening.")
    async def close_break_glass_review(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The break-glass grant (global id) under review."),
        ],
        note: Annotated[
            str,
            strawberry.argument(
                description="The auditor's finding: whether the emergency access was justified."
            ),
        ],
    ) -> BreakGlassGrant:
        _, grant_id = from_global_id(id, expected="BreakGlassGrant")
        row = await info.context.loader(ld.BreakGlassGrantByIdLoader).load(grant_id)
        if row is None:
            raise NotFound("break-glass grant")
        require(info, "close_review", res.BreakGlassGrant(**row))
        if not note.strip():
            raise BadUserInput("Write a review note.", field="note")
        async with info.context.unit_of_work() as db:
            closed = await access_db.close_review(
                db, grant_id=grant_id, reviewer_id=info.context.principal.user_id, note=note.strip()
            )
            info.context.audit.event("close_break_glass_review", "BreakGlassGrant", grant_id)
        if closed is None:
            raise BadUserInput("That review is already closed.", field="id")
        return build(BreakGlassGrant, closed)
