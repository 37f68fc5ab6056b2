"""Appeal mutations: file, decide (upheld / overturned), withdraw."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated

import strawberry

from db import workflows as wf
from domain import appeals as rules
from domain import lifecycle
from domain.errors import DomainError, IllegalTransition
from graph.claim.mutations import _changed, _Conflict, _record_change
from graph.claim.types import Appeal, Claim
from graph.context import Info
from graph.guard import require
from graph.lookup import by_global_id
from graph.results import (
    IllegalStatusChange,
    InvalidInput,
    NotAllowed,
    RecordChanged,
    illegal,
    invalid,
    invalid_field,
    not_allowed,
)
from graph.rows import build
from policies import resources as res


@strawberry.enum
class AppealUrgencyInput(Enum):
    URGENT = "urgent"
    PRE_SERVICE = "pre_service"
    POST_SERVICE = "post_service"


@strawberry.enum
class AppealOutcome(Enum):
    UPHOLD = "upheld"
    OVERTURN = "overturned"


@strawberry.type(description="The appeal as filed, with its decision due date.")
class AppealFiled:
    appeal: Appeal
    claim: Claim


@strawberry.type(description="The appeal decided; an overturned claim awaits re-adjudication.")
class AppealDecided:
    appeal: Appeal
    claim: Claim


FileAppealResult = Annotated[
    AppealFiled | InvalidInput | IllegalStatusChange | RecordChanged,
    strawberry.union("FileAppealResult"),
]
DecideAppealResult = Annotated[
    AppealDecided | NotAllowed | IllegalStatusChange | RecordChanged,
    strawberry.union("DecideAppealResult"),
]


@strawberry.type
class AppealMutations:
    @strawberry.mutation(
        description="Appeal a denied or partially approved claim, within 180 days of the "
        "decision; one open appeal per claim."
    )
    async def file_appeal(
        self,
        info: Info,
        claim_id: strawberry.ID,
        reason: str,
        urgency: AppealUrgencyInput = AppealUrgencyInput.POST_SERVICE,
        requested_amount: Decimal | None = None,
    ) -> FileAppealResult:
        claim = await by_global_id(info, claim_id, expected="Claim")
        row = claim._row
        require(info, "file_appeal", res.Claim(**row))
        ctx, now = info.context, datetime.now(UTC)
        if not reason.strip():
            return invalid_field("reason", "Say why you appeal.")
        try:
            lifecycle.move_claim(row["status"], "appealed")
        except IllegalTransition as exc:
            return illegal(exc)
        try:
            async with ctx.unit_of_work() as db:
                rules.check_filing(
                    claim_status=row["status"],
                    decided_at=row["processed_date"] or row["updated_at"],
                    now=now,
                    open_appeals=await wf.open_appeal_statuses(db, row["id"]),
                )
                appeal = await wf.add_appeal(
                    db, claim_id=row["id"], filed_by=ctx.principal.user_id, reason=reason.strip(),
                    urgency=urgency.value, requested_amount=requested_amount,
                    due_at=rules.due_at(now, urgency.value),
                )  # fmt: skip
                updated, _ = await _record_change(
                    db, ctx, row, action="appeal_filed", new_status="appealed", values={}
                )
        except DomainError as exc:
            return invalid(exc)
        except _Conflict:
            return _changed(None)
        return AppealFiled(appeal=build(Appeal, appeal), claim=build(Claim, updated))

    @strawberry.mutation(
        description="Decide an appeal (not on a claim you adjudicated). Upheld: the claim "
        "stays denied. Overturned: the claim is re-adjudicated with adjudicateClaim."
    )
    async def decide_appeal(
        self, info: Info, appeal_id: strawberry.ID, outcome: AppealOutcome, reason: str
    ) -> DecideAppealResult:
        appeal = await by_global_id(info, appeal_id, expected="Appeal")
        a = appeal._row
        require(info, "decide", res.Appeal(**a))
        ctx = info.context
        async with ctx.unit_of_work() as db:
            claim = await wf.claim_row(db, a["claim_id"])
        try:
            rules.check_decider(decider_id=ctx.principal.user_id,
                                claim_adjudicator_id=claim["processed_by"])  # fmt: skip
        except DomainError as exc:
            return not_allowed(exc)
        try:
            lifecycle.move_appeal(a["status"], outcome.value)
        except IllegalTransition as exc:
            return illegal(exc)
        try:
            async with ctx.unit_of_work() as db:
                values = {
                    "status": outcome.value,
                    "decision_reason": reason.strip() or None,
                    "decision_date": datetime.now(UTC),
                    "reviewed_by": ctx.principal.user_id,
                }
                decided = await wf.update_appeal(
                    db, appeal_id=a["id"], version=a["version"], values=values
                )
                if decided is None:
                    raise _Conflict
                if outcome is AppealOutcome.UPHOLD:
                    claim, _ = await _record_change(
                        db, ctx, claim, action="appeal_decided", new_status="denied", values={}
                    )
                else:  # the claim stays appealed until it is adjudicated again
                    await wf.add_event(
                        db,
                        claim_id=claim["id"],
                        actor_id=ctx.principal.user_id,
                        action="appeal_decided",
                        old=claim["status"],
                        new=claim["status"],
                        details={"appeal": "overturned"},
                    )
                    await wf.publish(db, topic="appeal.decided", payload={
                        "appeal_id": str(a["id"]), "claim_id": str(claim["id"]),
                        "outcome": outcome.value,
                    })  # fmt: skip
                ctx.audit.event("decide_appeal", "Appeal", a["id"],
                                subject_member_id=claim["member_id"],
                                new_values={"status": outcome.value})  # fmt: skip
        except _Conflict:
            return _changed(None)
        return AppealDecided(appeal=build(Appeal, decided), claim=build(Claim, claim))
