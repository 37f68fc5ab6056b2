"""Claims and what hangs off them. The claim is here; its lines and timeline are in
graph/claim/lines.py, its appeals and payments in graph/claim/outcomes.py (imported here
too, so `graph.claim.types` still names them all)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry
from strawberry.scalars import JSON

from graph import enums
from graph import loaders as ld
from graph.claim.actors import ClaimActors
from graph.claim.lines import ClaimEvent, ClaimLine
from graph.claim.links import ClaimCorrectionLinks
from graph.claim.outcomes import Appeal, Payment
from graph.claim.refs import DependentRef, MemberRef, PolicyRef, ProviderRef, one
from graph.context import Info
from graph.fields import BUSINESS, PHI, classified
from graph.relay import Node
from graph.rows import build, relation
from policies.resources import FieldView

__all__ = ["Appeal", "Claim", "ClaimEvent", "ClaimLine", "Payment"]


def _money(column: str, description: str):
    return classified(column, BUSINESS, "business", Decimal, description=description)


def _flag(column: str, description: str):
    return classified(column, BUSINESS, "business", bool, description=description)


@strawberry.type(
    description="A claim for care a provider gave a member or dependent: what was billed, "
    "how the plan decided and what it paid. Amounts are US dollars. Regulators see it "
    "de-identified: its number, dates and free text are null."
)
class Claim(Node, ClaimActors, ClaimCorrectionLinks):
    claim_number = classified(
        "claim_number",
        BUSINESS,
        "record_number",
        str,
        description="The plan's claim number, CLM-YYYYMMDD-NNNNNN (the day it was filed and "
        "a sequence), quoted by members, providers and plan staff.",
    )
    status = classified(
        "status",
        BUSINESS,
        "business",
        enums.ClaimStatus,
        description="Where the claim is: SUBMITTED, UNDER_REVIEW, then APPROVED, "
        "PARTIALLY_APPROVED or DENIED; then PAID (from either approval) or APPEALED (from a "
        "denial or partial approval). REPLACED or VOIDED, final, once the provider corrected "
        "or voided it.",
    )
    priority = classified(
        "priority",
        BUSINESS,
        "business",
        enums.Priority,
        description="Its place in the payer queue, set by triage on submission: URGENT "
        "(emergency room or emergency visit), HIGH (billed 2,500.00 or more), LOW "
        "(preventive care or a routine check-up), otherwise NORMAL.",
    )
    claim_type = classified(
        "claim_type",
        BUSINESS,
        "business",
        enums.ClaimType,
        description="The kind of care billed, as the submitter chose it (MEDICAL unless "
        "told); MENTAL_HEALTH marks the claim sensitive.",
    )
    service_type = classified(
        "service_type",
        PHI,
        "clinical",
        str,
        description="A short label for the service (e.g. Office visit, Dental cleaning) "
        "carried over from the source system; null on claims filed with submitClaim.",
    )
    place_of_service = classified(
        "place_of_service",
        PHI,
        "clinical",
        str,
        description="Where the care was given: a two-digit CMS place-of-service code (e.g. 11 "
        "office, 23 hospital emergency room, 02 telehealth).",
    )
    diagnosis_codes = classified(
        "diagnosis_codes",
        PHI,
        "clinical",
        list[str],
        description="ICD-10-CM diagnosis codes, most relevant first, upper case with the dot "
        "(J06.9); each line's diagnosisPointers count into this list from 1.",
    )
    procedure_codes = classified(
        "procedure_codes",
        PHI,
        "clinical",
        list[str],
        description="The distinct CPT/HCPCS codes of the claim's lines, sorted; the lines "
        "hold each with its units and charge.",
    )
    service_date = classified(
        "service_date",
        BUSINESS,
        "record_date",
        date,
        description="The day the care was given, as billed; eligibility, coverage, contract "
        "pricing and timely filing are judged on it. A line may carry its own day.",
    )
    submission_date = classified(
        "submission_date",
        BUSINESS,
        "record_date",
        datetime,
        description="When the claim was filed with the plan.",
    )
    received_date = classified(
        "received_date",
        BUSINESS,
        "record_date",
        datetime,
        description="When the plan received the claim: for claims filed with submitClaim, "
        "the moment of filing; null when the source system did not record it.",
    )
    processed_date = classified(
        "processed_date",
        BUSINESS,
        "record_date",
        datetime,
        description="When an adjudicator last decided the claim (approved, partially approved "
        "or denied); null while it is open.",
    )
    billed_amount = _money(
        "billed_amount",
        "What the provider charged: the sum of the lines' charges, above zero.",
    )
    allowed_amount = _money(
        "allowed_amount",
        "What the plan allows for the care, never more than billed: the contract's fee "
        "schedule in network, the plan's percentage of billed out of network. Set on "
        "adjudication (0 on a denial); null while open.",
    )
    deductible_applied = _money(
        "deductible_applied",
        "The part of the allowed amount the member pays toward the plan-year deductible: at "
        "most what is left of the patient's own deductible and of the family's; 0 until "
        "approved, for preventive care in network and for prescriptions with a tier copay.",
    )
    coinsurance_amount = _money(
        "coinsurance_amount",
        "The member's percentage share of what is allowed after the deductible; 0 when a "
        "copay applies instead, and until approved.",
    )
    copay_amount = _money(
        "copay_amount",
        "The policy's flat copay for this kind of visit (emergency room, urgent care, primary "
        "care or specialist office visit), plus on a pharmacy claim each line's prescription "
        "copay for its drug tier; 0 when none applies, and until approved.",
    )
    paid_amount = _money(
        "paid_amount",
        "What the plan pays the provider: allowed minus the member's responsibility. Set on "
        "adjudication (0 on a denial); null while open. recordPayment pays this amount.",
    )
    member_responsibility = _money(
        "member_responsibility",
        "What the member owes the provider: deductible plus copay plus coinsurance, capped by "
        "what is left this plan year of the patient's out-of-pocket maximum and of the "
        "family's. Null while open.",
    )
    denial_code = classified(
        "denial_code",
        BUSINESS,
        "business",
        str,
        description="The claim adjustment reason code given with a denial (e.g. 50: not "
        "medically necessary; listed by adjustmentReasons); null unless the claim was denied.",
    )
    denial_reason = classified(
        "denial_reason",
        BUSINESS,
        "narrative",
        str,
        description="The adjudicator's explanation of a denial, written for the member to "
        "read; null unless the claim was denied.",
    )
    notes = classified(
        "notes",
        PHI,
        "narrative",
        str,
        description="The submitter's free-text notes, as filed; a decision never changes them "
        "(the adjudicator's are adjudicatorNotes). May mention the patient's care.",
    )
    triage_confidence = classified(
        "triage_confidence",
        BUSINESS,
        "business",
        Decimal,
        description="How sure triage is of the priority, from 0 to 1 with three decimals; 0 "
        "when triage failed and the claim went in as NORMAL.",
    )
    triage_reasons = classified(
        "triage_reasons",
        BUSINESS,
        "business",
        JSON,
        description="Why triage chose the priority: a JSON list of short phrases, e.g. "
        '["emergency room place of service"].',
    )
    is_sensitive = _flag(
        "is_sensitive",
        "Sensitive care: mental health, substance use or reproductive health, set from the "
        "diagnosis codes or a MENTAL_HEALTH claim type. Only the patient, the submitting "
        "provider, adjudicators and admins see such a claim.",
    )
    requires_manual_review = _flag(
        "requires_manual_review",
        "Billed above the plan's review threshold (the amount_review_threshold rule, "
        "10,000.00 unless the plan changed it): an adjudicator checks it by hand.",
    )
    is_duplicate = _flag(
        "is_duplicate",
        "The duplicate_claim rule matched a claim already on file (same patient, provider, "
        "service date and procedures) and the claim was kept, because the plan set that "
        "rule to warn rather than refuse.",
    )
    validation_warnings = classified(
        "validation_warnings",
        BUSINESS,
        "business",
        JSON,
        description="What validation found on submission without refusing the claim: a JSON "
        "list of {rule, severity, message, field}; null when it found nothing.",
    )
    version = classified(
        "version",
        BUSINESS,
        "business",
        int,
        description="Goes up by one with every change. Pass it to assignClaim, "
        "adjudicateClaim and recordPayment: a claim changed since answers RecordChanged.",
    )
    created_at = classified(
        "created_at",
        BUSINESS,
        "record_date",
        datetime,
        description="When the claim's record was created; the payer queue serves the oldest "
        "first within a priority.",
    )
    updated_at = classified(
        "updated_at",
        BUSINESS,
        "record_date",
        datetime,
        description="When the claim last changed.",
    )

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="Claim")

    @strawberry.field(description="The subscriber whose coverage the claim is under.")
    @relation(ld.MemberByIdLoader, "member_id")
    async def member(self, info: Info) -> MemberRef | None:
        from graph.member.types import Member

        return await one(info, ld.MemberByIdLoader, Member, self._row["member_id"])

    @strawberry.field(description="The patient, when it is a dependent rather than the member.")
    @relation(ld.DependentByIdLoader, "dependent_id")
    async def dependent(self, info: Info) -> DependentRef | None:
        from graph.member.types import Dependent

        return await one(info, ld.DependentByIdLoader, Dependent, self._row["dependent_id"])

    @strawberry.field(
        description="The billing provider: the practitioner, group or facility the claim was "
        "filed under."
    )
    @relation(ld.ProviderByIdLoader, "provider_id")
    async def provider(self, info: Info) -> ProviderRef | None:
        from graph.provider.types import Provider

        return await one(info, ld.ProviderByIdLoader, Provider, self._row["provider_id"])

    @strawberry.field(
        description="The policy that covered the patient on the service date, found on "
        "submission; null when you may not see it (a provider gets no policy)."
    )
    @relation(ld.PolicyByIdLoader, "policy_id")
    async def policy(self, info: Info) -> PolicyRef | None:
        from graph.policy.types import Policy

        return await one(info, ld.PolicyByIdLoader, Policy, self._row["policy_id"])

    @strawberry.field(description="One line per procedure, in order.")
    @relation(ld.ClaimLinesByClaimIdLoader, many=True)
    async def lines(self, info: Info) -> list[ClaimLine]:
        rows = await info.context.loader(ld.ClaimLinesByClaimIdLoader).load(self.db_id)
        return [build(ClaimLine, r) for r in rows]

    @strawberry.field(description="The status timeline, oldest first.")
    @relation(ld.ClaimEventsByClaimIdLoader, many=True)
    async def events(self, info: Info) -> list[ClaimEvent]:
        rows = await info.context.loader(ld.ClaimEventsByClaimIdLoader).load(self.db_id)
        return [build(ClaimEvent, r) for r in rows]

    @strawberry.field(
        description="The appeals of this claim that you may see, oldest first; at most one "
        "is open at a time."
    )
    @relation(ld.AppealsByClaimIdLoader, many=True)
    async def appeals(self, info: Info) -> list[Appeal]:
        rows = await info.context.loader(ld.AppealsByClaimIdLoader).load(self.db_id)
        return [build(Appeal, r) for r in rows]

    @strawberry.field(description="The payments made on this claim that you may see, oldest first.")
    @relation(ld.PaymentsByClaimIdLoader, many=True)
    async def payments(self, info: Info) -> list[Payment]:
        rows = await info.context.loader(ld.PaymentsByClaimIdLoader).load(self.db_id)
        return [build(Payment, r) for r in rows]
