"""Claim submission and its dry run: identify the patient, validate against the plan's data,
triage, then (for a real submission) write the claim, its lines, documents, timeline, audit
and outbox event in one transaction."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import strawberry

from db import submission as sub
from db import validation as checks
from db import workflows as wf
from domain import documents as docs
from domain import validation as v
from domain.eligibility import Patient, facts_for
from domain.errors import DomainError
from domain.triage import Triage, is_sensitive, triage
from graph.claim.filing import (
    ClaimDocumentInput,
    ClaimLineInput,
    ClaimRefused,
    ClaimSubmitted,
    ClaimValidation,
    FindingSeverity,
    SubmitClaimInput,
    SubmitClaimResult,
    ValidateClaimResult,
    ValidationFinding,
)
from graph.claim.types import Claim
from graph.context import Context, Info
from graph.guard import require
from graph.relay import from_global_id
from graph.results import invalid
from graph.rows import build
from policies import resources as res

__all__ = [  # the input and result types live in graph/claim/filing.py; still importable here
    "ClaimDocumentInput",
    "ClaimLineInput",
    "ClaimRefused",
    "ClaimSubmitted",
    "ClaimValidation",
    "ClaimValidationQueries",
    "FindingSeverity",
    "SubmitClaimInput",
    "SubmitClaimMutations",
    "SubmitClaimResult",
    "ValidateClaimResult",
    "ValidationFinding",
]


@dataclass(slots=True)
class _Prepared:
    draft: v.Draft
    findings: list[v.Finding]
    rules: list[v.Rule]
    provider_id: UUID
    patient: Patient | None
    triage: Triage

    @property
    def member_id(self) -> UUID | None:
        return self.patient.member_id if self.patient else None

    @property
    def dependent_id(self) -> UUID | None:
        return self.patient.dependent_id if self.patient else None

    @property
    def policy_id(self) -> UUID | None:
        return self.patient.policy_id if self.patient else None


def _draft(input: SubmitClaimInput) -> v.Draft:
    return v.Draft(
        service_date=input.service_date,
        diagnosis_codes=tuple(input.diagnosis_codes),
        lines=tuple(
            v.DraftLine(
                procedure_code=line.procedure_code,
                charge_amount=line.charge_amount,
                units=line.units,
                modifiers=tuple(line.modifiers),
                diagnosis_pointers=tuple(line.diagnosis_pointers),
                service_date=line.service_date,
                drug_tier=line.drug_tier.value if line.drug_tier else None,
            )
            for line in input.lines
        ),
        place_of_service=input.place_of_service.strip() if input.place_of_service else None,
        claim_type=input.claim_type.value,
    )


def _billing_provider(info: Info, input: SubmitClaimInput, action: str) -> UUID:
    """The provider the claim is billed under, as the policy forces it."""
    requested = None
    if input.provider_id is not None:
        requested = from_global_id(input.provider_id, expected="Provider", field="providerId")[1]
    provider = info.context.authorizer.claim_provider(info.context.principal, requested)
    if provider is None:  # refuse whoever may not, then ask those who may to name one
        require(info, action, res.Claim(id=None, provider_id=requested, member_id=None))
        raise DomainError("Name the billing provider: providerId.", field="providerId")
    return provider


async def _prepare(
    info: Info, input: SubmitClaimInput, action: str, *, replaces: Mapping[str, Any] | None = None
) -> _Prepared:
    """Authorize, identify the patient and validate; reads only. A corrected claim bills
    under the provider of the claim it `replaces` (its caller authorized the correction)."""
    ctx = info.context
    if replaces is None:
        provider_id = _billing_provider(info, input, action)
        require(info, action, res.Claim(id=None, provider_id=provider_id, member_id=None))
    else:
        provider_id = replaces["provider_id"]
    draft = _draft(input)
    rules = await checks.rules(ctx.db)
    known = await checks.lookups(
        ctx.db,
        member_numbers=[input.member_number],
        provider_ids=[provider_id],
        diagnosis_codes=[v.normalise_diagnosis(c) for c in draft.diagnosis_codes],
        service_dates=[draft.service_date],
        replacing=replaces["id"] if replaces is not None else None,
    )
    facts, patient = facts_for(
        known, member_number=input.member_number, born=input.patient_date_of_birth,
        first_name=input.patient_first_name, provider_id=provider_id, draft=draft,
        today=ctx.today,
    )  # fmt: skip
    findings = v.evaluate(rules, draft, facts)
    codes = [v.normalise_procedure(c) for c in draft.procedure_codes]
    priority = triage(
        place_of_service=draft.place_of_service,
        procedure_codes=codes,
        diagnosis_codes=[v.normalise_diagnosis(c) for c in draft.diagnosis_codes],
        billed=draft.billed if draft.billed.is_finite() else Decimal("0"),
    )
    return _Prepared(draft, findings, rules, provider_id, patient, triage=priority)


async def _documents(ctx: Context, input: SubmitClaimInput) -> list[dict]:
    """Read and check the uploads: size before reading, kind from the bytes."""
    uploads = input.documents or []
    docs.check_count(len(uploads))
    limit = ctx.settings.max_document_bytes
    rows = []
    for i, doc in enumerate(uploads):
        at = f"documents[{i}].file"
        docs.check_size(getattr(doc.file, "size", None), limit=limit, field=at)
        content = await doc.file.read(limit + 1)
        docs.check_size(len(content), limit=limit, field=at)
        mime = docs.detect(content[:512], field=at)
        rows.append({
            "document_type": doc.document_type.value,
            "file_name": (getattr(doc.file, "filename", None) or f"document-{i + 1}")[:200],
            "mime_type": mime, "file_size": len(content),
            # stored encrypted like every PHI column; bytes go in as base64 text
            "content": _b64(content), "sha256": hashlib.sha256(content).hexdigest(),
            "uploaded_by": ctx.principal.user_id,
        })  # fmt: skip
    return rows


def _b64(content: bytes) -> str:
    return base64.b64encode(content).decode("ascii")


def _findings(findings: list[v.Finding]) -> list[ValidationFinding]:
    return [ValidationFinding.of(f) for f in findings]


@strawberry.type
class SubmitClaimMutations:
    @strawberry.mutation(
        description="File a claim. It is validated against the plan's data (errors refuse "
        "it, warnings are kept on it), flagged sensitive where the diagnoses say so, "
        "triaged for the payer queue and numbered."
    )
    async def submit_claim(
        self,
        info: Info,
        input: Annotated[
            SubmitClaimInput, strawberry.argument(description="The claim as the provider bills it.")
        ],
    ) -> SubmitClaimResult:
        ctx = info.context
        try:
            prepared = await _prepare(info, input, "submit")
            documents = await _documents(ctx, input)
        except DomainError as exc:
            return invalid(exc)
        if v.refuses(prepared.findings):
            return _refused(ctx, prepared)
        async with ctx.unit_of_work() as db:
            claim, sequence = await _file(db, ctx, input, prepared, documents)
        if claim is None:  # a twin submission won the race to the duplicate check
            return _refused(ctx, prepared)
        kept = [f for f in prepared.findings if f.severity is not v.Severity.ERROR]
        return ClaimSubmitted(
            claim=build(Claim, claim), findings=_findings(kept), event_sequence=sequence
        )


def _refused(ctx: Context, prepared: _Prepared) -> ClaimRefused:
    errors = [f for f in prepared.findings if f.severity is v.Severity.ERROR]
    ctx.audit.event(
        "submit_claim",
        "Claim",
        None,
        subject_member_id=prepared.member_id,
        subject_dependent_id=prepared.dependent_id,
        success=False,
        error="BAD_USER_INPUT",
        new_values={"refused_by": sorted({f.rule for f in errors})},
    )
    return ClaimRefused(
        code="BAD_USER_INPUT",
        message=f"The claim was not filed: {len(errors)} problem(s) to fix.",
        findings=_findings(prepared.findings),
    )


async def _file(
    db, ctx: Context, input: SubmitClaimInput, p: _Prepared, documents: list[dict],
    *, replaces: Mapping[str, Any] | None = None,
):  # fmt: skip
    """File the claim; with `replaces`, as the corrected claim that replaces that one."""
    draft = p.draft
    codes = [v.normalise_procedure(c) for c in draft.procedure_codes]
    who = dict(member_id=p.member_id, dependent_id=p.dependent_id,
               provider_id=p.provider_id, service_date=draft.service_date)  # fmt: skip
    await sub.lock_duplicates(db, **who)
    # under the lock, ask the duplicate rule again: a twin may have been filed meanwhile
    replacing = replaces["id"] if replaces is not None else None
    twins = await sub.duplicates(db, procedure_codes=codes, replacing=replacing, **who)
    if twins:
        rules = [r for r in p.rules if r.name == "duplicate_claim"]
        p.findings.extend(v.evaluate(rules, draft, v.Facts(today=ctx.today, duplicates=twins)))
        if v.refuses(p.findings):
            return None, None
    kept = [f for f in p.findings if f.severity is not v.Severity.ERROR]
    diagnoses = [v.display_diagnosis(c) for c in draft.diagnosis_codes]
    values = {
        "policy_id": p.policy_id, "member_id": p.member_id, "dependent_id": p.dependent_id,
        "provider_id": p.provider_id, "claim_type": draft.claim_type,
        "place_of_service": draft.place_of_service, "diagnosis_codes": diagnoses,
        "procedure_codes": sorted(set(codes)), "service_date": draft.service_date,
        "received_date": datetime.now(UTC), "billed_amount": draft.billed,
        "status": "submitted", "submitted_by": ctx.principal.user_id,
        "priority": p.triage.priority.value, "triage_confidence": p.triage.confidence,
        "triage_reasons": list(p.triage.reasons),
        "is_sensitive": is_sensitive(diagnoses) or draft.claim_type == "mental_health",
        "validation_warnings": [f.as_dict() for f in kept] or None,
        "notes": input.notes.strip() if input.notes and input.notes.strip() else None,
        **v.flags(kept),
    }  # fmt: skip
    if replaces is not None:
        values |= {"frequency_code": "replacement", "replaces_claim_id": replaces["id"]}
    lines = [
        {
            "line_number": i + 1, "procedure_code": code,
            "modifiers": [m.strip().upper() for m in line.modifiers], "units": line.units,
            "charge_amount": line.charge_amount,
            "diagnosis_pointers": list(line.diagnosis_pointers),
            "service_date": line.service_date or draft.service_date,
            "drug_tier": line.drug_tier,
        }
        for i, (code, line) in enumerate(zip(codes, draft.lines, strict=True))
    ]  # fmt: skip
    claim = await sub.insert_claim(db, values=values, lines=lines, documents=documents)
    details = {"priority": p.triage.priority.value, "confidence": str(p.triage.confidence),
               "reasons": list(p.triage.reasons), "documents": len(documents)}  # fmt: skip
    if replaces is not None:
        details["replaces"] = replaces["claim_number"]
    await wf.add_event(db, claim_id=claim["id"], actor_id=ctx.principal.user_id,
                       action="submitted", old=None, new="submitted", details=details)  # fmt: skip
    sequence = await wf.publish(db, topic="claim.status_changed", payload={
        "claim_id": str(claim["id"]), "old_status": None, "new_status": "submitted",
        "version": claim["version"],
    })  # fmt: skip
    ctx.audit.event(
        "submit_corrected_claim" if replaces is not None else "submit_claim",
        "Claim", claim["id"], subject_member_id=p.member_id,
        subject_dependent_id=p.dependent_id,
        new_values={"claim_number": claim["claim_number"], "status": "submitted",
                    "triage": details, "warnings": [f.rule for f in kept]},
    )  # fmt: skip
    return claim, sequence


@strawberry.type
class ClaimValidationQueries:
    @strawberry.field(
        description="Run every validation rule over a claim without saving anything: the "
        "findings submitClaim would give, and the priority triage would set."
    )
    async def validate_claim(
        self,
        info: Info,
        input: Annotated[
            SubmitClaimInput,
            strawberry.argument(
                description="The claim as submitClaim would take it; documents are checked, "
                "not kept."
            ),
        ],
    ) -> ValidateClaimResult:
        try:
            prepared = await _prepare(info, input, "validate")
            await _documents(info.context, input)
        except DomainError as exc:
            return invalid(exc)
        return ClaimValidation(
            valid=not v.refuses(prepared.findings),
            findings=_findings(prepared.findings),
            priority=prepared.triage.priority,
        )
