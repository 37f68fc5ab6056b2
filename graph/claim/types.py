"""Claims and what hangs off them: lines, timeline events, appeals, payments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from graph import enums
from graph import loaders as ld
from graph.context import Info
from graph.relay import Node
from graph.rows import build, build_optional

if TYPE_CHECKING:
    from graph.member.types import Dependent, Member
    from graph.policy.types import Policy
    from graph.provider.types import Provider

MemberRef = Annotated["Member", strawberry.lazy("graph.member.types")]
DependentRef = Annotated["Dependent", strawberry.lazy("graph.member.types")]
PolicyRef = Annotated["Policy", strawberry.lazy("graph.policy.types")]
ProviderRef = Annotated["Provider", strawberry.lazy("graph.provider.types")]


@strawberry.type(description="A claim for care a provider gave a member or dependent.")
class Claim(Node):
    claim_number: str
    status: enums.ClaimStatus
    priority: enums.Priority
    claim_type: enums.ClaimType
    service_type: str | None
    place_of_service: str | None
    diagnosis_codes: list[str]
    procedure_codes: list[str]
    service_date: date
    submission_date: datetime
    received_date: datetime | None
    processed_date: datetime | None
    billed_amount: Decimal
    allowed_amount: Decimal | None
    deductible_applied: Decimal
    coinsurance_amount: Decimal
    copay_amount: Decimal
    paid_amount: Decimal | None
    member_responsibility: Decimal | None
    denial_code: str | None
    denial_reason: str | None
    notes: str | None
    triage_confidence: Decimal | None
    triage_reasons: JSON | None
    is_sensitive: bool
    requires_manual_review: bool
    is_duplicate: bool
    version: int
    created_at: datetime
    updated_at: datetime
    member_id: strawberry.Private[UUID]
    dependent_id: strawberry.Private[UUID | None]
    provider_id: strawberry.Private[UUID]
    policy_id: strawberry.Private[UUID | None]

    @strawberry.field(description="The subscriber whose coverage the claim is under.")
    async def member(self, info: Info) -> MemberRef | None:
        from graph.member.types import Member

        row = await info.context.loader(ld.MemberByIdLoader).load(self.member_id)
        return build_optional(Member, row)

    @strawberry.field(description="The patient, when it is a dependent rather than the member.")
    async def dependent(self, info: Info) -> DependentRef | None:
        from graph.member.types import Dependent

        if self.dependent_id is None:
            return None
        row = await info.context.loader(ld.DependentByIdLoader).load(self.dependent_id)
        return build_optional(Dependent, row)

    @strawberry.field
    async def provider(self, info: Info) -> ProviderRef | None:
        from graph.provider.types import Provider

        row = await info.context.loader(ld.ProviderByIdLoader).load(self.provider_id)
        return build_optional(Provider, row)

    @strawberry.field
    async def policy(self, info: Info) -> PolicyRef | None:
        from graph.policy.types import Policy

        if self.policy_id is None:
            return None
        row = await info.context.loader(ld.PolicyByIdLoader).load(self.policy_id)
        return build_optional(Policy, row)

    @strawberry.field(description="One line per procedure, in order.")
    async def lines(self, info: Info) -> list[ClaimLine]:
        rows = await info.context.loader(ld.ClaimLinesByClaimIdLoader).load(self.db_id)
        return [build(ClaimLine, r) for r in rows]

    @strawberry.field(description="The status timeline, oldest first.")
    async def events(self, info: Info) -> list[ClaimEvent]:
        rows = await info.context.loader(ld.ClaimEventsByClaimIdLoader).load(self.db_id)
        return [build(ClaimEvent, r) for r in rows]

    @strawberry.field
    async def appeals(self, info: Info) -> list[Appeal]:
        rows = await info.context.loader(ld.AppealsByClaimIdLoader).load(self.db_id)
        return [build(Appeal, r) for r in rows]

    @strawberry.field
    async def payments(self, info: Info) -> list[Payment]:
        rows = await info.context.loader(ld.PaymentsByClaimIdLoader).load(self.db_id)
        return [build(Payment, r) for r in rows]


@strawberry.type(description="One procedure on a claim.")
class ClaimLine:
    db_id: strawberry.Private[UUID]
    line_number: int
    procedure_code: str
    modifiers: list[str]
    units: int
    charge_amount: Decimal
    allowed_amount: Decimal | None
    paid_amount: Decimal | None
    diagnosis_pointers: list[int]
    service_date: date | None


@strawberry.type(description="One step of a claim's timeline.")
class ClaimEvent:
    db_id: strawberry.Private[UUID]
    action: str
    old_status: str | None
    new_status: str | None
    details: JSON | None
    created_at: datetime


@strawberry.type(description="A member's or provider's request to reconsider a claim decision.")
class Appeal(Node):
    appeal_number: str
    appeal_reason: str
    additional_information: str | None
    requested_amount: Decimal | None
    status: enums.AppealStatus
    urgency: enums.AppealUrgency
    submission_date: datetime
    due_at: datetime
    decision_date: datetime | None
    decision_reason: str | None
    claim_id: strawberry.Private[UUID]

    @strawberry.field(description="Still open after its due date (29 CFR 2560.503-1(i)).")
    def overdue(self) -> bool:
        from domain.enums import OPEN_APPEAL_STATUSES

        now = datetime.now(self.due_at.tzinfo)
        return self.status in OPEN_APPEAL_STATUSES and now > self.due_at

    @strawberry.field
    async def claim(self, info: Info) -> Claim | None:
        row = await info.context.loader(ld.ClaimByIdLoader).load(self.claim_id)
        return build_optional(Claim, row)


@strawberry.type(description="Money moved for a claim or a premium.")
class Payment(Node):
    payment_number: str
    payer_type: enums.PayerType
    payee_type: enums.PayeeType
    payment_type: enums.PaymentType
    amount: Decimal
    payment_method: enums.PaymentMethod
    confirmation_number: str | None
    status: enums.PaymentStatus
    failure_reason: str | None
    payment_date: datetime | None
    processed_date: datetime | None
    description: str | None
    claim_id: strawberry.Private[UUID | None]
    policy_id: strawberry.Private[UUID | None]

    @strawberry.field
    async def claim(self, info: Info) -> Claim | None:
        if self.claim_id is None:
            return None
        row = await info.context.loader(ld.ClaimByIdLoader).load(self.claim_id)
        return build_optional(Claim, row)

    @strawberry.field
    async def policy(self, info: Info) -> PolicyRef | None:
        from graph.policy.types import Policy

        if self.policy_id is None:
            return None
        row = await info.context.loader(ld.PolicyByIdLoader).load(self.policy_id)
        return build_optional(Policy, row)
