"""Claims and what hangs off them: lines, timeline events, appeals, payments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON

from domain.enums import OPEN_APPEAL_STATUSES
from graph import enums
from graph import loaders as ld
from graph.context import Info
from graph.fields import BUSINESS, PHI, Classified, classified
from graph.relay import Node
from graph.rows import build, build_optional, relation
from policies.resources import FieldView

if TYPE_CHECKING:
    from graph.member.types import Dependent, Member
    from graph.policy.types import Policy
    from graph.provider.types import Provider

MemberRef = Annotated["Member", strawberry.lazy("graph.member.types")]
DependentRef = Annotated["Dependent", strawberry.lazy("graph.member.types")]
PolicyRef = Annotated["Policy", strawberry.lazy("graph.policy.types")]
ProviderRef = Annotated["Provider", strawberry.lazy("graph.provider.types")]


async def _one(info: Info, loader, cls, key) -> Any:
    if key is None:
        return None
    return build_optional(cls, await info.context.loader(loader).load(key))


@strawberry.type(description="A claim for care a provider gave a member or dependent.")
class Claim(Node):
    claim_number = classified("claim_number", BUSINESS, "record_number", str)
    status = classified("status", BUSINESS, "business", enums.ClaimStatus)
    priority = classified("priority", BUSINESS, "business", enums.Priority)
    claim_type = classified("claim_type", BUSINESS, "business", enums.ClaimType)
    service_type = classified("service_type", PHI, "clinical", str)
    place_of_service = classified("place_of_service", PHI, "clinical", str)
    diagnosis_codes = classified("diagnosis_codes", PHI, "clinical", list[str])
    procedure_codes = classified("procedure_codes", PHI, "clinical", list[str])
    service_date = classified("service_date", BUSINESS, "record_date", date)
    submission_date = classified("submission_date", BUSINESS, "record_date", datetime)
    received_date = classified("received_date", BUSINESS, "record_date", datetime)
    processed_date = classified("processed_date", BUSINESS, "record_date", datetime)
    billed_amount = classified("billed_amount", BUSINESS, "business", Decimal)
    allowed_amount = classified("allowed_amount", BUSINESS, "business", Decimal)
    deductible_applied = classified("deductible_applied", BUSINESS, "business", Decimal)
    coinsurance_amount = classified("coinsurance_amount", BUSINESS, "business", Decimal)
    copay_amount = classified("copay_amount", BUSINESS, "business", Decimal)
    paid_amount = classified("paid_amount", BUSINESS, "business", Decimal)
    member_responsibility = classified("member_responsibility", BUSINESS, "business", Decimal)
    denial_code = classified("denial_code", BUSINESS, "business", str)
    denial_reason = classified("denial_reason", BUSINESS, "narrative", str)
    notes = classified("notes", PHI, "narrative", str)
    triage_confidence = classified("triage_confidence", BUSINESS, "business", Decimal)
    triage_reasons = classified("triage_reasons", BUSINESS, "business", JSON)
    is_sensitive = classified("is_sensitive", BUSINESS, "business", bool)
    requires_manual_review = classified("requires_manual_review", BUSINESS, "business", bool)
    is_duplicate = classified("is_duplicate", BUSINESS, "business", bool)
    validation_warnings = classified("validation_warnings", BUSINESS, "business", JSON)
    version = classified("version", BUSINESS, "business", int)
    created_at = classified("created_at", BUSINESS, "record_date", datetime)
    updated_at = classified("updated_at", BUSINESS, "record_date", datetime)

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="Claim")

    @strawberry.field(description="The subscriber whose coverage the claim is under.")
    @relation(ld.MemberByIdLoader, "member_id")
    async def member(self, info: Info) -> MemberRef | None:
        from graph.member.types import Member

        return await _one(info, ld.MemberByIdLoader, Member, self._row["member_id"])

    @strawberry.field(description="The patient, when it is a dependent rather than the member.")
    @relation(ld.DependentByIdLoader, "dependent_id")
    async def dependent(self, info: Info) -> DependentRef | None:
        from graph.member.types import Dependent

        return await _one(info, ld.DependentByIdLoader, Dependent, self._row["dependent_id"])

    @strawberry.field
    @relation(ld.ProviderByIdLoader, "provider_id")
    async def provider(self, info: Info) -> ProviderRef | None:
        from graph.provider.types import Provider

        return await _one(info, ld.ProviderByIdLoader, Provider, self._row["provider_id"])

    @strawberry.field
    @relation(ld.PolicyByIdLoader, "policy_id")
    async def policy(self, info: Info) -> PolicyRef | None:
        from graph.policy.types import Policy

        return await _one(info, ld.PolicyByIdLoader, Policy, self._row["policy_id"])

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

    @strawberry.field
    @relation(ld.AppealsByClaimIdLoader, many=True)
    async def appeals(self, info: Info) -> list[Appeal]:
        rows = await info.context.loader(ld.AppealsByClaimIdLoader).load(self.db_id)
        return [build(Appeal, r) for r in rows]

    @strawberry.field
    @relation(ld.PaymentsByClaimIdLoader, many=True)
    async def payments(self, info: Info) -> list[Payment]:
        rows = await info.context.loader(ld.PaymentsByClaimIdLoader).load(self.db_id)
        return [build(Payment, r) for r in rows]


@strawberry.type(description="One procedure on a claim.")
class ClaimLine(Classified):
    db_id: strawberry.Private[Any]
    _row: strawberry.Private[Any]
    _decisions: strawberry.Private[Any] = None

    line_number = classified("line_number", BUSINESS, "business", int)
    procedure_code = classified("procedure_code", PHI, "clinical", str)
    modifiers = classified("modifiers", PHI, "clinical", list[str])
    units = classified("units", BUSINESS, "business", int)
    charge_amount = classified("charge_amount", BUSINESS, "business", Decimal)
    allowed_amount = classified("allowed_amount", BUSINESS, "business", Decimal)
    paid_amount = classified("paid_amount", BUSINESS, "business", Decimal)
    diagnosis_pointers = classified("diagnosis_pointers", PHI, "clinical", list[int])
    service_date = classified("service_date", BUSINESS, "record_date", date)

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="ClaimLine")

    def audit_key(self):
        return "ClaimLine", self._row["id"], None, None


@strawberry.type(description="One step of a claim's timeline.")
class ClaimEvent(Classified):
    db_id: strawberry.Private[Any]
    _row: strawberry.Private[Any]
    _decisions: strawberry.Private[Any] = None

    action = classified("action", BUSINESS, "business", str)
    old_status = classified("old_status", BUSINESS, "business", str)
    new_status = classified("new_status", BUSINESS, "business", str)
    details = classified("details", BUSINESS, "narrative", JSON)
    created_at = classified("created_at", BUSINESS, "record_date", datetime)

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="ClaimEvent")


@strawberry.type(description="A member's or provider's request to reconsider a claim decision.")
class Appeal(Node):
    appeal_number = classified("appeal_number", BUSINESS, "record_number", str)
    appeal_reason = classified("appeal_reason", PHI, "narrative", str)
    additional_information = classified("additional_information", PHI, "narrative", str)
    requested_amount = classified("requested_amount", BUSINESS, "business", Decimal)
    status = classified("status", BUSINESS, "business", enums.AppealStatus)
    urgency = classified("urgency", BUSINESS, "business", enums.AppealUrgency)
    submission_date = classified("submission_date", BUSINESS, "record_date", datetime)
    due_at = classified("due_at", BUSINESS, "record_date", datetime)
    decision_date = classified("decision_date", BUSINESS, "record_date", datetime)
    decision_reason = classified("decision_reason", PHI, "narrative", str)
    # derived from the due date, so read through the same rule: whoever may not read the date
    # may not learn it from the flag either (it dates the filing to the day)
    overdue = classified(
        "due_at",
        BUSINESS,
        "record_date",
        bool,
        description="Still open after its due date (29 CFR 2560.503-1(i)).",
        render=lambda due, row: (
            row["status"] in OPEN_APPEAL_STATUSES and datetime.now(due.tzinfo) > due
        ),
    )

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="Appeal")

    @strawberry.field
    @relation(ld.ClaimByIdLoader, "claim_id")
    async def claim(self, info: Info) -> Claim | None:
        return await _one(info, ld.ClaimByIdLoader, Claim, self._row["claim_id"])


@strawberry.type(description="Money moved for a claim or a premium.")
class Payment(Node):
    payment_number = classified("payment_number", BUSINESS, "record_number", str)
    payer_type = classified("payer_type", BUSINESS, "business", enums.PayerType)
    payee_type = classified("payee_type", BUSINESS, "business", enums.PayeeType)
    payment_type = classified("payment_type", BUSINESS, "business", enums.PaymentType)
    amount = classified("amount", BUSINESS, "business", Decimal)
    payment_method = classified("payment_method", BUSINESS, "business", enums.PaymentMethod)
    confirmation_number = classified("confirmation_number", BUSINESS, "record_number", str)
    status = classified("status", BUSINESS, "business", enums.PaymentStatus)
    failure_reason = classified("failure_reason", BUSINESS, "narrative", str)
    payment_date = classified("payment_date", BUSINESS, "record_date", datetime)
    processed_date = classified("processed_date", BUSINESS, "record_date", datetime)
    description = classified("description", BUSINESS, "narrative", str)

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="Payment")

    @strawberry.field
    @relation(ld.ClaimByIdLoader, "claim_id")
    async def claim(self, info: Info) -> Claim | None:
        return await _one(info, ld.ClaimByIdLoader, Claim, self._row["claim_id"])

    @strawberry.field
    @relation(ld.PolicyByIdLoader, "policy_id")
    async def policy(self, info: Info) -> PolicyRef | None:
        from graph.policy.types import Policy

        return await _one(info, ld.PolicyByIdLoader, Policy, self._row["policy_id"])
