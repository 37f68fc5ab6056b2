"""What the subscription topics send: one event type per topic, each with the cursor to resume
after (claimsSummaryChanged's snapshots are in graph/subscriptions/summary.py)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from graph.claim.types import Appeal, Claim
from graph.member.types import Dependent, Member
from graph.policy.types import Policy
from graph.validation.types import ValidationRun

_CURSOR = "Pass it as `after` to resume from here."


@strawberry.type(description="A claim changed status.")
class ClaimStatusEvent:
    cursor: str = strawberry.field(description=_CURSOR)
    old_status: str | None = strawberry.field(
        description="The status before, spelled as stored, in lower case (e.g. under_review, "
        "not UNDER_REVIEW); null for a newly submitted claim."
    )
    new_status: str = strawberry.field(
        description="The status after, in lower case as stored (e.g. approved)."
    )
    claim: Claim = strawberry.field(
        description="The claim as it is when the event reaches you, read under your rules; it "
        "may have moved on since."
    )


@strawberry.type(description="An enrolment change of one of the employer's employees.")
class EnrollmentEvent:
    cursor: str = strawberry.field(description=_CURSOR)
    change: str = strawberry.field(
        description="What changed: member_enrolled, dependent_added, dependent_terminated, "
        "contact_updated, policy_created or policy_terminated."
    )
    member: Member | None = strawberry.field(
        description="The employee (the subscriber) concerned, with the fields you may read; "
        "null when you may not see them."
    )
    dependent: Dependent | None = strawberry.field(
        description="The dependent added or terminated; null for other changes."
    )
    policy: Policy | None = strawberry.field(
        description="The policy created or terminated; null for other changes."
    )
    at: datetime = strawberry.field(description="When the change was saved.")


@strawberry.type(description="An open appeal is due soon.")
class AppealDeadlineEvent:
    cursor: str = strawberry.field(description=_CURSOR)
    due_at: datetime = strawberry.field(
        description="When the appeal's decision is due: at most 24 hours after the event was "
        "sent, and possibly already past (an overdue appeal not announced before)."
    )
    appeal: Appeal = strawberry.field(
        description="The appeal coming due, as it is when the event reaches you."
    )


@strawberry.type(description="A validation run moved on.")
class ValidationRunEvent:
    cursor: str = strawberry.field(description=_CURSOR)
    run: ValidationRun = strawberry.field(
        description="The run as it is now: its status, progress and counts. The subscription "
        "ends after the run completes or fails."
    )
