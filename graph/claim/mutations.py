"""Claim workflow mutations: each decodes input, asks the policy, runs one domain rule and
writes rows, timeline, audit and outbox in one transaction. Expected failures are typed."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import strawberry

from db import accumulators
from db import validation as checks
from db import workflows as wf
from domain import adjudication, lifecycle
from domain.costshare import Accumulators, Line
from domain.errors import DomainError, IllegalTransition
from domain.triage import is_preventive
from graph.claim.payloads import (
    AdjudicateClaimInput,
    AdjudicateClaimResult,
    AssignClaimResult,
    ClaimAdjudicated,
    ClaimAssigned,
    PaymentMethodInput,
    PaymentRecorded,
    RecordPaymentResult,
)
from graph.claim.settlement import recoup_on_denial, settle_payment
from graph.claim.types import Claim
from graph.context import Info
from graph.guard import require
from graph.lookup import by_global_id
from graph.results import (
    RecordChanged,
    changed,
    illegal,
    invalid,
)
from graph.rows import build
from policies import resources as res

_VERSION = (
    "The claim version you acted on (Claim.version); a claim changed since answers RecordChanged."
)


class _Conflict(Exception):
    pass


def _changed(version: int | None) -> RecordChanged:
    return changed(version, "claim")


async def _checked(info: Info, claim_id, version: int, action: str, requested: str):
    """The claim, allowed for `action`, at `version`, able to move to `requested`; or the
    typed refusal to return."""
    claim = await by_global_id(info, claim_id, expected="Claim")
    row = claim._row
    require(info, action, res.Claim(**row))
    if row["version"] != version:
        return row, _changed(row["version"])
    try:
        lifecycle.move_claim(row["status"], requested)
    except IllegalTransition as exc:
        return row, illegal(exc)
    return row, None


async def _record_change(db, ctx, row, *, action: str, new_status: str, values: dict):
    """The update under the version check, its timeline event, outbox event and audit row."""
    updated = await wf.update_claim(
        db, claim_id=row["id"], version=row["version"], values={"status": new_status, **values}
    )
    if updated is None:
        raise _Conflict
    await wf.add_event(db, claim_id=row["id"], actor_id=ctx.principal.user_id, action=action,
                       old=row["status"], new=new_status)  # fmt: skip
    sequence = await wf.publish(db, topic="claim.status_changed", payload={
        "claim_id": str(row["id"]), "old_status": row["status"], "new_status": new_status,
        "version": updated["version"],
    })  # fmt: skip
    ctx.audit.event(
        action,
        "Claim",
        row["id"],
        subject_member_id=row["member_id"],
        subject_dependent_id=row["dependent_id"],
        old_values={"status": row["status"]},
        new_values={"status": new_status},
    )
    return updated, sequence


@strawberry.type
class ClaimMutations:
    @strawberry.mutation(description="Take a submitted claim into review, assigned to you.")
    async def assign_claim(
        self,
        info: Info,
        claim_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The claim to take (a Claim id); it must be SUBMITTED."
            ),
        ],
        version: Annotated[int, strawberry.argument(description=_VERSION)],
    ) -> AssignClaimResult:
        row, refusal = await _checked(info, claim_id, version, "assign", "under_review")
        if refusal is not None:
            return refusal
        ctx = info.context
        try:
            async with ctx.unit_of_work() as db:
                updated, sequence = await _record_change(
                    db,
                    ctx,
                    row,
                    action="review_started",
                    new_status="under_review",
                    values={"assigned_to": ctx.principal.user_id},
                )
        except _Conflict:
            return _changed(None)
        return ClaimAssigned(claim=build(Claim, updated), event_sequence=sequence)

    @strawberry.mutation(
        description="Record the plan's payment of an approved claim: the amount is the "
        "claim's paid amount; the claim becomes paid. On a corrected claim, the amount is the "
        "difference from what the claims it replaced were paid; when they were paid more, "
        "the excess is recorded as recouped from the provider (a REFUND) instead."
    )
    async def record_payment(
        self,
        info: Info,
        claim_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The claim paid (a Claim id): APPROVED or PARTIALLY_APPROVED, with "
                "a paid amount above zero."
            ),
        ],
        version: Annotated[int, strawberry.argument(description=_VERSION)],
        method: Annotated[
            PaymentMethodInput, strawberry.argument(description="How the money was sent.")
        ],
        confirmation_number: Annotated[
            str | None,
            strawberry.argument(
                description="The bank's or processor's confirmation number, when there is one."
            ),
        ] = None,
    ) -> RecordPaymentResult:
        row, refusal = await _checked(info, claim_id, version, "record_payment", "paid")
        if refusal is not None:
            return refusal
        ctx = info.context
        try:
            async with ctx.unit_of_work() as db:
                # a corrected claim pays the difference from what its prior claims were paid
                payment = await settle_payment(db, ctx, row, method=method.value,
                                               confirmation=confirmation_number)  # fmt: skip
                updated, sequence = await _record_change(
                    db, ctx, row, action="paid", new_status="paid", values={}
                )
        except DomainError as exc:
            return invalid(exc)
        except _Conflict:
            return _changed(None)
        return PaymentRecorded(
            claim=build(Claim, updated),
            payment_number=payment["payment_number"],
            event_sequence=sequence,
        )

    @strawberry.mutation(
        description="Approve, partially approve (per line) or deny a claim. Approval prices "
        "each line (contract fee schedule in network, the plan's percentage out of network) "
        "and applies the deductible, then copay or coinsurance, within the out-of-pocket "
        "maximum: the patient's own limits and the family's (embedded), per plan year."
    )
    async def adjudicate_claim(
        self,
        info: Info,
        input: Annotated[AdjudicateClaimInput, strawberry.argument(description="The decision.")],
    ) -> AdjudicateClaimResult:
        claim = await by_global_id(info, input.claim_id, expected="Claim")
        row = claim._row
        require(info, "adjudicate", res.Claim(**row))
        requested = adjudication.STATUS[adjudication.Decision(input.decision.value)]
        if row["version"] != input.version:  # decided on a claim that has since changed
            return _changed(row["version"])
        try:
            lifecycle.move_claim(row["status"], requested)
        except IllegalTransition as exc:
            return illegal(exc)
        ctx = info.context
        try:
            async with ctx.unit_of_work() as db:
                updated, sequence = await _adjudicate(db, ctx, row, input, requested)
        except DomainError as exc:
            return invalid(exc)
        except _Conflict:
            return _changed(None)
        return ClaimAdjudicated(claim=build(Claim, updated), event_sequence=sequence)


async def _adjudicate(db, ctx, row, input: AdjudicateClaimInput, requested: str):
    lines = await wf.claim_lines_of(db, row["id"])
    policy = await wf.policy_for_update(db, row["policy_id"])
    in_network, schedule = await wf.pricing(
        db, provider_id=row["provider_id"], service_date=row["service_date"]
    )
    start, end = adjudication.plan_year(policy["effective_date"], row["service_date"])
    person, family = await accumulators.met_this_year(
        db, policy_id=policy["id"], dependent_id=row["dependent_id"], year_start=start, year_end=end
    )
    specialty = await wf.specialty_of(db, row["provider_id"])
    codes = [line["procedure_code"] for line in lines]
    copay = adjudication.applicable_copay(
        place_of_service=row["place_of_service"],
        procedure_codes=codes,
        specialty=specialty,
        copays={
            "emergency": policy["emergency_copay"],
            "urgent_care": policy["urgent_care_copay"],
            "primary_care": policy["primary_care_copay"],
            "specialist": policy["specialist_copay"],
        },
    )
    outcome = adjudication.decide(
        input.decision.value,
        lines=[Line(li["procedure_code"], li["charge_amount"], li["units"]) for li in lines],
        covered_lines=input.covered_lines,
        in_network=in_network,
        fee_schedule=schedule,
        plan=adjudication.plan_terms(policy, copay=copay),
        met=Accumulators(*person),
        family=Accumulators(*family),
        line_copays=adjudication.prescription_copays(
            row["claim_type"], [li["drug_tier"] for li in lines], policy
        ),
        denial_code=input.denial_code,
        denial_reason=input.denial_reason,
        preventive=in_network and is_preventive(codes),
        reason_codes=await checks.reason_codes(db),
    )
    values = {
        "status": outcome.status,
        "processed_by": ctx.principal.user_id,
        "processed_date": _now(),
        "adjudicator_notes": (input.notes or "").strip() or row["adjudicator_notes"],
    }
    zero = Decimal("0.00")
    if outcome.cost is None:
        values |= {
            "denial_code": input.denial_code.strip().upper(),
            "denial_reason": input.denial_reason.strip(),
            "allowed_amount": zero,
            "paid_amount": zero,
            "member_responsibility": zero,
        }
    else:
        cost = outcome.cost
        values |= {
            "allowed_amount": cost.allowed, "deductible_applied": cost.deductible,
            "copay_amount": cost.copay, "coinsurance_amount": cost.coinsurance,
            "member_responsibility": cost.member_responsibility, "paid_amount": cost.paid,
            "denial_code": None, "denial_reason": None,
        }  # fmt: skip
    updated = await wf.update_claim(db, claim_id=row["id"], version=input.version, values=values)
    if updated is None:
        raise _Conflict
    if outcome.cost is not None:
        for line, allowed, paid in zip(lines, outcome.cost.allowed_per_line,
                                       outcome.cost.paid_per_line, strict=True):  # fmt: skip
            await wf.update_line(db, line_id=line["id"], allowed=allowed, paid=paid)
    else:
        await recoup_on_denial(db, ctx, updated)
    details = {"decision": input.decision.value, "denial_code": values.get("denial_code")}
    await wf.add_event(db, claim_id=row["id"], actor_id=ctx.principal.user_id,
                       action="adjudicated", old=row["status"], new=outcome.status,
                       details=details)  # fmt: skip
    sequence = await wf.publish(db, topic="claim.status_changed", payload={
        "claim_id": str(row["id"]), "old_status": row["status"], "new_status": outcome.status,
        "version": updated["version"],
    })  # fmt: skip
    ctx.audit.event(
        "adjudicate", "Claim", row["id"], subject_member_id=row["member_id"],
        subject_dependent_id=row["dependent_id"],
        old_values={"status": row["status"], "version": row["version"]},
        new_values={"status": outcome.status, "paid_amount": str(values.get("paid_amount"))},
    )  # fmt: skip
    return updated, sequence


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)
