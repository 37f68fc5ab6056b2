"""What ties a corrected claim to the claim it replaces (X12 837 frequency code 7): how the
claim was filed, and the claims before and after it. Claim (graph/claim/types.py) takes
these fields from here."""

from __future__ import annotations

import strawberry

from graph import enums
from graph import loaders as ld
from graph.claim.refs import ClaimRef, one
from graph.context import Info
from graph.fields import BUSINESS, classified
from graph.rows import relation


@strawberry.type(description="How a claim was filed and what it replaced or was replaced by.")
class ClaimCorrectionLinks:
    frequency_code = classified(
        "frequency_code",
        BUSINESS,
        "business",
        enums.ClaimFrequency,
        description="How the claim was filed, as the X12 837 claim frequency code says: "
        "ORIGINAL (code 1, submitClaim) or REPLACEMENT (code 7, submitCorrectedClaim). A void "
        "(code 8) files no claim: the claim it names becomes VOIDED.",
    )

    @strawberry.field(
        description="On a corrected claim, the claim it replaces (now REPLACED); null on an "
        "original claim, or when you may not see that claim."
    )
    @relation(ld.ClaimByIdLoader, "replaces_claim_id")
    async def replaces(self, info: Info) -> ClaimRef | None:
        from graph.claim.types import Claim

        return await one(info, ld.ClaimByIdLoader, Claim, self._row["replaces_claim_id"])  # type: ignore[attr-defined]

    @strawberry.field(
        description="On a REPLACED claim, the corrected claim the provider filed in its "
        "place; null otherwise, or when you may not see that claim."
    )
    @relation(ld.ClaimByIdLoader, "replaced_by_claim_id")
    async def replaced_by(self, info: Info) -> ClaimRef | None:
        from graph.claim.types import Claim

        return await one(info, ld.ClaimByIdLoader, Claim, self._row["replaced_by_claim_id"])  # type: ignore[attr-defined]
