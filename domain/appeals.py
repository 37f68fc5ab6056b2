"""Appeal rules (29 CFR 2560.503-1): filing window, one open appeal, separation of duties,
decision due dates and the overdue flag."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from uuid import UUID

from domain.enums import OPEN_APPEAL_STATUSES, AppealStatus, AppealUrgency, ClaimStatus
from domain.errors import DomainError

FILING_WINDOW = timedelta(days=180)  # (h)(3)(i)
DECISION_TIME = {  # (i): urgent care, pre-service and post-service claims
    AppealUrgency.URGENT: timedelta(hours=72),
    AppealUrgency.PRE_SERVICE: timedelta(days=30),
    AppealUrgency.POST_SERVICE: timedelta(days=60),
}
APPEALABLE = (ClaimStatus.DENIED, ClaimStatus.PARTIALLY_APPROVED)


def check_filing(
    *, claim_status: str, decided_at: datetime, now: datetime, open_appeals: Iterable[str]
) -> None:
    """Whether an appeal may be filed on this claim now; DomainError says why not."""
    if ClaimStatus(claim_status) not in APPEALABLE:
        raise DomainError(
            "Only a denied or partially approved claim can be appealed.", field="claimId"
        )
    if any(AppealStatus(s) in OPEN_APPEAL_STATUSES for s in open_appeals):
        raise DomainError("This claim already has an open appeal.", field="claimId")
    if now - decided_at > FILING_WINDOW:
        raise DomainError("The 180 days to appeal this decision have passed.", field="claimId")


def due_at(filed_at: datetime, urgency: AppealUrgency | str) -> datetime:
    return filed_at + DECISION_TIME[AppealUrgency(urgency)]


def is_overdue(*, status: str, due: datetime, now: datetime) -> bool:
    return AppealStatus(status) in OPEN_APPEAL_STATUSES and now > due


def check_decider(*, decider_id: UUID, claim_adjudicator_id: UUID | None) -> None:
    """Separation of duties ((h)(3)(ii)): not the person who decided the claim."""
    if claim_adjudicator_id is not None and decider_id == claim_adjudicator_id:
        raise DomainError(
            "An appeal is decided by someone other than the claim's adjudicator.",
            field="appealId",
        )


def status_after_appeal(before: str | None) -> ClaimStatus:
    """Where an upheld or withdrawn appeal leaves its claim: the decision that was appealed
    (denied, or partially approved); denied when that decision is not on record."""
    if before is not None and ClaimStatus(before) in APPEALABLE:
        return ClaimStatus(before)
    return ClaimStatus.DENIED
