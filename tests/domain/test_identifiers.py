from datetime import date

import pytest

from domain.identifiers import claim_number, is_valid_npi, make_npi, npi_check_digit, record_number
from domain.masking import last_four


def test_npi_check_digit_matches_the_cms_example():
    # CMS: base 123456789 gives check digit 3 (NPI 1234567893).
    assert npi_check_digit("123456789") == 3
    assert make_npi("123456789") == "1234567893"


@pytest.mark.parametrize("npi", ["1234567890", "123456789", "12345678931", "abcdefghij", ""])
def test_npi_with_a_wrong_digit_or_shape_is_refused(npi):
    assert not is_valid_npi(npi)


def test_every_generated_npi_is_valid():
    for base in ("100000000", "199999999", "287654321", "999999999"):
        npi = make_npi(base)
        assert is_valid_npi(npi)
        wrong = npi[:9] + str((int(npi[9]) + 1) % 10)
        assert not is_valid_npi(wrong)


def test_numbers_people_read_are_formatted():
    assert claim_number(date(2026, 3, 9), 42) == "CLM-20260309-000042"
    assert record_number("MBR", 7) == "MBR-00000007"


def test_masking_keeps_only_the_last_four_digits():
    assert last_four("123-45-6789") == "***-**-6789"
    assert last_four("12-3456789") == "**-***6789"
    assert last_four(None) is None
