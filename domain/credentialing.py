"""Credentialing: a provider credential's lifecycle as a transition table, and its dates."""

from __future__ import annotations

from datetime import date

from domain.enums import CredentialStatus as S
from domain.errors import DomainError, IllegalTransition

# pending   - on file, not yet checked against the issuing authority (primary source)
# verified  - checked; the provider counts as credentialed until it expires
# expired   - past its expiration date; verified again once a renewal is on file
# revoked   - withdrawn by the authority or refused by the plan: final
TRANSITIONS: dict[S, frozenset[S]] = {
    S.PENDING: frozenset({S.VERIFIED, S.REVOKED}),
    S.VERIFIED: frozenset({S.EXPIRED, S.REVOKED}),
    S.EXPIRED: frozenset({S.VERIFIED, S.REVOKED}),
    S.REVOKED: frozenset(),
}


def move(current: S | str, requested: S | str) -> S:
    """The credential's next status, or IllegalTransition naming both states."""
    current, requested = S(current), S(requested)
    if requested not in TRANSITIONS[current]:
        raise IllegalTransition("credential", current, requested)
    return requested


def check_dates(*, issued: date | None, expires: date | None, today: date) -> None:
    """A credential is issued on or before today and expires after it was issued."""
    if issued is not None and issued > today:
        raise DomainError("A credential's issue date cannot be in the future.", field="issueDate")
    if issued is not None and expires is not None and expires <= issued:
        raise DomainError(
            "A credential's expiration date must come after its issue date.",
            field="expirationDate",
        )


def check_verifiable(*, expires: date | None, today: date) -> None:
    """Only a credential that is still in force can be marked verified."""
    if expires is not None and expires < today:
        raise DomainError(
            f"The credential expired on {expires.isoformat()}: record the renewed "
            "expiration date to verify it.",
            field="expirationDate",
        )


def initial_status(*, expires: date | None, today: date) -> S:
    """A new credential waits for verification, unless it has already run out."""
    return S.EXPIRED if expires is not None and expires < today else S.PENDING
