"""Patient lookups in a billing file draw on the uploader's lookup bucket.

A billing file looks patients up exactly as `validateClaim` does, one claim per row, so
without a limit a provider login could sweep the member file (365 rows of one member number,
one birth date each, find the birth date by the one row that is not "Member not found").
Each claim whose patient is not found takes a token from the same per-principal bucket as
`validateClaim` (the policy names it: `rate_limit` in policies/base.polar). Once the bucket
is empty, the rest of the file is not matched against the member file at all: each claim
left gets one finding saying so, and nothing about its patient.
"""

from __future__ import annotations

from domain.billing import BillingClaim, Located
from domain.validation import Finding, Severity
from graph import limits

UNCHECKED = Finding(
    "patient_lookup_limit",
    Severity.ERROR,
    "Too many patients were not found in a short time: this claim was not checked against "
    "the member file. Correct the member numbers and birth dates, then validate it again later.",
    "memberNumber",
)


class LookupMeter:
    """The uploader's lookup budget over one run (no bucket: plan staff, no limit)."""

    def __init__(self, authorizer, settings, principal) -> None:
        bucket = authorizer.rate_limit(principal, "startValidationRun")
        self._wanted = None
        if bucket is not None:
            self._wanted = (bucket, str(principal.user_id), settings.rate_per_minute(bucket))
        self.spent = False  # once out of tokens, nothing more of this file is matched

    def admit(self, chunk: list[BillingClaim], located: list[Located]) -> list[Located]:
        """The findings to publish: a claim past the budget gets UNCHECKED instead of its own."""
        if self._wanted is None:
            return located
        missed = {x.claim for x in located if x.finding.rule == "patient_found"}
        cut: set[int] = set()
        for claim in chunk:
            if not self.spent and claim.position in missed:
                self.spent = limits.shared().take(self._wanted) > 0
            if self.spent:
                cut.add(claim.position)
        kept = [x for x in located if x.claim not in cut]
        return kept + [Located(c.row, c.position, UNCHECKED) for c in chunk if c.position in cut]

    def unchecked(self, chunk: list[BillingClaim]) -> list[Located]:
        """Findings for a chunk that is not looked up at all (the budget is spent)."""
        return [Located(c.row, c.position, UNCHECKED) for c in chunk]
