"""Written reasons for exceptional access (break-glass, revealing a restricted value)."""

MIN_REASON_LENGTH = 10


class MissingReason(ValueError):
    """The reason is missing or too short; the message says what is needed."""


def require_reason(reason: str, *, for_what: str) -> str:
    """A written reason, at least a short sentence and not blanks; returned tidied."""
    cleaned = " ".join(reason.split())
    if len(cleaned) < MIN_REASON_LENGTH:
        raise MissingReason(
            f"Give the reason for {for_what} in at least {MIN_REASON_LENGTH} characters."
        )
    return cleaned
