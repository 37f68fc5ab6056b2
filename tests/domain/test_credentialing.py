"""The credential lifecycle and its dates, without a database."""

from __future__ import annotations

from datetime import date

import pytest

from domain import credentialing
from domain.enums import CredentialStatus as S
from domain.errors import DomainError, IllegalTransition

TODAY = date(2026, 3, 9)

ALLOWED = {
    (S.PENDING, S.VERIFIED),
    (S.PENDING, S.REVOKED),
    (S.VERIFIED, S.EXPIRED),
    (S.VERIFIED, S.REVOKED),
    (S.EXPIRED, S.VERIFIED),
    (S.EXPIRED, S.REVOKED),
}


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("requested", list(S))
def test_only_the_listed_moves_are_legal(current, requested):
    if (current, requested) in ALLOWED:
        assert credentialing.move(current, requested) is requested
    else:
        with pytest.raises(IllegalTransition) as caught:
            credentialing.move(current.value, requested.value)
        assert (caught.value.current, caught.value.requested) == (current.value, requested.value)
        assert str(caught.value) == (
            f"A credential that is {current.value} cannot become {requested.value}."
        )


def test_a_revoked_credential_is_final():
    for requested in S:
        with pytest.raises(IllegalTransition):
            credentialing.move("revoked", requested)


def test_expiry_must_come_after_issue():
    with pytest.raises(DomainError) as caught:
        credentialing.check_dates(issued=date(2025, 6, 1), expires=date(2025, 6, 1), today=TODAY)
    assert caught.value.field == "expirationDate"
    with pytest.raises(DomainError) as caught:
        credentialing.check_dates(issued=date(2025, 6, 1), expires=date(2024, 6, 1), today=TODAY)
    assert caught.value.field == "expirationDate"
    credentialing.check_dates(issued=date(2025, 6, 1), expires=date(2025, 6, 2), today=TODAY)


def test_issue_date_cannot_be_in_the_future():
    with pytest.raises(DomainError) as caught:
        credentialing.check_dates(issued=date(2026, 3, 10), expires=None, today=TODAY)
    assert caught.value.field == "issueDate"
    credentialing.check_dates(issued=TODAY, expires=None, today=TODAY)  # today is fine


def test_unknown_dates_pass():
    credentialing.check_dates(issued=None, expires=None, today=TODAY)
    credentialing.check_dates(issued=None, expires=date(2020, 1, 1), today=TODAY)


def test_only_a_credential_in_force_can_be_verified():
    credentialing.check_verifiable(expires=TODAY, today=TODAY)  # the last day still counts
    credentialing.check_verifiable(expires=None, today=TODAY)
    with pytest.raises(DomainError) as caught:
        credentialing.check_verifiable(expires=date(2026, 3, 8), today=TODAY)
    assert caught.value.field == "expirationDate" and "2026-03-08" in str(caught.value)


def test_a_new_credential_waits_for_verification_unless_already_run_out():
    assert credentialing.initial_status(expires=date(2027, 1, 1), today=TODAY) is S.PENDING
    assert credentialing.initial_status(expires=None, today=TODAY) is S.PENDING
    assert credentialing.initial_status(expires=TODAY, today=TODAY) is S.PENDING
    assert credentialing.initial_status(expires=date(2026, 3, 8), today=TODAY) is S.EXPIRED
