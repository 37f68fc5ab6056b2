"""Rules of the admin records: providers, employers, contracts and accounts (no database)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from domain import accounts, contracts, organisations
from domain.errors import DomainError, IllegalTransition

# --- providers and employers ------------------------------------------------------------------


def test_an_npi_with_its_check_digit_is_accepted():
    # Luhn over 80840 + 987654321, worked by hand: the prefix contributes 24; the base's
    # digits from the right, every other one doubled (1→2, 3→6, 5→10→1, 7→14→5, 9→18→9) and
    # the rest as they are (2, 4, 6, 8) sum to 43; 24 + 43 = 67, so the check digit is 3.
    assert organisations.npi(" 9876543213 ") == "9876543213"


@pytest.mark.parametrize(
    ("value", "words"),
    [("9876543210", "check digit"), ("987654321", "ten digits"), ("98765432AB", "ten digits")],
)
def test_a_bad_npi_names_the_field(value, words):
    with pytest.raises(DomainError) as caught:
        organisations.npi(value)
    assert caught.value.field == "npi" and words in str(caught.value)


def test_tax_ids_are_kept_in_one_spelling():
    assert organisations.tax_id("123456789") == "12-3456789"
    assert organisations.tax_id("12-3456789") == "12-3456789"
    for bad in ("12-345678", "12-34567890", "AB-3456789", "12/3456789"):
        with pytest.raises(DomainError) as caught:
            organisations.tax_id(bad)
        assert caught.value.field == "taxId"


def test_clean_trims_checks_and_names_the_input_field():
    fields = {"primary_contact_email": "primaryContactEmail", "state": "state"}
    out = organisations.clean(
        {"state": " ca ", "city": "  ", "languages_spoken": None,
         "primary_contact_email": " hr@example.com "},
        fields=fields,
    )  # fmt: skip
    assert out == {"state": "CA", "city": None, "languages_spoken": [],
                   "primary_contact_email": "hr@example.com"}  # fmt: skip
    with pytest.raises(DomainError) as caught:
        organisations.clean({"primary_contact_email": "not-an-address"}, fields=fields)
    assert caught.value.field == "primaryContactEmail"
    with pytest.raises(DomainError) as caught:
        organisations.clean({"state": "XX"}, fields=fields)
    assert caught.value.field == "state"
    with pytest.raises(DomainError) as caught:
        organisations.clean({"company_name": " "}, fields={}, required={"company_name"})
    assert caught.value.field == "company_name"


def test_names_by_kind_of_provider():
    organisations.check_provider_names(
        "individual", first_name="Ada", last_name="Lovelace", organization_name=None
    )
    with pytest.raises(DomainError) as caught:
        organisations.check_provider_names(
            "individual", first_name="Ada", last_name=None, organization_name="Clinic"
        )
    assert caught.value.field == "lastName"
    with pytest.raises(DomainError) as caught:
        organisations.check_provider_names(
            "group", first_name="Ada", last_name="Lovelace", organization_name=" "
        )
    assert caught.value.field == "organizationName"


@pytest.mark.parametrize(
    ("provider_type", "parent_type", "is_self", "ok"),
    [
        ("individual", "group", False, True),
        ("individual", None, False, True),
        ("individual", "individual", False, False),
        ("individual", "facility", False, False),
        ("group", "group", False, False),
        ("facility", "group", False, False),
        ("individual", "group", True, False),
    ],
)
def test_only_practitioners_belong_to_a_group(provider_type, parent_type, is_self, ok):
    check = lambda: organisations.check_parent(  # noqa: E731
        provider_type=provider_type, parent_type=parent_type, is_self=is_self
    )
    if ok:
        check()
    else:
        with pytest.raises(DomainError) as caught:
            check()
        assert caught.value.field == "parentId"


def test_employer_dates_and_counts():
    organisations.check_employer_dates(date(2025, 1, 1), date(2026, 1, 1))
    organisations.check_employer_dates(None, date(2026, 1, 1))
    with pytest.raises(DomainError) as caught:
        organisations.check_employer_dates(date(2025, 1, 1), date(2025, 1, 1))
    assert caught.value.field == "contractEndDate"
    with pytest.raises(DomainError) as caught:
        organisations.check_employee_count(-1)
    assert caught.value.field == "employeeCount"


# --- contracts ----------------------------------------------------------------------------------


def test_a_fee_schedule_is_codes_to_two_place_amounts():
    schedule = contracts.fee_schedule(
        [("99213", Decimal("90")), (" g0438 ", "170.5"), ("D1110", Decimal("85.00"))],
        required=True,
    )
    assert schedule == {"99213": Decimal("90.00"), "G0438": Decimal("170.50"),
                        "D1110": Decimal("85.00")}  # fmt: skip
    assert [str(v) for v in schedule.values()] == ["90.00", "170.50", "85.00"]


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ([("99213", Decimal("0"))], "feeSchedule[0].allowedAmount"),
        ([("99213", Decimal("90")), ("99214", Decimal("-1"))], "feeSchedule[1].allowedAmount"),
        ([("99213", Decimal("90.001"))], "feeSchedule[0].allowedAmount"),
        ([("99213", Decimal("10000000000"))], "feeSchedule[0].allowedAmount"),
        ([("99213", "NaN")], "feeSchedule[0].allowedAmount"),
        ([("99213", Decimal("90")), ("99213", Decimal("95"))], "feeSchedule[1].procedureCode"),
        ([("99213", Decimal("90")), ("99213 ", Decimal("90"))], "feeSchedule[1].procedureCode"),
        ([("9921", Decimal("90"))], "feeSchedule[0].procedureCode"),
        ([], "feeSchedule"),
    ],
)
def test_fee_schedule_refusals_name_the_item(items, field):
    with pytest.raises(DomainError) as caught:
        contracts.fee_schedule(items, required=True)
    assert caught.value.field == field


def test_a_capitated_contract_may_have_no_fee_schedule():
    assert contracts.fee_schedule([], required=False) == {}


def test_termination_comes_after_the_effective_date():
    contracts.check_dates(effective=date(2025, 1, 1), termination=date(2025, 1, 2))
    contracts.check_dates(effective=date(2025, 1, 1), termination=None)
    for day in (date(2025, 1, 1), date(2024, 12, 31)):
        with pytest.raises(DomainError) as caught:
            contracts.check_dates(effective=date(2025, 1, 1), termination=day)
        assert caught.value.field == "terminationDate"


def test_renewal_comes_after_the_effective_date():
    contracts.check_dates(effective=date(2025, 1, 1), termination=None, renewal=date(2026, 1, 1))
    with pytest.raises(DomainError) as caught:
        contracts.check_dates(
            effective=date(2025, 1, 1), termination=None, renewal=date(2024, 1, 1)
        )
    assert caught.value.field == "renewalDate"


def test_one_active_contract_at_a_time():
    # terms run up to, not including, their termination date (as pricing reads them)
    old = contracts.Term(date(2023, 1, 1), date(2025, 1, 1))
    contracts.check_single_active(contracts.Term(date(2025, 1, 1), None), [old])  # back to back
    with pytest.raises(DomainError) as caught:
        contracts.check_single_active(contracts.Term(date(2024, 12, 31), None), [old])
    assert caught.value.field == "effectiveDate" and "2023-01-01 to 2025-01-01" in str(caught.value)
    open_ended = contracts.Term(date(2025, 1, 1), None)
    with pytest.raises(DomainError):
        contracts.check_single_active(contracts.Term(date(2030, 1, 1), None), [open_ended])
    contracts.check_single_active(contracts.Term(date(2020, 1, 1), date(2025, 1, 1)), [open_ended])


def test_contract_lifecycle():
    assert contracts.move("draft", "active").value == "active"
    assert contracts.move("active", "terminated").value == "terminated"
    for current in ("terminated", "expired"):
        with pytest.raises(IllegalTransition) as caught:
            contracts.move(current, "terminated")
        assert caught.value.current == current and caught.value.requested == "terminated"


# --- accounts ---------------------------------------------------------------------------------


def test_each_role_names_exactly_its_tie():
    member = uuid.uuid4()
    assert accounts.ties("member", {"member_id": member}) == {
        "member_id": member, "dependent_id": None, "provider_id": None, "employer_id": None,
        "jurisdiction": None,
    }  # fmt: skip
    assert accounts.ties("regulator", {"jurisdiction": "tx"})["jurisdiction"] == "TX"
    assert set(accounts.ties("admin", {}).values()) == {None}
    cases = [
        ("member", {}, "memberId"),
        ("provider", {"provider_id": None}, "providerId"),
        ("employer", {"employer_id": uuid.uuid4(), "member_id": member}, "memberId"),
        ("regulator", {"jurisdiction": "ZZ"}, "jurisdiction"),
        ("regulator", {"jurisdiction": " "}, "jurisdiction"),
        ("adjudicator", {"provider_id": uuid.uuid4()}, "providerId"),
    ]
    for role, given, field in cases:
        with pytest.raises(DomainError) as caught:
            accounts.ties(role, given)
        assert caught.value.field == field, (role, given)


def test_sign_in_names_and_passwords():
    assert accounts.sign_in_name(" Pat.Lee@Example.COM ") == "pat.lee@example.com"
    with pytest.raises(DomainError) as caught:
        accounts.sign_in_name("pat.lee")
    assert caught.value.field == "email"
    accounts.check_password("correct horse battery", email="pat@example.com")
    for bad in ("short", "x" * 257, "Pat@Example.com"):
        with pytest.raises(DomainError) as caught:
            accounts.check_password(bad, email="pat@example.com")
        assert caught.value.field == "password"


def test_only_adult_dependents_get_accounts():
    accounts.check_dependent_login(adult=True)
    with pytest.raises(DomainError) as caught:
        accounts.check_dependent_login(adult=False)
    assert caught.value.field == "dependentId"


def test_account_status_and_self_changes():
    assert accounts.move("active", "inactive").value == "inactive"
    with pytest.raises(IllegalTransition) as caught:
        accounts.move("inactive", "inactive")
    assert (caught.value.current, caught.value.requested) == ("inactive", "inactive")
    me = uuid.uuid4()
    with pytest.raises(DomainError) as caught:
        accounts.check_not_self(acting=me, target=me)
    assert caught.value.field == "userId"
    accounts.check_not_self(acting=me, target=uuid.uuid4())
