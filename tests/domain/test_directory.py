"""Searches as typed: code-set searches, directory names, ZIPs (no database)."""

from __future__ import annotations

import pytest

from domain.directory import CodeSearch, ZipMatch, code_search, name_words, zip_match
from domain.errors import DomainError


def test_code_searches():
    assert code_search(" E11.9 ") == CodeSearch(code_prefix="E119", words=("e11", "9"))
    assert code_search("Diabetes, type 2!") == CodeSearch(
        code_prefix=None, words=("diabetes", "type", "2")
    )
    assert code_search("knee knee") == CodeSearch(code_prefix=None, words=("knee",))
    assert code_search("knee").code_prefix == "KNEE"  # harmless: no code starts so
    assert code_search("l18").code_prefix == "L18"
    # a prefix is at most the seven characters of a code
    assert code_search("pneumoconiosis").code_prefix is None


@pytest.mark.parametrize("value", ["", "   ", "x" * 101, "%_!", "E11\x00"])
def test_refused_searches(value):
    with pytest.raises(DomainError) as refused:
        code_search(value)
    assert refused.value.field == "search"
    with pytest.raises(DomainError):
        name_words(value)


def test_name_words():
    assert name_words("Harbor_Clinic  harbor") == ("harbor", "clinic")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("958", ZipMatch("958", prefix=True)),
        (" 95814 ", ZipMatch("95814", prefix=True)),
        ("95814-1234", ZipMatch("95814-1234", prefix=False)),
    ],
)
def test_zips(value, expected):
    assert zip_match(value) == expected


@pytest.mark.parametrize("value", ["95", "9581", "958140", "95814-12", "ABCDE", ""])
def test_refused_zips(value):
    with pytest.raises(DomainError) as refused:
        zip_match(value)
    assert refused.value.field == "zipCode"
