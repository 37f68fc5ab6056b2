"""What follows a claim's decision: appeals of it and payments on it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from domain.enums import OPEN_APPEAL_STATUSES
from graph import enums
from graph import loaders as ld
from graph.claim.actors import acted_by
from graph.claim.refs import ClaimRef, PolicyRef, one
from graph.context import Info
from graph.fields import BUSINESS, PHI, classified
from graph.relay import Node
from graph.rows import relation
from policies.resources import FieldView


@strawberry.type(
    description="A member's or provider's request to reconsider a claim decision (29 CFR "
    "2560.503-1). Regulators see it de-identified: its number, dates and texts are null."
)
class Appeal(Node):
    appeal_number = classified(
        "appeal_number",
        BUSINESS,
        "record_number",
        str,
        description="The plan's appeal number, APL- and eight digits, quoted in letters and "
        "calls about the appeal.",
    )
    appeal_reason = classified(
        "appeal_reason",
        PHI,
        "narrative",
        str,
        description="Why the member or provider appeals, in their own words, as filed.",
    )
    additional_information = classified(
        "additional_information",
        PHI,
        "narrative",
        str,
        description="Further information in support of the appeal, from fileAppeal and "
        "addAppealInformation: each addition under the time it came in, as [YYYY-MM-DD HH:MM "
        "UTC], oldest first, apart by a blank line; null when none was sent.",
    )
    requested_amount = classified(
        "requested_amount",
        BUSINESS,
        "business",
        Decimal,
        description="What the appellant asks the plan to pay, in US dollars; null when they "
        "named no amount.",
    )
    status = classified(
        "status",
        BUSINESS,
        "business",
        enums.AppealStatus,
        description="SUBMITTED or UNDER_REVIEW while open; UPHELD (the claim decision "
        "stands), OVERTURNED (the claim is adjudicated again) or WITHDRAWN once closed.",
    )
    urgency = classified(
        "urgency",
        BUSINESS,
        "business",
        enums.AppealUrgency,
        description="The kind of claim appealed, which sets the decision deadline: URGENT "
        "72 hours, PRE_SERVICE 30 days, POST_SERVICE 60 days (29 CFR 2560.503-1(i)).",
    )
    submission_date = classified(
        "submission_date",
        BUSINESS,
        "record_date",
        datetime,
        description="When the appeal was filed; its deadline counts from here.",
    )
    due_at = classified(
        "due_at",
        BUSINESS,
        "record_date",
        datetime,
        description="When the decision is due: the filing time plus 72 hours, 30 days or "
        "60 days, by urgency.",
    )
    decision_date = classified(
        "decision_date",
        BUSINESS,
        "record_date",
        datetime,
        description="When the appeal was decided or withdrawn; null while it is open.",
    )
    decision_reason = classified(
        "decision_reason",
        PHI,
        "narrative",
        str,
        description="The decider's explanation of the outcome, or the appellant's reason for "
        "withdrawing; null while open or when none was given.",
    )
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

    reviewed_by = acted_by(
        "reviewed_by",
        "Who decided the appeal (decideAppeal): never the claim's own adjudicator; null "
        "while it is open or when it was withdrawn.",
    )

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="Appeal")

    @strawberry.field(description="The claim whose decision is appealed.")
    @relation(ld.ClaimByIdLoader, "claim_id")
    async def claim(self, info: Info) -> ClaimRef | None:
        from graph.claim.types import Claim

        return await one(info, ld.ClaimByIdLoader, Claim, self._row["claim_id"])


@strawberry.type(
    description="Money moved for a claim or a premium. Regulators see it de-identified: its "
    "numbers, dates and texts are null."
)
class Payment(Node):
    payment_number = classified(
        "payment_number",
        BUSINESS,
        "record_number",
        str,
        description="The plan's payment number, PAY- and eight digits, as on the remittance.",
    )
    payer_type = classified(
        "payer_type",
        BUSINESS,
        "business",
        enums.PayerType,
        description="Who pays: SYSTEM is the plan itself (every claim payment); MEMBER, "
        "EMPLOYER or PROVIDER when they pay the plan, such as a premium, or a provider's "
        "refund of what the plan recouped on a voided or corrected claim.",
    )
    payee_type = classified(
        "payee_type",
        BUSINESS,
        "business",
        enums.PayeeType,
        description="Who is paid: PROVIDER for a claim payment (recordPayment pays the "
        "billing provider), MEMBER for a reimbursement or refund, SYSTEM when the plan is.",
    )
    payment_type = classified(
        "payment_type",
        BUSINESS,
        "business",
        enums.PaymentType,
        description="What the money is for: a claim reimbursement, a premium, a copay, a "
        "deductible or a refund.",
    )
    amount = classified(
        "amount",
        BUSINESS,
        "business",
        Decimal,
        description="The sum paid, in US dollars, above zero; for a claim payment, the "
        "claim's paid amount (on a corrected claim, the difference from what its prior claims "
        "were paid); for a recoupment (REFUND), the sum the provider returns.",
    )
    payment_method = classified(
        "payment_method",
        BUSINESS,
        "business",
        enums.PaymentMethod,
        description="How the money moved: EFT, ACH, check, wire, or credit or debit card.",
    )
    confirmation_number = classified(
        "confirmation_number",
        BUSINESS,
        "record_number",
        str,
        description="The confirmation number from the bank or processor, as recorded with "
        "the payment; null when none was given.",
    )
    status = classified(
        "status",
        BUSINESS,
        "business",
        enums.PaymentStatus,
        description="Where the payment stands: PENDING, PROCESSING, COMPLETED, FAILED, "
        "REFUNDED or CANCELLED. recordPayment records a COMPLETED payment.",
    )
    failure_reason = classified(
        "failure_reason",
        BUSINESS,
        "narrative",
        str,
        description="Why the payment failed, in words; null unless it FAILED.",
    )
    payment_date = classified(
        "payment_date",
        BUSINESS,
        "record_date",
        datetime,
        description="When the payment was made; null while it is pending.",
    )
    processed_date = classified(
        "processed_date",
        BUSINESS,
        "record_date",
        datetime,
        description="When the payment was processed; for a payment recordPayment recorded, "
        "the same moment as paymentDate.",
    )
    description = classified(
        "description",
        BUSINESS,
        "narrative",
        str,
        description="A short line for statements, such as the service and its date; may be null.",
    )

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="Payment")

    @strawberry.field(
        description="The claim paid; null for a premium payment or a claim you may not see."
    )
    @relation(ld.ClaimByIdLoader, "claim_id")
    async def claim(self, info: Info) -> ClaimRef | None:
        from graph.claim.types import Claim

        return await one(info, ld.ClaimByIdLoader, Claim, self._row["claim_id"])

    @strawberry.field(
        description="The policy the payment is under (the claim's policy, or the policy a "
        "premium pays for); null when you may not see it."
    )
    @relation(ld.PolicyByIdLoader, "policy_id")
    async def policy(self, info: Info) -> PolicyRef | None:
        from graph.policy.types import Policy

        return await one(info, ld.PolicyByIdLoader, Policy, self._row["policy_id"])
