"""submitCorrectedClaim and voidClaim: the provider that billed a claim replaces it with a
corrected claim (X12 837 frequency code 7) or cancels it (code 8). A corrected claim is a new
submission, validated and triaged as submitClaim does it; the prior claim becomes REPLACED or
VOIDED, final, and what the plan paid on it is settled (graph/claim/settlement.py)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

import strawberry

from db import corrections as corr
from db import workflows as wf
from domain import claim_corrections as rules
from domain import validation as v
from domain.enums import ClaimStatus
from domain.errors import DomainError, IllegalTransition
from graph import loaders as ld
from graph.claim.corrected import (
    ClaimCorrected,
    ClaimVoided,
    PriorClaimInput,
    SubmitCorrectedClaimResult,
    VoidClaimResult,
)
from graph.claim.filing import SubmitClaimInput
from graph.claim.settlement import VOIDED, recoup
from graph.claim.submit import _documents, _file, _findings, _prepare, _refused
from graph.claim.types import Claim, Payment
from graph.context import Context, Info
from graph.errors import ApiError, NotFound
from graph.guard import claim_related, require
from graph.lookup import by_global_id
from graph.results import changed, illegal, invalid
from graph.rows import build, build_optional
from policies import resources as res

_NUMBER = re.compile(r"CLM-[0-9]{8}-[0-9]{6}")
_REASON_LIMIT = 1000


class _NoSuchNumber(NotFound):
    def __init__(self) -> None:
        ApiError.__init__(self, "No claim with that claim number exists.")


class _Conflict(Exception):
    """The prior claim changed between the read and the write."""


class _Duplicate(Exception):
    """A twin of the corrected claim was filed meanwhile."""


async def _prior(info: Info, prior: PriorClaimInput, action: str) -> Mapping[str, Any]:
    """The prior claim, visible to the caller and theirs to `action`; NOT_FOUND alike for a
    claim that does not exist and one the caller may not see."""
    ctx = info.context
    if (prior.claim_id is None) == (prior.claim_number is None):
        raise DomainError("Name the prior claim by claimId or by claimNumber: one of the two.",
                          field="prior")  # fmt: skip
    if prior.claim_id is not None:
        row = (await by_global_id(info, prior.claim_id, expected="Claim"))._row
    else:
        number = prior.claim_number.strip().upper()  # type: ignore[union-attr]
        if not _NUMBER.fullmatch(number):
            raise DomainError("A claim number reads CLM-YYYYMMDD-NNNNNN.",
                              field="prior.claimNumber")  # fmt: skip
        rows = await ctx.loader(ld.ClaimsByNumberLoader).load(number)
        if not rows:
            ctx.audit.event("lookup_not_found", "Claim", None, success=False, error="NOT_FOUND")
            raise _NoSuchNumber()
        row = rows[0]
    require(info, action, res.Claim(**row), related=await claim_related(info, row))
    return row


def _refusal(row: Mapping[str, Any], prior: PriorClaimInput, requested: ClaimStatus):
    """RecordChanged for a stale version, IllegalStatusChange for a claim that may not be
    corrected now (appealed, or already replaced or voided); None when it may."""
    if prior.version is not None and row["version"] != prior.version:
        return changed(row["version"], "claim")
    try:
        rules.check_correctable(row["status"], requested)
    except IllegalTransition as exc:
        return illegal(exc)
    return None


def _refresh(ctx: Context, row: Mapping[str, Any]) -> None:
    """The request read the prior claim before changing it: links that reach it (the
    corrected claim's `replaces`) read it as it is now."""
    ctx.loader(ld.ClaimByIdLoader).clear(row["id"]).prime(row["id"], row)


def _reason(reason: str | None) -> str | None:
    text = reason.strip() if reason else ""
    if len(text) > _REASON_LIMIT:
        raise DomainError(f"Say why in at most {_REASON_LIMIT} characters.", field="reason")
    return text or None


_PRIOR = Annotated[
    PriorClaimInput,
    strawberry.argument(
        description="The claim filed before, by id or claim number: one your organisation "
        "billed, not APPEALED, not already REPLACED or VOIDED."
    ),
]
_WHY = Annotated[
    str | None,
    strawberry.argument(
        description="Why, in a few words for the claim's timeline (e.g. wrong procedure "
        "code); optional, at most 1,000 characters."
    ),
]


@strawberry.type
class ClaimCorrectionMutations:
    @strawberry.mutation(
        description="Replace a claim filed before with a corrected one (X12 837 claim "
        "frequency code 7), such as to fix a procedure code, a charge or a date. The corrected "
        "claim is a new claim for the same patient under the same billing provider, validated "
        "and triaged as submitClaim does (it is no duplicate of the claim it replaces); the "
        "prior claim becomes REPLACED and stops counting toward the member's deductible and "
        "out-of-pocket maximum. Once the corrected claim is decided, recordPayment pays only "
        "the difference from what the prior claim was paid, or recoups the excess."
    )
    async def submit_corrected_claim(
        self,
        info: Info,
        prior: _PRIOR,
        input: Annotated[
            SubmitClaimInput,
            strawberry.argument(
                description="The corrected claim, whole, as submitClaim takes it. Its billing "
                "provider is the prior claim's (providerId is ignored) and its patient must "
                "be the prior claim's."
            ),
        ],
        reason: _WHY = None,
    ) -> SubmitCorrectedClaimResult:
        ctx = info.context
        try:
            row = await _prior(info, prior, "correct")
            why = _reason(reason)
        except DomainError as exc:
            return invalid(exc)
        if (refusal := _refusal(row, prior, ClaimStatus.REPLACED)) is not None:
            return refusal
        try:
            prepared = await _prepare(info, input, "submit", replaces=row)
            documents = await _documents(ctx, input)
            if not v.refuses(prepared.findings):
                rules.check_same_patient(
                    original=(row["member_id"], row["dependent_id"]),
                    corrected=(prepared.member_id, prepared.dependent_id), field="input",
                )  # fmt: skip
        except DomainError as exc:
            return invalid(exc)
        if v.refuses(prepared.findings):
            return _refused(ctx, prepared)
        try:
            async with ctx.unit_of_work() as db:
                claim, original, sequence = await _replace(
                    db, ctx, row, input, prepared, documents, why
                )
        except _Conflict:
            return changed(None, "claim")
        except _Duplicate:
            return _refused(ctx, prepared)
        _refresh(ctx, original)
        kept = [f for f in prepared.findings if f.severity is not v.Severity.ERROR]
        return ClaimCorrected(
            claim=build(Claim, claim), replaced=build(Claim, original),
            findings=_findings(kept), event_sequence=sequence,
        )  # fmt: skip

    @strawberry.mutation(
        description="Void a claim filed before (X12 837 claim frequency code 8): it becomes "
        "VOIDED, final, and stops counting toward the member's deductible and out-of-pocket "
        "maximum. Whatever the plan paid on it (and on the claims it replaced) is recorded as "
        "recouped from the provider."
    )
    async def void_claim(self, info: Info, prior: _PRIOR, reason: _WHY = None) -> VoidClaimResult:
        ctx = info.context
        try:
            row = await _prior(info, prior, "void")
            why = _reason(reason)
        except DomainError as exc:
            return invalid(exc)
        if (refusal := _refusal(row, prior, ClaimStatus.VOIDED)) is not None:
            return refusal
        try:
            async with ctx.unit_of_work() as db:
                claim, payment, sequence = await _void(db, ctx, row, why)
        except _Conflict:
            return changed(None, "claim")
        _refresh(ctx, claim)
        return ClaimVoided(
            claim=build(Claim, claim), recoupment=build_optional(Payment, payment),
            event_sequence=sequence,
        )  # fmt: skip


async def _replace(db, ctx: Context, row, input, prepared, documents, why):
    """The prior claim REPLACED (first: its version check serialises two corrections), the
    corrected claim filed, and each naming the other."""
    updated = await wf.update_claim(
        db, claim_id=row["id"], version=row["version"], values={"status": "replaced"}
    )
    if updated is None:
        raise _Conflict
    claim, _ = await _file(db, ctx, input, prepared, documents, replaces=row)
    if claim is None:
        raise _Duplicate  # rolls the prior claim back too
    original = await corr.link_replacement(db, original_id=row["id"], replacement_id=claim["id"])
    await wf.add_event(db, claim_id=row["id"], actor_id=ctx.principal.user_id,
                       action="replaced", old=row["status"], new="replaced",
                       details={"replaced_by": claim["claim_number"], "reason": why})  # fmt: skip
    sequence = await wf.publish(db, topic="claim.status_changed", payload={
        "claim_id": str(row["id"]), "old_status": row["status"], "new_status": "replaced",
        "version": original["version"],
    })  # fmt: skip
    ctx.audit.event(
        "replace_claim", "Claim", row["id"], subject_member_id=row["member_id"],
        subject_dependent_id=row["dependent_id"],
        old_values={"status": row["status"], "version": row["version"]},
        new_values={"status": "replaced", "replaced_by": claim["claim_number"]},
    )  # fmt: skip
    return claim, original, sequence


async def _void(db, ctx: Context, row, why):
    """The claim VOIDED, and all the plan paid for it recouped."""
    updated = await wf.update_claim(
        db, claim_id=row["id"], version=row["version"], values={"status": "voided"}
    )
    if updated is None:
        raise _Conflict
    paid, method = await corr.paid_for_episode(db, row["id"])
    amount = rules.recoupment_on_void(paid)
    payment = None
    if amount > 0:
        payment = await recoup(db, ctx, updated, amount, method=method or "eft", note=VOIDED)
    await wf.add_event(db, claim_id=row["id"], actor_id=ctx.principal.user_id, action="voided",
                       old=row["status"], new="voided",
                       details={"reason": why, "recouped": str(amount)})  # fmt: skip
    sequence = await wf.publish(db, topic="claim.status_changed", payload={
        "claim_id": str(row["id"]), "old_status": row["status"], "new_status": "voided",
        "version": updated["version"],
    })  # fmt: skip
    ctx.audit.event(
        "void_claim", "Claim", row["id"], subject_member_id=row["member_id"],
        subject_dependent_id=row["dependent_id"],
        old_values={"status": row["status"], "version": row["version"]},
        new_values={"status": "voided", "recouped": str(amount)},
    )  # fmt: skip
    return updated, payment, sequence
