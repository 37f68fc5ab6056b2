"""Written reasons (break-glass, SSN reveal): visible letters count, invisible characters don't."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.breakglass import validate_reason
from domain.reasons import (
    MIN_REASON_LETTERS,
    MissingReason,
    require_reason,
    tidy,
    visible_letters,
)

# What shows nothing: format (zero-width space, joiners, bidi marks, tags), controls,
# separators, combining marks alone, private use, and the Hangul fillers (letters by
# category, blank on screen).
_INVISIBLE = st.one_of(
    st.characters(categories=["Cf", "Cc", "Zs", "Zl", "Zp", "Mn", "Me", "Co"]),
    st.sampled_from(["\u115f", "\u1160", "\u3164", "\uffa0", "\u200b", "\u2060", "\ufeff"]),
)
_JAMO = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xD7B0, 0xD7FF))
# Letters that stay one letter whatever stands next to them (conjoining jamo compose, and
# NFKC splits a few ligatures): the property is about invisible characters, not those.
_LETTER = st.characters(categories=["Lu", "Ll", "Lo"]).filter(
    lambda ch: visible_letters(ch) == 1 and not any(a <= ord(ch) <= b for a, b in _JAMO)
)


def test_eleven_zero_width_spaces_are_no_reason():
    with pytest.raises(MissingReason, match=f"at least {MIN_REASON_LETTERS} letters"):
        require_reason("\u200b" * 11, for_what="emergency access")


def test_a_short_sentence_is_a_reason_and_comes_back_tidied():
    reason = "  Chest\u200b pain,\u00a0\n unconscious\u2066  "
    assert validate_reason(reason) == "Chest pain, unconscious"


@pytest.mark.parametrize(
    "reason",
    ["ER visit", "1234567890!", "a b c d e f g h i", "\u3164" * 20, "x\u0301" * 9],
)
def test_fewer_than_ten_letters_are_refused(reason):
    with pytest.raises(MissingReason):
        require_reason(reason, for_what="revealing an SSN")


@given(st.text(_INVISIBLE, max_size=200))
def test_nothing_made_of_invisible_characters_passes(text):
    with pytest.raises(MissingReason):
        require_reason(text, for_what="emergency access")


@given(
    st.lists(_LETTER, min_size=MIN_REASON_LETTERS, max_size=40),
    st.lists(st.tuples(st.integers(0, 40), _INVISIBLE), max_size=30),
)
def test_invisible_characters_neither_help_nor_hurt_a_reason(letters, noise):
    plain = "".join(letters)
    padded = list(plain)
    for at, ch in noise:
        padded.insert(min(at, len(padded)), ch)
    assert visible_letters("".join(padded)) == visible_letters(plain) >= MIN_REASON_LETTERS
    cleaned = require_reason("".join(padded), for_what="emergency access")
    assert visible_letters(cleaned) >= MIN_REASON_LETTERS


@given(st.text(max_size=120))
def test_an_accepted_reason_shows_ten_letters_and_hides_nothing(text):
    try:
        cleaned = require_reason(text, for_what="emergency access")
    except MissingReason:
        assert visible_letters(tidy(text)) < MIN_REASON_LETTERS
        return
    assert visible_letters(cleaned) >= MIN_REASON_LETTERS
    assert cleaned == cleaned.strip() and "  " not in cleaned
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cn", "Cs") for ch in cleaned)
