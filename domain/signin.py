"""Sign-in rules: lockout after repeated failures, refresh-token rotation and expiry.

Plain Python and the standard library only; the caller passes the clock (`now`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
REFRESH_IDLE = timedelta(minutes=30)
# The absolute life of a sign-in: rotation never extends it past this.
SESSION_LIFETIME = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class Attempts:
    """The failed-attempt counter of an account and the end of its lock, if any."""

    count: int
    locked_until: datetime | None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    """Whether an account is inside its lockout window."""
    return Attempts(0, locked_until).locked(now)


def after_failure(current: Attempts, now: datetime) -> Attempts:
    """The counter after one more failed attempt; the fifth in a row locks the account."""
    # A lock that has run out starts the count again: the user gets five fresh tries.
    lock_expired = current.locked_until is not None and now >= current.locked_until
    count = (0 if lock_expired else current.count) + 1
    if count >= MAX_FAILED_ATTEMPTS:
        return Attempts(count, now + LOCKOUT)
    return Attempts(count, None)


def after_success() -> Attempts:
    """A successful sign-in clears the counter and any lock."""
    return Attempts(0, None)


class RefreshVerdict(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"  # the session was ended (logout, theft detection)
    REUSED = "reused"  # already rotated: someone replays an old token
    EXPIRED = "expired"  # past the absolute lifetime of the sign-in
    IDLE = "idle"  # unused for longer than REFRESH_IDLE


@dataclass(frozen=True, slots=True)
class RefreshState:
    """What the store knows about one refresh token."""

    last_activity: datetime
    expires_at: datetime
    rotated_at: datetime | None = None
    revoked_at: datetime | None = None


def judge_refresh(state: RefreshState, now: datetime) -> RefreshVerdict:
    """Whether a presented refresh token may be exchanged, and if not, why."""
    if state.revoked_at is not None:
        return RefreshVerdict.REVOKED
    if state.rotated_at is not None:
        return RefreshVerdict.REUSED
    if now >= state.expires_at:
        return RefreshVerdict.EXPIRED
    if now - state.last_activity > REFRESH_IDLE:
        return RefreshVerdict.IDLE
    return RefreshVerdict.VALID


def ends_session(verdict: RefreshVerdict) -> bool:
    """A refused refresh ends the whole token family, except when it is already ended."""
    return verdict in (RefreshVerdict.REUSED, RefreshVerdict.EXPIRED, RefreshVerdict.IDLE)


def session_expiry(now: datetime) -> datetime:
    """The absolute end of a sign-in that starts now."""
    return now + SESSION_LIFETIME


def new_opaque_token() -> str:
    """A refresh token or client secret: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What the store keeps of an opaque token (SHA-256, hex): never the token itself."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def digests_match(presented: str, stored: str) -> bool:
    """Constant-time comparison of two digests."""
    return hmac.compare_digest(presented.encode("ascii"), stored.encode("ascii"))


def totp_step_acceptable(step: int, last_used_step: int | None) -> bool:
    """A TOTP code is good once: a step at or before the last one used is a replay (RFC 6238)."""
    return last_used_step is None or step > last_used_step
