"""Information added to an appeal: appended under its time, oldest first, only while the
appeal is open, within the limits (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from domain.appeals import MAX_INFORMATION, MAX_INFORMATION_TOTAL, AppealClosed, add_information
from domain.enums import AppealStatus
from domain.errors import DomainError

AT = datetime(2026, 3, 4, 9, 5, tzinfo=UTC)


def test_additions_are_appended_under_their_time_in_utc():
    first = add_information(None, "  Records follow.  ", status="submitted", at=AT, field="f")
    assert first == "[2026-03-04 09:05 UTC] Records follow."
    # a time in another zone is written in UTC: 08:30 at UTC-5 is 13:30 UTC
    later = datetime(2026, 3, 5, 8, 30, tzinfo=timezone(timedelta(hours=-5)))
    both = add_information(first, "The letter.", status="under_review", at=later, field="f")
    assert both == "[2026-03-04 09:05 UTC] Records follow.\n\n[2026-03-05 13:30 UTC] The letter."


@pytest.mark.parametrize("status", ["upheld", "overturned", "withdrawn"])
def test_a_closed_appeal_takes_nothing(status):
    with pytest.raises(AppealClosed) as refused:
        add_information("[2026-03-04 09:05 UTC] x", "more", status=status, at=AT, field="f")
    assert refused.value.current == refused.value.requested == AppealStatus(status)
    assert refused.value.field == "appealId"


def test_blank_and_too_long_additions_are_refused_by_the_field_named():
    with pytest.raises(DomainError) as blank:
        add_information(None, " \n ", status="submitted", at=AT, field="information")
    assert blank.value.field == "information"
    assert add_information(None, "x" * MAX_INFORMATION, status="submitted", at=AT, field="f")
    with pytest.raises(DomainError, match="at most 4000 characters"):
        add_information(None, "x" * (MAX_INFORMATION + 1), status="submitted", at=AT, field="f")


def test_an_appeal_holds_at_most_its_total():
    held = "y" * (MAX_INFORMATION_TOTAL - 30)
    # 30 characters left: a blank line (2) and a stamp (23) leave room for 5
    assert add_information(held, "12345", status="submitted", at=AT, field="f").endswith("12345")
    with pytest.raises(DomainError, match="as much information"):
        add_information(held, "123456", status="submitted", at=AT, field="f")
