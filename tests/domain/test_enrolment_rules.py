"""Enrolment rules without a database: ages, dates, amounts, lifecycles, contact formats.
Every expected value is worked out by hand in the test."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain import contact, enrolment
from domain.enums import DependentStatus as D
from domain.enums import PolicyStatus as P
from domain.errors import DomainError, IllegalTransition

TODAY = date(2026, 5, 15)


def _field(exc: pytest.ExceptionInfo) -> str | None:
    return exc.value.field


# --- people ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("123-45-6789", "123-45-6789"),
        ("123456789", "123-45-6789"),
        (" 123 45 6789 ", "123-45-6789"),
    ],
)
def test_an_ssn_is_kept_as_nnn_nn_nnnn(raw, stored):
    assert enrolment.ssn(raw) == stored


@pytest.mark.parametrize(
    "raw", ["12345678", "1234567890", "123-45-678O", "000-12-3456", "666-12-3456",
            "900-12-3456", "123-00-4567", "123-45-0000"],
)  # fmt: skip
def test_numbers_never_issued_as_ssns_are_refused(raw):
    with pytest.raises(DomainError) as exc:
        enrolment.ssn(raw)
    assert _field(exc) == "ssn"


def test_a_birth_date_is_not_in_the_future_nor_a_typo():
    enrolment.check_birth_date(TODAY, today=TODAY)  # born today: a newborn
    with pytest.raises(DomainError) as exc:
        enrolment.check_birth_date(date(2026, 5, 16), today=TODAY)
    assert _field(exc) == "dateOfBirth"
    with pytest.raises(DomainError):
        enrolment.check_birth_date(date(1899, 12, 31), today=TODAY)


def test_a_dependent_is_covered_from_birth_and_not_before_the_subscriber():
    born = date(2026, 3, 2)
    enrolment.check_dependent_start(date(2026, 3, 2), born=born, subscriber_start=date(2020, 1, 1))
    with pytest.raises(DomainError) as exc:
        enrolment.check_dependent_start(
            date(2026, 3, 1), born=born, subscriber_start=date(2020, 1, 1)
        )
    assert _field(exc) == "enrollmentDate"
    with pytest.raises(DomainError) as exc:
        enrolment.check_dependent_start(date(2021, 1, 1), born=date(2000, 1, 1),
                                        subscriber_start=date(2022, 1, 1))  # fmt: skip
    assert "2022-01-01" in str(exc.value)


def test_only_an_active_member_or_employer_takes_new_coverage():
    enrolment.check_member_active("active")
    with pytest.raises(DomainError) as exc:
        enrolment.check_member_active("terminated")
    assert _field(exc) == "memberId"
    enrolment.check_employer("active")
    for status in (None, "inactive", "suspended"):
        with pytest.raises(DomainError) as exc:
            enrolment.check_employer(status)
        assert _field(exc) == "employerId"


# --- dependents ------------------------------------------------------------------------------


def test_a_child_under_26_is_enrolled_active():
    # born 10 June 2001: turns 26 on 10 June 2027, covered to 30 June 2027
    assert enrolment.new_dependent(
        relationship="child", born=date(2001, 6, 10), start=TODAY, today=TODAY
    ) == (D.ACTIVE, None)


def test_a_child_past_the_age_out_date_at_coverage_start_is_refused():
    # born 10 March 2000: covered to 31 March 2026, before 15 May 2026
    with pytest.raises(DomainError) as exc:
        enrolment.new_dependent(
            relationship="child", born=date(2000, 3, 10), start=TODAY, today=TODAY
        )
    assert _field(exc) == "dateOfBirth"
    assert "2026-03-31" in str(exc.value)


def test_a_child_enrolled_late_who_has_aged_out_since_is_recorded_aged_out():
    # coverage from 1 Jan 2026, born 10 March 2000: aged out at the end of March 2026
    status, ended = enrolment.new_dependent(
        relationship="child", born=date(2000, 3, 10), start=date(2026, 1, 1), today=TODAY
    )
    assert (status, ended) == (D.AGED_OUT, date(2026, 4, 1))  # the first day without
    # as every termination date is read: a claim on 31 March is covered, on 1 April not
    from domain.validation import Span

    covered = Span("aged_out", date(2026, 1, 1), ended)
    assert covered.covers(date(2026, 3, 31)) and not covered.covers(date(2026, 4, 1))


def test_a_spouse_has_no_age_limit():
    assert enrolment.new_dependent(
        relationship="spouse", born=date(1950, 1, 1), start=TODAY, today=TODAY
    ) == (D.ACTIVE, None)


def test_one_spouse_or_domestic_partner_at_a_time():
    enrolment.check_one_partner("spouse", ["child", "child"])
    enrolment.check_one_partner("child", ["spouse"])
    with pytest.raises(DomainError) as exc:
        enrolment.check_one_partner("domestic_partner", ["child", "spouse"])
    assert _field(exc) == "relationship"


def test_a_termination_in_the_past_or_today_makes_the_dependent_inactive():
    common = {"relationship": "spouse", "born": date(1980, 1, 1), "enrolled": date(2025, 1, 1)}
    assert enrolment.dependent_termination(**common, termination=TODAY, today=TODAY) == D.INACTIVE
    assert enrolment.dependent_termination(**common, termination=date(2025, 1, 1),
                                           today=TODAY) == D.INACTIVE  # fmt: skip
    # ahead: still covered until then
    assert enrolment.dependent_termination(**common, termination=date(2026, 6, 1),
                                           today=TODAY) == D.ACTIVE  # fmt: skip


def test_a_termination_before_coverage_began_is_refused():
    with pytest.raises(DomainError) as exc:
        enrolment.dependent_termination(relationship="spouse", born=date(1980, 1, 1),
                                        enrolled=date(2025, 1, 1), termination=date(2024, 12, 31),
                                        today=TODAY)  # fmt: skip
    assert _field(exc) == "terminationDate"


def test_a_childs_termination_cannot_pass_the_age_out_date():
    # born 20 August 2001: covered to 31 August 2027, so 1 September is the latest
    # termination date (the first day without coverage)
    common = {"relationship": "child", "born": date(2001, 8, 20), "enrolled": date(2020, 1, 1)}
    assert enrolment.dependent_termination(**common, termination=date(2027, 9, 1),
                                           today=TODAY) == D.ACTIVE  # fmt: skip
    with pytest.raises(DomainError) as exc:
        enrolment.dependent_termination(**common, termination=date(2027, 9, 2), today=TODAY)
    assert "2027-09-01" in str(exc.value)


def test_only_an_active_dependent_is_terminated():
    assert enrolment.move_dependent("active", "inactive") == D.INACTIVE
    for current in ("inactive", "aged_out"):
        with pytest.raises(IllegalTransition) as exc:
            enrolment.move_dependent(current, "inactive")
        assert (exc.value.current, exc.value.requested) == (current, "inactive")


# --- policies --------------------------------------------------------------------------------


def test_periods_end_the_day_before_their_termination_date():
    old = enrolment.Period(date(2025, 1, 1), date(2026, 1, 1))
    assert not enrolment.Period(date(2026, 1, 1), None).overlaps(old)  # back to back
    assert enrolment.Period(date(2025, 12, 31), None).overlaps(old)
    assert enrolment.Period(date(2024, 1, 1), None).overlaps(old)
    assert not enrolment.Period(date(2024, 1, 1), date(2025, 1, 1)).overlaps(old)
    with pytest.raises(DomainError) as exc:
        enrolment.check_single_active(enrolment.Period(date(2025, 6, 1), date(2025, 7, 1)), [old])
    assert _field(exc) == "effectiveDate"


def test_a_new_policy_is_active_unless_it_already_ended():
    assert enrolment.new_policy_status(termination=None, today=TODAY) == P.ACTIVE
    assert enrolment.new_policy_status(termination=date(2026, 5, 16), today=TODAY) == P.ACTIVE
    assert enrolment.new_policy_status(termination=TODAY, today=TODAY) == P.EXPIRED


def test_a_policy_takes_effect_after_the_member_enrolled_and_renews_a_year_later():
    enrolment.check_policy_start(date(2026, 1, 1), member_enrolled=date(2026, 1, 1))
    with pytest.raises(DomainError) as exc:
        enrolment.check_policy_start(date(2025, 12, 31), member_enrolled=date(2026, 1, 1))
    assert _field(exc) == "effectiveDate"
    assert enrolment.first_renewal(date(2026, 3, 1)) == date(2027, 3, 1)
    assert enrolment.first_renewal(date(2028, 2, 29)) == date(2029, 2, 28)
    with pytest.raises(DomainError) as exc:
        enrolment.check_renewal(date(2026, 3, 1), date(2026, 3, 1))
    assert _field(exc) == "renewalDate"


def test_only_an_active_policy_is_terminated_and_only_ever_earlier():
    assert enrolment.move_policy("active", "terminated") == P.TERMINATED
    for current in ("terminated", "expired", "pending"):
        with pytest.raises(IllegalTransition):
            enrolment.move_policy(current, "terminated")
    enrolment.check_policy_termination(effective=date(2026, 1, 1), current_termination=None,
                                       termination=date(2026, 1, 2))  # fmt: skip
    with pytest.raises(DomainError) as exc:
        enrolment.check_policy_termination(effective=date(2026, 1, 1), current_termination=None,
                                           termination=date(2026, 1, 1))  # fmt: skip
    assert _field(exc) == "terminationDate"
    with pytest.raises(DomainError) as exc:
        enrolment.check_policy_termination(effective=date(2026, 1, 1),
                                           current_termination=date(2026, 6, 1),
                                           termination=date(2026, 7, 1))  # fmt: skip
    assert _field(exc) == "terminationDate"


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        (Decimal("0"), Decimal("0.00")),
        (Decimal("12.5"), Decimal("12.50")),
        ("1500.00", Decimal("1500.00")),
        (None, None),
    ],
)
def test_amounts_are_two_place_decimals(raw, stored):
    got = enrolment.amount(raw, field="monthlyPremium")
    assert got == stored and (got is None or got.as_tuple().exponent == -2)


@pytest.mark.parametrize(
    "raw", [Decimal("-0.01"), Decimal("12.345"), Decimal("1e12"), "NaN", "ten"]
)
def test_negative_fractional_huge_or_non_amounts_are_refused(raw):
    with pytest.raises(DomainError) as exc:
        enrolment.amount(raw, field="monthlyPremium")
    assert _field(exc) == "monthlyPremium"


def test_the_premium_is_split_between_employer_and_employee():
    # 650.00 a month, the employer pays 455.00: the employee 195.00
    split = enrolment.premium_split(Decimal("650.00"), Decimal("455.00"), None, has_employer=True)
    assert (split.employer, split.employee) == (Decimal("455.00"), Decimal("195.00"))
    same = enrolment.premium_split(Decimal("650.00"), Decimal("455.00"), Decimal("195.00"),
                                   has_employer=True)  # fmt: skip
    assert same == split
    for employer, employee, has, field in [
        (Decimal("455.00"), Decimal("200.00"), True, "employeeContribution"),
        (Decimal("650.01"), None, True, "employerContribution"),
        (Decimal("100.00"), None, False, "employerContribution"),
    ]:
        with pytest.raises(DomainError) as exc:
            enrolment.premium_split(Decimal("650.00"), employer, employee, has_employer=has)
        assert _field(exc) == field
    with pytest.raises(DomainError) as exc:
        enrolment.premium_split(Decimal("0.00"), Decimal("0.00"), None, has_employer=False)
    assert _field(exc) == "monthlyPremium"


def test_deductibles_fit_inside_out_of_pocket_maximums():
    ok = {"deductible": Decimal("1500.00"), "out_of_pocket_max": Decimal("6000.00"),
          "deductible_family": Decimal("3000.00"), "out_of_pocket_max_family": Decimal("12000.00")}  # fmt: skip
    enrolment.check_cost_limits(**ok)
    for change, field in [
        ({"deductible": Decimal("6000.01")}, "deductibleIndividual"),
        ({"deductible_family": Decimal("1499.99")}, "deductibleFamily"),
        ({"out_of_pocket_max_family": Decimal("5999.99")}, "outOfPocketMaxFamily"),
        ({"deductible_family": Decimal("12000.01")}, "deductibleFamily"),
    ]:
        with pytest.raises(DomainError) as exc:
            enrolment.check_cost_limits(**(ok | change))
        assert _field(exc) == field


# --- contact details -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("9165550141", "(916) 555-0141"), ("(916) 555-0141", "(916) 555-0141"),
     ("+1 916.555.0141", "(916) 555-0141"), ("1-916-555-0141", "(916) 555-0141")],
)  # fmt: skip
def test_phone_numbers_are_stored_alike(raw, stored):
    assert contact.phone(raw) == stored


@pytest.mark.parametrize(
    "raw", ["555-0141", "(016) 555-0141", "(916) 155-0141", "916555014x", "+44 20 7946 0958"]
)
def test_a_phone_number_needs_ten_nanp_digits(raw):
    with pytest.raises(DomainError) as exc:
        contact.phone(raw, field="alternatePhone")
    assert _field(exc) == "alternatePhone"


def test_contact_details_are_checked_and_named_by_their_input_field():
    cleaned = contact.clean(
        {"email": " new@example.com ", "state": "ca", "zip_code": "95814-1234",
         "phone": "916 555 0199", "address_line2": "", "city": "Sacramento"},
        fields=contact.MEMBER_FIELDS,
    )  # fmt: skip
    assert cleaned == {"email": "new@example.com", "state": "CA", "zip_code": "95814-1234",
                       "phone": "(916) 555-0199", "address_line2": None, "city": "Sacramento"}  # fmt: skip
    for column, value, field in [
        ("email", "not-an-address", "email"),
        ("state", "ZZ", "state"),
        ("zip_code", "9581", "zipCode"),
        ("emergency_contact_phone", "12", "emergencyContactPhone"),
        ("city", "x" * 201, "city"),
    ]:
        with pytest.raises(DomainError) as exc:
            contact.clean({column: value}, fields=contact.MEMBER_FIELDS)
        assert _field(exc) == field


def test_a_dependent_keeps_only_email_and_phone_and_something_must_change():
    assert contact.clean({"phone": None}, fields=contact.DEPENDENT_FIELDS) == {"phone": None}
    with pytest.raises(DomainError) as exc:
        contact.clean({"address_line1": "1 Main St"}, fields=contact.DEPENDENT_FIELDS)
    assert _field(exc) == "addressLine1"
    with pytest.raises(DomainError) as exc:
        contact.clean({}, fields=contact.MEMBER_FIELDS)
    assert _field(exc) == "input"
