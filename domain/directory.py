"""What people type into a picker or the provider directory, read as a search.

Code sets (diagnoses, procedures): a search matches a code that starts with it (the dot of
an ICD-10-CM code ignored: "E11" and "E11.9" find E11.9) or a description holding every word
of it, each word as a prefix ("diab" finds diabetes). The directory: a name search matches
a provider when each word is part of its organisation name, first or last name; a ZIP is
five digits (that ZIP, ZIP+4 included), ZIP+4 (exactly), or three (the ZIP3 area).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.errors import DomainError

MAX_SEARCH_LENGTH = 100  # longer is no name or description anyone picks from

_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script; punctuation separates
_CODE_PREFIX = re.compile(r"^[A-Z0-9]{1,7}$")


@dataclass(frozen=True, slots=True)
class CodeSearch:
    """`code_prefix`: the search as the start of a stored code (None when it cannot be
    one); `words`: the lower-cased words the description must hold, each as a prefix."""

    code_prefix: str | None
    words: tuple[str, ...]


def _text(value: str, field: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise DomainError(f"'{field}' is empty: give at least one letter or digit.", field=field)
    if len(cleaned) > MAX_SEARCH_LENGTH:
        raise DomainError(f"'{field}' is longer than {MAX_SEARCH_LENGTH} characters.", field=field)
    if "\x00" in cleaned:
        raise DomainError(f"'{field}' holds a character no text may hold.", field=field)
    return cleaned


def code_search(value: str, *, field: str = "search") -> CodeSearch:
    """A code-set search; refused when empty, over-long, or without a letter or digit."""
    cleaned = _text(value, field)
    words = tuple(dict.fromkeys(w.lower() for w in _WORD.findall(cleaned)))
    if not words:
        raise DomainError(f"'{field}' has no letter or digit to search for.", field=field)
    bare = cleaned.upper().replace(".", "")
    prefix = bare if _CODE_PREFIX.match(bare) else None
    return CodeSearch(code_prefix=prefix, words=words)


def name_words(value: str, *, field: str = "name") -> tuple[str, ...]:
    """The words of a directory name search, each to be found in some part of the name."""
    cleaned = _text(value, field)
    words = tuple(dict.fromkeys(w.lower() for w in _WORD.findall(cleaned)))
    if not words:
        raise DomainError(f"'{field}' has no letter or digit to search for.", field=field)
    return words


@dataclass(frozen=True, slots=True)
class ZipMatch:
    """`prefix` true: ZIP codes starting with `value`; false: exactly `value`."""

    value: str
    prefix: bool


def zip_match(value: str, *, field: str = "zipCode") -> ZipMatch:
    """Five digits (with any ZIP+4 under it), ZIP+4 exactly, or a three-digit ZIP3 area."""
    cleaned = value.strip()
    if re.fullmatch(r"[0-9]{3}|[0-9]{5}", cleaned):
        return ZipMatch(cleaned, prefix=True)
    if re.fullmatch(r"[0-9]{5}-[0-9]{4}", cleaned):
        return ZipMatch(cleaned, prefix=False)
    raise DomainError(
        f"'{field}' is a ZIP code (five digits, or ZIP+4) or a three-digit ZIP area.",
        field=field,
    )


def language(value: str, *, field: str = "language") -> str:
    """A spoken language as the directory lists it, matched whatever its case."""
    return _text(value, field)
