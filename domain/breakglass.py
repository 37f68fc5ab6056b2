"""Break-glass: emergency access to one member, for a short, reviewed while."""

from datetime import datetime, timedelta

from domain.reasons import MissingReason, require_reason

DURATION = timedelta(minutes=60)

BreakGlassError = MissingReason


def validate_reason(reason: str) -> str:
    return require_reason(reason, for_what="emergency access")


def expiry(opened_at: datetime) -> datetime:
    return opened_at + DURATION
