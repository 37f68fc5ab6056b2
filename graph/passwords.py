"""What a person signs in with: a password (argon2) and a one-time code (TOTP)."""

from __future__ import annotations

import asyncio
import functools
import hmac
import logging
import secrets
from datetime import datetime

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain import signin as rules

log = logging.getLogger("claimgraph.signin")

_hasher = PasswordHasher()


@functools.cache
def dummy_hash() -> str:
    """A hash no password matches, checked when an email is unknown (the same work)."""
    return _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """The argon2 hash of a new password, with the parameters sign-in verifies (CPU-bound)."""
    return _hasher.hash(password)


def _verify_sync(stored: str | None, password: str) -> tuple[bool, str | None]:
    """(password right?, a new hash when the stored one uses outdated parameters)."""
    try:
        _hasher.verify(stored or dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False, None
    if stored is None:
        return False, None
    return True, (_hasher.hash(password) if _hasher.check_needs_rehash(stored) else None)


async def verify(stored: str | None, password: str) -> tuple[bool, str | None]:
    # argon2 takes tens of milliseconds of CPU: off the event loop
    return await asyncio.to_thread(_verify_sync, stored, password)


def totp_step(secret: str | None, code: str, last_step: int | None, now: datetime) -> int | None:
    """The time step a code belongs to (one step of clock drift allowed), None if no good."""
    code = code.replace(" ", "")
    if not secret or len(code) != 6 or not code.isdigit():
        return None
    try:
        totp = pyotp.TOTP(secret)
        current = totp.timecode(now)
        for step in (current - 1, current, current + 1):
            if hmac.compare_digest(totp.generate_otp(step), code):
                return step if rules.totp_step_acceptable(step, last_step) else None
    except (ValueError, TypeError):  # a malformed stored secret: refuse, do not crash
        log.error("unusable MFA secret on an account")
    return None
