"""The shape of the meanings tables: per enum, what each of its values means."""

from collections.abc import Mapping
from enum import StrEnum

# Keyed by class first: a StrEnum value equals its string, so `Role.MEMBER == PayerType.MEMBER`
# and one flat table would mix them up.
Meanings = Mapping[type[StrEnum], Mapping[StrEnum, str]]
