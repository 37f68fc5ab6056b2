"""Who is asking, and the engine-neutral row filters the policy answers with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from domain.enums import PurposeOfUse, Role


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated user: one role, and the records that role is tied to."""

    user_id: UUID
    email: str
    role: Role
    member_id: UUID | None = None
    dependent_id: UUID | None = None
    provider_id: UUID | None = None
    employer_id: UUID | None = None
    jurisdiction: str | None = None
    purpose_of_use: PurposeOfUse | None = None
    # facts loaded with the principal, for the policy to reason about
    subscriber_id: UUID | None = None  # a dependent's subscriber (member)
    minor_dependent_ids: tuple[UUID, ...] = ()
    consenting_dependent_ids: tuple[UUID, ...] = ()  # adults whose consent is on record
    break_glass_member_ids: tuple[UUID, ...] = ()  # open emergency grants


# The record each role is tied to must be named (the same rule as the users table's CHECK).
ROLE_TIES: dict[Role, str] = {
    Role.MEMBER: "member_id",
    Role.DEPENDENT: "dependent_id",
    Role.PROVIDER: "provider_id",
    Role.EMPLOYER: "employer_id",
    Role.REGULATOR: "jurisdiction",
}


# --- Row filters -----------------------------------------------------------------------------
# The policy answers "which rows of this type may this principal read?" with one of these.
# db/ turns them into a SQL WHERE clause, so rows the principal may not see are never fetched.


@dataclass(frozen=True, slots=True)
class Everything:
    """Every row of the type."""


@dataclass(frozen=True, slots=True)
class Nothing:
    """No row of the type."""


@dataclass(frozen=True, slots=True)
class Compare:
    """`field op value`, op one of = != < <= > >= in not_in is_null not_null, or a search:
    contains_ci (the text holds `value`, case ignored), starts_with (the text begins with
    `value`), has_ci (the list of texts holds `value`, case ignored). Search values are
    literal: no wildcard in them means anything."""

    field: str
    op: str
    value: Any = None


@dataclass(frozen=True, slots=True)
class Related:
    """Rows whose `relation` (a named link to another type) leads to a row matching `where`."""

    relation: str
    where: RowFilter


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[RowFilter, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class AllOf:
    parts: tuple[RowFilter, ...] = field(default_factory=tuple)


RowFilter = Everything | Nothing | Compare | Related | AnyOf | AllOf


def eq(field_name: str, value: Any) -> Compare:
    return Compare(field_name, "=", value)
