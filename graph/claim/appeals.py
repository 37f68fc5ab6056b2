"""Appeal mutations: file, decide (upheld / overturned), withdraw."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated

import strawberry

from db import workflows as wf
from domain import appeals as rules
from domain import lifecycle, money
from domain.errors import DomainError, IllegalTransition
from graph.claim.mutations import _changed, _Conflict, _record_change
from graph.claim.payloads import (
    AppealDecided,
    AppealFiled,
    AppealWithdrawn,
    DecideAppealResult,
    FileAppealResult,
    WithdrawAppealResult,
)
from graph.claim.types import Appeal, Claim
from graph.context import Info
from graph.guard import claim_related, require
from graph.lookup import by_global_id
from graph.results import (
    illegal,
    invalid,
    invalid_field,
    not_allowed,
)
from graph.rows import build
from policies import resources as res


@strawberry.enum(
    description="The kind of claim an appeal is about, which sets how soon it must be "
    "decided (29 CFR 2560.503-1(i))."
)
class AppealUrgencyInput(Enum):
    URGENT = strawberry.enum_value("urgent", description="Urgent care: decided within 72 hours.")
    PRE_SERVICE = strawberry.enum_value(
        "pre_service", description="Care not yet given: decided within 30 days."
    )
    POST_SERVICE = strawberry.enum_value(
        "post_service", description="Care already given: decided within 60 days."
    )


@strawberry.enum(description="How an appeal is decided.")
class AppealOutcome(Enum):
    UPHOLD = strawberry.enum_value(
        "upheld",
        description="The claim decision stands: the appeal becomes UPHELD and the claim returns "
        "to DENIED or PARTIALLY_APPROVED.",
    )
    OVERTURN = strawberry.enum_value(
        "overturned",
        description="The claim decision is reversed: the appeal becomes OVERTURNED and the "
        "claim stays APPEALED until adjudicateClaim decides it again.",
    )


@strawberry.type
class AppealMutations:
    @strawberry.mutation(
        description="Appeal a denied or partially approved claim, within 180 days of the "
        "decision; one open appeal per claim."
    )
    async def file_appeal(
        self,
        info: Info,
        claim_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The claim to appeal (a Claim id): DENIED or PARTIALLY_APPROVED, "
                "decided no more than 180 days ago, with no appeal open."
            ),
        ],
        reason: Annotated[
            str, strawberry.argument(description="Why you appeal, in your own words; required.")
        ],
        urgency: Annotated[
            AppealUrgencyInput,
            strawberry.argument(
                description="The kind of claim, which sets the decision deadline "
                "(POST_SERVICE unless told)."
            ),
        ] = AppealUrgencyInput.POST_SERVICE,
        requested_amount: Annotated[
            Decimal | None,
            strawberry.argument(
                description="The amount you ask the plan to pay, in US dollars, above zero "
                "with at most two decimal places; leave it out to name none."
            ),
        ] = None,
        additional_information: Annotated[
            str | None,
            strawberry.argument(
                description="Anything more in support of the appeal (what the doctor said, "
                "records you have), up to 4,000 characters; kept as the appeal's "
                "additionalInformation under the time of filing. Add more later with "
                "addAppealInformation while the appeal is open."
            ),
        ] = None,
    ) -> FileAppealResult:
        claim = await by_global_id(info, claim_id, expected="Claim")
        row = claim._row
        require(info, "file_appeal", res.Claim(**row), related=await claim_related(info, row))
        ctx, now = info.context, datetime.now(UTC)
        if not reason.strip():
            return invalid_field("reason", "Say why you appeal.")
        if requested_amount is not None:
            try:
                requested_amount = money.amount(requested_amount, field="requestedAmount")
            except DomainError as exc:
                return invalid(exc)
        information = None
        if additional_information is not None and additional_information.strip():
            try:
                information = rules.add_information(
                    None, additional_information, status="submitted", at=now,
                    field="additionalInformation",
                )  # fmt: skip
            except DomainError as exc:
                return invalid(exc)
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
                    due_at=rules.due_at(now, urgency.value), additional_information=information,
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
        "returns to the decision that was appealed. Overturned: the claim is re-adjudicated "
        "with adjudicateClaim."
    )
    async def decide_appeal(
        self,
        info: Info,
        appeal_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The appeal to decide (an Appeal id): still open, on a claim you "
                "did not adjudicate."
            ),
        ],
        outcome: Annotated[
            AppealOutcome,
            strawberry.argument(description="UPHOLD the claim decision or OVERTURN it."),
        ],
        reason: Annotated[
            str,
            strawberry.argument(
                description="Why, in words for the appellant; kept as the appeal's decisionReason."
            ),
        ],
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
        values = {
            "decision_reason": reason.strip() or None,
            "decision_date": datetime.now(UTC),
            "reviewed_by": ctx.principal.user_id,
        }
        try:
            async with ctx.unit_of_work() as db:
                decided, claim = await _close(
                    db, ctx, a, claim, status=outcome.value, values=values, action="decide_appeal"
                )
        except _Conflict:
            return _changed(None)
        return AppealDecided(appeal=build(Appeal, decided), claim=build(Claim, claim))

    @strawberry.mutation(
        description="Withdraw an appeal you filed, while it is open; the claim returns to the "
        "decision that was appealed."
    )
    async def withdraw_appeal(
        self,
        info: Info,
        appeal_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The appeal to withdraw (an Appeal id): one you filed, still open."
            ),
        ],
        reason: Annotated[
            str | None,
            strawberry.argument(
                description="Why you withdraw, if you wish to say; kept as the appeal's "
                "decisionReason."
            ),
        ] = None,
    ) -> WithdrawAppealResult:
        appeal = await by_global_id(info, appeal_id, expected="Appeal")
        a = appeal._row
        require(info, "withdraw", res.Appeal(**a))
        try:
            lifecycle.move_appeal(a["status"], "withdrawn")
        except IllegalTransition as exc:
            return illegal(exc)
        ctx = info.context
        note = reason.strip() if reason and reason.strip() else None
        try:
            async with ctx.unit_of_work() as db:
                claim = await wf.claim_row(db, a["claim_id"])
                closed, claim = await _close(
                    db, ctx, a, claim, status="withdrawn",
                    values={"decision_reason": note, "decision_date": datetime.now(UTC)},
                    action="withdraw_appeal",
                )  # fmt: skip
        except _Conflict:
            return _changed(None)
        return AppealWithdrawn(appeal=build(Appeal, closed), claim=build(Claim, claim))


async def _close(db, ctx, a, claim, *, status: str, values: dict, action: str):
    """Close an appeal under its version check. Upheld or withdrawn, the claim returns to the
    appealed decision; overturned, it stays appealed until adjudicated again. The timeline,
    outbox and audit rows go with it."""
    closed = await wf.update_appeal(
        db, appeal_id=a["id"], version=a["version"], values={"status": status, **values}
    )
    if closed is None:
        raise _Conflict
    if status == "overturned":
        await wf.add_event(db, claim_id=claim["id"], actor_id=ctx.principal.user_id,
                           action="appeal_decided", old=claim["status"], new=claim["status"],
                           details={"appeal": status})  # fmt: skip
    else:
        back = rules.status_after_appeal(await wf.status_before_appeal(db, claim["id"]))
        event = "appeal_withdrawn" if status == "withdrawn" else "appeal_decided"
        claim, _ = await _record_change(db, ctx, claim, action=event, new_status=back.value,
                                        values={})  # fmt: skip
    topic = "appeal.withdrawn" if status == "withdrawn" else "appeal.decided"
    await wf.publish(db, topic=topic, payload={
        "appeal_id": str(a["id"]), "claim_id": str(claim["id"]), "outcome": status,
    })  # fmt: skip
    ctx.audit.event(action, "Appeal", a["id"], subject_member_id=claim["member_id"],
                    subject_dependent_id=claim["dependent_id"],
                    old_values={"status": a["status"]}, new_values={"status": status})  # fmt: skip
    return closed, claim
