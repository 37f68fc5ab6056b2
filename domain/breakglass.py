"""Break-glass: emergency access to one member, for a short, reviewed while."""

from datetime import datetime, timedelta

DURATION = timedelta(minutes=60)
MIN_REASON_LENGTH = 10


class BreakGlassError(ValueError):
    """The request cannot open emergency access; the message says why."""


def validate_reason(reason: str) -> str:
    """A written reason is required: at least a short sentence, not blanks."""
    cleaned = " ".join(reason.split())
    if len(cleaned) < MIN_REASON_LENGTH:
        raise BreakGlassError(
            f"Give the reason for emergency access in at least {MIN_REASON_LENGTH} characters."
        )
    return cleaned


def expiry(opened_at: datetime) -> datetime:
    return opened_at + DURATION
