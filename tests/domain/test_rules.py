"""Lifecycles, appeals, enrolment and triage: pure rules, no database."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from domain import appeals, enrolment, lifecycle, triage
from domain.enums import Priority
from domain.errors import DomainError, IllegalTransition

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("current", "requested"),
    [
        ("submitted", "under_review"),
        ("submitted", "denied"),
        ("under_review", "approved"),
        ("approved", "paid"),
        ("partially_approved", "appealed"),
        ("denied", "appealed"),
        ("appealed", "approved"),
        ("appealed", "denied"),
    ],
)
def test_legal_claim_moves(current, requested):
    assert lifecycle.move_claim(current, requested).value == requested


@pytest.mark.parametrize(
    ("current", "requested"),
    [
        ("paid", "denied"),
        ("approved", "denied"),
        ("denied", "paid"),
        ("submitted", "paid"),
        ("submitted", "appealed"),
        ("under_review", "submitted"),
    ],
)
def test_illegal_claim_moves_name_both_states(current, requested):
    with pytest.raises(IllegalTransition) as refused:
        lifecycle.move_claim(current, requested)
    assert (refused.value.current, refused.value.requested) == (current, requested)
    assert current in str(refused.value) and requested in str(refused.value)


def test_a_decided_appeal_is_final():
    assert lifecycle.move_appeal("submitted", "overturned").value == "overturned"
    with pytest.raises(IllegalTransition):
        lifecycle.move_appeal("upheld", "overturned")


def test_appeals_are_filed_within_180_days_on_denied_claims_one_at_a_time():
    decided = NOW - timedelta(days=180)
    appeals.check_filing(claim_status="denied", decided_at=decided, now=NOW, open_appeals=[])
    with pytest.raises(DomainError, match="180 days"):
        appeals.check_filing(
            claim_status="denied", decided_at=decided - timedelta(days=1), now=NOW, open_appeals=[]
        )
    with pytest.raises(DomainError, match="open appeal"):
        appeals.check_filing(
            claim_status="denied",
            decided_at=decided,
            now=NOW,
            open_appeals=["withdrawn", "under_review"],
        )
    with pytest.raises(DomainError, match="denied or partially approved"):
        appeals.check_filing(claim_status="paid", decided_at=decided, now=NOW, open_appeals=[])


def test_appeal_due_dates_and_overdue():
    assert appeals.due_at(NOW, "urgent") == NOW + timedelta(hours=72)
    assert appeals.due_at(NOW, "pre_service") == NOW + timedelta(days=30)
    assert appeals.due_at(NOW, "post_service") == NOW + timedelta(days=60)
    due = NOW - timedelta(minutes=1)
    assert appeals.is_overdue(status="under_review", due=due, now=NOW)
    assert not appeals.is_overdue(status="overturned", due=due, now=NOW)


def test_the_claims_adjudicator_may_not_decide_its_appeal():
    who = uuid4()
    with pytest.raises(DomainError):
        appeals.check_decider(decider_id=who, claim_adjudicator_id=who)
    appeals.check_decider(decider_id=uuid4(), claim_adjudicator_id=who)


def test_children_age_out_at_the_end_of_the_month_they_turn_26():
    born = date(2000, 2, 10)
    assert enrolment.age_out_date(born) == date(2026, 2, 28)
    assert enrolment.child_covered(born, date(2026, 2, 28))
    assert not enrolment.child_covered(born, date(2026, 3, 1))
    assert enrolment.age_out_date(date(2002, 2, 1)) == date(2028, 2, 29)  # a leap year


def test_one_active_policy_per_period_and_termination_after_effective():
    active = [enrolment.Period(date(2026, 1, 1), date(2026, 12, 31))]
    enrolment.check_single_active(enrolment.Period(date(2027, 1, 1), None), active)
    with pytest.raises(DomainError):
        enrolment.check_single_active(enrolment.Period(date(2026, 6, 1), None), active)
    with pytest.raises(DomainError):
        enrolment.check_dates(date(2026, 1, 1), date(2026, 1, 1))


@pytest.mark.parametrize(
    ("place", "codes", "diagnoses", "billed", "priority"),
    [
        ("23", ["99213"], ["R07.9"], "300.00", Priority.URGENT),
        ("11", ["99285"], ["R07.9"], "900.00", Priority.URGENT),
        ("21", ["27447"], ["M17.11"], "2500.00", Priority.HIGH),
        ("21", ["27447"], ["M17.11"], "2499.99", Priority.NORMAL),
        ("11", ["99395", "36415"], ["Z00.00"], "250.00", Priority.LOW),
        ("11", ["99213"], ["J06.9"], "120.00", Priority.NORMAL),
    ],
)
def test_triage_sets_priority_with_reasons(place, codes, diagnoses, billed, priority):
    result = triage.triage(
        place_of_service=place,
        procedure_codes=codes,
        diagnosis_codes=diagnoses,
        billed=Decimal(billed),
    )
    assert result.priority is priority
    assert result.reasons and Decimal("0") < result.confidence <= Decimal("1")


def test_a_failing_triage_falls_back_to_normal():
    result = triage.triage(
        place_of_service="11",
        procedure_codes=[None],  # type: ignore[list-item]
        diagnosis_codes=[],
        billed=Decimal("10"),
    )
    assert result.priority is Priority.NORMAL and result.confidence == 0


def test_sensitive_diagnoses():
    assert triage.is_sensitive(["F32.1"]) and triage.is_sensitive(["J06.9", "F10.20"])
    assert triage.is_sensitive(["Z30.011"])
    assert not triage.is_sensitive(["J06.9", "E11.9"])


@pytest.mark.parametrize("written", ["1E+30", "1e400", "NaN", "-Infinity", "0x10", "1_000",
                                     "99999999999.99", "-10000000000", "1" * 41, ""])  # fmt: skip
def test_an_amount_is_digits_within_numeric_12_2(written):
    from domain.errors import DomainError
    from domain.money import number

    with pytest.raises(DomainError) as refused:
        number(written, field="chargeAmount")
    assert refused.value.field == "chargeAmount"


def test_an_amount_as_written_is_kept_exactly():
    from decimal import Decimal

    from domain.money import number

    assert number(" 9999999999.99 ", field="x") == Decimal("9999999999.99")
    assert number("-3", field="x") == Decimal("-3") and number(".5", field="x") == Decimal("0.5")
