"""What correcting a claim takes and answers: the claim filed before (by id or number), and
the results of submitCorrectedClaim and voidClaim."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph.claim.filing import ClaimRefused, ValidationFinding
from graph.claim.types import Claim, Payment
from graph.results import IllegalStatusChange, InvalidInput, RecordChanged


@strawberry.input(
    description="The claim filed before that a correction or a void names (the X12 837's "
    "payer claim control number of the prior claim): by its id or by its claim number, one "
    "of the two."
)
class PriorClaimInput:
    claim_id: strawberry.ID | None = strawberry.field(
        default=None, description="The claim's id (Claim.id); or give claimNumber instead."
    )
    claim_number: str | None = strawberry.field(
        default=None,
        description="The claim number the plan gave it, CLM-YYYYMMDD-NNNNNN, as on the "
        "remittance; or give claimId instead.",
    )
    version: int | None = strawberry.field(
        default=None,
        description="The claim's version you acted on (Claim.version), when you have it: a "
        "claim changed since answers RecordChanged. Left out, the claim is taken as it is now.",
    )


@strawberry.type(
    description="The corrected claim as filed, and the claim it replaces, now REPLACED."
)
class ClaimCorrected:
    claim: Claim = strawberry.field(
        description="The corrected claim: a new claim, SUBMITTED, numbered and triaged, with "
        "frequencyCode REPLACEMENT and `replaces` naming the prior claim. It is adjudicated "
        "like any claim; its payment settles what the prior claim was paid."
    )
    replaced: Claim = strawberry.field(
        description="The prior claim, now REPLACED (final), with `replacedBy` naming the "
        "corrected claim. It no longer counts toward the member's deductible or out-of-pocket "
        "maximum."
    )
    findings: list[ValidationFinding] = strawberry.field(
        description="The warnings and notes kept on the corrected claim; never an error."
    )
    event_sequence: int = strawberry.field(
        description="The sequence number of this change's last event, the prior claim's move "
        "to REPLACED (the corrected claim's submission comes just before it); pass it as "
        "`after` to claimStatusChanged to hear only of what happens next."
    )


@strawberry.type(description="The claim voided, and what the plan recouped for it.")
class ClaimVoided:
    claim: Claim = strawberry.field(
        description="The claim, now VOIDED (final), with its new version. It no longer "
        "counts toward the member's deductible or out-of-pocket maximum."
    )
    recoupment: Payment | None = strawberry.field(
        description="The refund recorded from the provider to the plan (payment type REFUND, "
        "payer PROVIDER) for all the plan had paid on the claim and on the claims it "
        "replaced; null when nothing had been paid."
    )
    event_sequence: int = strawberry.field(
        description="The sequence number of the claim's status change to VOIDED."
    )


SubmitCorrectedClaimResult = Annotated[
    ClaimCorrected | ClaimRefused | InvalidInput | IllegalStatusChange | RecordChanged,
    strawberry.union("SubmitCorrectedClaimResult"),
]
VoidClaimResult = Annotated[
    ClaimVoided | InvalidInput | IllegalStatusChange | RecordChanged,
    strawberry.union("VoidClaimResult"),
]
