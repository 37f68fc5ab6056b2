"""What each enum of domain/enums/, and each of its values, means for the plan: the class
docstring says what the enum is, MEANINGS what each value is. The GraphQL schema shows both
as descriptions (graph/enums.py). Importing this package checks that nothing is left out, so
an enum or a value added without its meaning fails at start-up, not in a client's hands."""

from __future__ import annotations

import inspect
from enum import StrEnum

from domain import enums
from domain.enum_meanings import claims, coverage, network, payments, people, records
from domain.enum_meanings.base import Meanings

MEANINGS: Meanings = {
    **people.MEANINGS,
    **network.MEANINGS,
    **claims.MEANINGS,
    **payments.MEANINGS,
    **records.MEANINGS,
    **coverage.MEANINGS,
}


class MissingMeaning(LookupError):
    """An enum of the domain, or one of its values, says nothing about what it means."""


def summary(cls: type[StrEnum]) -> str:
    """The enum's docstring as one paragraph."""
    doc = cls.__dict__.get("__doc__")
    if not doc or not doc.strip():
        raise MissingMeaning(f"{cls.__name__} needs a docstring saying what it means.")
    return " ".join(inspect.cleandoc(doc).split())


def meaning(value: StrEnum) -> str:
    """What one enum value means."""
    try:
        return MEANINGS[type(value)][value]
    except KeyError:
        raise MissingMeaning(
            f"{type(value).__name__}.{value.name} has no meaning in domain/enum_meanings/."
        ) from None


def _check() -> None:
    """Every enum of domain/enums/ described, each of its values and nothing else."""
    declared = [
        v
        for v in vars(enums).values()
        if isinstance(v, type)
        and issubclass(v, StrEnum)
        and v.__module__.startswith(f"{enums.__name__}.")
    ]
    for cls in declared:
        summary(cls)
        given = MEANINGS.get(cls, {})
        for value in cls:
            meaning(value)
        if stray := [k for k in given if not isinstance(k, cls)]:
            raise MissingMeaning(f"The meanings of {cls.__name__} list {stray}, not its values.")
        if empty := [v.name for v, text in given.items() if not text.strip()]:
            raise MissingMeaning(f"{cls.__name__}: empty meaning for {', '.join(empty)}.")
    if extra := [c.__name__ for c in MEANINGS if c not in declared]:
        raise MissingMeaning(f"Meanings given for enums not in domain/enums/: {extra}.")


_check()
