"""Written reasons for exceptional access (break-glass, revealing a restricted value).

A reason counts what a reviewer can read: letters, after removing what does not show
(format characters such as zero-width spaces, controls, private-use and unassigned code
points, and the letters that render as blanks, the Hangul fillers). Marks, digits and
punctuation are kept but are not letters. Eleven zero-width spaces are no reason.
"""

import unicodedata

MIN_REASON_LETTERS = 10

# Categories that never show on their own: controls, format (ZWSP, ZWJ, bidi marks, tags),
# surrogates, private use, unassigned; separators become one plain space.
_DROPPED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_SPACES = frozenset({"Zs", "Zl", "Zp"})
# Letters by category that render as blanks (used to pad "text" that shows nothing).
_BLANK_LETTERS = frozenset({"\u115f", "\u1160", "\u3164", "\uffa0"})


class MissingReason(ValueError):
    """The reason is missing or too short; the message says what is needed."""


def visible_letters(text: str) -> int:
    """How many letters of `text` a reader can see."""
    return sum(
        1
        for ch in unicodedata.normalize("NFKC", text)
        if unicodedata.category(ch).startswith("L") and ch not in _BLANK_LETTERS
    )


def tidy(text: str) -> str:
    """`text` without invisible characters, its whitespace runs collapsed to one space."""
    kept: list[str] = []
    for ch in text:  # dropped before normalising, so what they separated may compose
        category = unicodedata.category(ch)
        if ch.isspace() or category in _SPACES:
            kept.append(" ")
        elif category not in _DROPPED and ch not in _BLANK_LETTERS:
            kept.append(ch)
    return " ".join(unicodedata.normalize("NFKC", "".join(kept)).split())


def require_reason(reason: str, *, for_what: str) -> str:
    """A written reason of at least MIN_REASON_LETTERS visible letters; returned tidied."""
    cleaned = tidy(reason)
    if visible_letters(cleaned) < MIN_REASON_LETTERS:
        raise MissingReason(
            f"Give the reason for {for_what} in words: at least {MIN_REASON_LETTERS} letters."
        )
    return cleaned
