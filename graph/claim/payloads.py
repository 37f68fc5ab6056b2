"""What the claim workflow mutations take and answer: the adjudication input and the payment
method, each mutation's success payload, and the unions of it with the typed refusals."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from graph.claim.types import Appeal, Claim
from graph.results import IllegalStatusChange, InvalidInput, NotAllowed, RecordChanged

_SEQUENCE = (
    "The sequence number of this change's event; pass it as `after` to claimStatusChanged to "
    "hear only of what happens next."
)


@strawberry.enum(description="An adjudicator's decision on a claim.")
class AdjudicationDecision(Enum):
    APPROVE = strawberry.enum_value(
        "approve",
        description="Cover every line: each is priced and cost sharing applied; the claim "
        "becomes APPROVED.",
    )
    PARTIALLY_APPROVE = strawberry.enum_value(
        "partially_approve",
        description="Cover the lines named in coveredLines (some, not all) and allow nothing "
        "for the others; the claim becomes PARTIALLY_APPROVED.",
    )
    DENY = strawberry.enum_value(
        "deny",
        description="Cover nothing: needs denialCode and denialReason; the claim becomes "
        "DENIED, with nothing allowed or paid.",
    )


@strawberry.input(description="An adjudicator's decision on one claim.")
class AdjudicateClaimInput:
    claim_id: strawberry.ID = strawberry.field(
        description="The claim to decide (a Claim id): SUBMITTED or UNDER_REVIEW, or "
        "APPEALED once its appeal is overturned; a claim in another status answers "
        "IllegalStatusChange."
    )
    version: int = strawberry.field(
        description="The claim version you decided on (from Claim.version)."
    )
    decision: AdjudicationDecision = strawberry.field(
        description="Approve, partially approve or deny."
    )
    covered_lines: list[int] | None = strawberry.field(
        default=None, description="For a partial approval: the line numbers that are covered."
    )
    denial_code: str | None = strawberry.field(
        default=None, description="For a denial: a claim adjustment reason code (e.g. 50)."
    )
    denial_reason: str | None = strawberry.field(
        default=None,
        description="For a denial: the explanation the member reads on the claim; required "
        "with DENY.",
    )
    notes: str | None = strawberry.field(
        default=None,
        description="Your working notes on the decision, kept as the claim's adjudicatorNotes "
        "(plan staff read them; members and providers do not); when given, they replace the "
        "notes of an earlier decision. The provider's notes are never changed.",
    )


@strawberry.type(description="The claim after the decision, with its cost sharing.")
class ClaimAdjudicated:
    claim: Claim = strawberry.field(
        description="The claim as decided: its new status, amounts and version."
    )
    event_sequence: int = strawberry.field(description="The outbox cursor of this change.")


@strawberry.type(description="The claim, now assigned to you and under review.")
class ClaimAssigned:
    claim: Claim = strawberry.field(
        description="The claim, now UNDER_REVIEW and assigned to you, with its new version."
    )
    event_sequence: int = strawberry.field(description=_SEQUENCE)


@strawberry.type(description="The payment recorded, and the claim now paid.")
class PaymentRecorded:
    claim: Claim = strawberry.field(description="The claim, now PAID, with its new version.")
    payment_number: str = strawberry.field(
        description="The new payment's number, PAY- and eight digits; the payment is listed "
        "in the claim's payments. On a corrected claim paid less than its prior claims were, "
        "the number of the refund recouping the difference."
    )
    event_sequence: int = strawberry.field(description=_SEQUENCE)


AssignClaimResult = Annotated[
    ClaimAssigned | IllegalStatusChange | RecordChanged, strawberry.union("AssignClaimResult")
]
RecordPaymentResult = Annotated[
    PaymentRecorded | InvalidInput | IllegalStatusChange | RecordChanged,
    strawberry.union("RecordPaymentResult"),
]

AdjudicateClaimResult = Annotated[
    ClaimAdjudicated | InvalidInput | IllegalStatusChange | RecordChanged,
    strawberry.union("AdjudicateClaimResult"),
]


@strawberry.enum(description="How a payment was made.")
class PaymentMethodInput(Enum):
    EFT = strawberry.enum_value(
        "eft", description="Electronic funds transfer to the provider's bank account."
    )
    ACH = strawberry.enum_value("ach", description="A transfer over the ACH network.")
    CHECK = strawberry.enum_value("check", description="A paper check.")
    WIRE = strawberry.enum_value("wire", description="A wire transfer.")


# --- appeals ---------------------------------------------------------------------------


@strawberry.type(description="The appeal as filed, with its decision due date.")
class AppealFiled:
    appeal: Appeal = strawberry.field(
        description="The new appeal: SUBMITTED, with its number and due date."
    )
    claim: Claim = strawberry.field(description="The claim, now APPEALED, with its new version.")


@strawberry.type(description="The appeal decided; an overturned claim awaits re-adjudication.")
class AppealDecided:
    appeal: Appeal = strawberry.field(
        description="The appeal, now UPHELD or OVERTURNED, with its decision date and reason."
    )
    claim: Claim = strawberry.field(
        description="The claim: back at the appealed decision when upheld; still APPEALED, "
        "awaiting adjudicateClaim, when overturned."
    )


FileAppealResult = Annotated[
    AppealFiled | InvalidInput | IllegalStatusChange | RecordChanged,
    strawberry.union("FileAppealResult"),
]


@strawberry.type(description="The appeal withdrawn; the claim is back at its decision.")
class AppealWithdrawn:
    appeal: Appeal = strawberry.field(description="The appeal, now WITHDRAWN.")
    claim: Claim = strawberry.field(
        description="The claim, back at the decision that was appealed, with its new version."
    )


WithdrawAppealResult = Annotated[
    AppealWithdrawn | IllegalStatusChange | RecordChanged,
    strawberry.union("WithdrawAppealResult"),
]
DecideAppealResult = Annotated[
    AppealDecided | NotAllowed | IllegalStatusChange | RecordChanged,
    strawberry.union("DecideAppealResult"),
]


@strawberry.type(description="The information added to an open appeal.")
class AppealInformationAdded:
    appeal: Appeal = strawberry.field(
        description="The appeal with its additionalInformation, your addition last."
    )


AddAppealInformationResult = Annotated[
    AppealInformationAdded | InvalidInput | IllegalStatusChange | RecordChanged,
    strawberry.union("AddAppealInformationResult"),
]
