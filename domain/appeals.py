"""Appeal rules (29 CFR 2560.503-1): filing window, one open appeal, separation of duties,
decision due dates and the overdue flag."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from uuid import UUID

from domain.enums import OPEN_APPEAL_STATUSES, AppealStatus, AppealUrgency, ClaimStatus
from domain.errors import DomainError, IllegalTransition

MAX_INFORMATION = 4000  # characters one addition may hold
MAX_INFORMATION_TOTAL = 40000  # and all of an appeal's additional information together
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


class AppealClosed(IllegalTransition):
    """Information goes to an open appeal only; a decided or withdrawn one stays as it is."""

    def __init__(self, current: AppealStatus) -> None:
        DomainError.__init__(
            self,
            "An appeal that is {current} is closed: information can be added only while it is "
            "open. File a new appeal if the decision allows one.",
            field="appealId",
            terms={"current": current},
        )
        self.current = self.requested = current


def add_information(
    existing: str | None, text: str, *, status: str, at: datetime, field: str
) -> str:
    """The appeal's additional information with `text` appended under the time it came in
    (entries apart by a blank line, oldest first); refused once the appeal is closed."""
    current = AppealStatus(status)
    if current not in OPEN_APPEAL_STATUSES:
        raise AppealClosed(current)
    cleaned = text.strip()
    if not cleaned:
        raise DomainError("Write the information you want to add.", field=field)
    if len(cleaned) > MAX_INFORMATION:
        raise DomainError(
            f"Add at most {MAX_INFORMATION} characters at a time; send the rest separately.",
            field=field,
        )
    entry = f"[{at.astimezone(UTC):%Y-%m-%d %H:%M} UTC] {cleaned}"
    combined = f"{existing}\n\n{entry}" if existing else entry
    if len(combined) > MAX_INFORMATION_TOTAL:
        raise DomainError(
            "This appeal holds as much information as it can take; send documents by mail "
            "or ask the plan how to add them.",
            field=field,
        )
    return combined
