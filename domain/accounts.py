"""User accounts: the records a role is tied to, sign-in names, passwords, deactivation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from domain.access import ROLE_TIES
from domain.enums import Role, UserStatus
from domain.errors import DomainError, IllegalTransition
from domain.organisations import email as email_address
from domain.organisations import state

MIN_PASSWORD = 12  # NIST SP 800-63B asks for at least 8; staff accounts reach PHI
MAX_PASSWORD = 256

# the input field that names each tie, as the client spells it
_TIE_FIELDS = {
    "member_id": "memberId",
    "dependent_id": "dependentId",
    "provider_id": "providerId",
    "employer_id": "employerId",
    "jurisdiction": "jurisdiction",
}

# How an account is named to those who may not learn who it is (a member reading who decided
# their claim): the role in words, as a letter from the plan would sign it.
ROLE_TITLES: dict[Role, str] = {
    Role.MEMBER: "Member",
    Role.DEPENDENT: "Dependent",
    Role.PROVIDER: "Provider staff",
    Role.ADJUDICATOR: "Claims adjudicator",
    Role.EMPLOYER: "Employer benefits administrator",
    Role.REGULATOR: "State insurance regulator",
    Role.AUDITOR: "Compliance officer",
    Role.ADMIN: "Plan staff",
}


def role_title(role: str) -> str:
    """The role of an account in words ("Claims adjudicator")."""
    return ROLE_TITLES[Role(role)]


TRANSITIONS: dict[UserStatus, frozenset[UserStatus]] = {
    UserStatus.ACTIVE: frozenset({UserStatus.INACTIVE, UserStatus.SUSPENDED}),
    UserStatus.SUSPENDED: frozenset({UserStatus.ACTIVE, UserStatus.INACTIVE}),
    UserStatus.INACTIVE: frozenset({UserStatus.ACTIVE}),
}


def sign_in_name(value: str) -> str:
    """The email a user signs in with, lower-cased so one address is one account."""
    return email_address(value).lower()


def ties(role: Role | str, given: Mapping[str, Any]) -> dict[str, Any]:
    """Exactly the tie the role needs (ACCESS.md, Principals), every other tie empty."""
    role = Role(role)
    needed = ROLE_TIES.get(role)
    result: dict[str, Any] = dict.fromkeys(_TIE_FIELDS)
    for column, field in _TIE_FIELDS.items():
        value = given.get(column)
        if column == needed:
            if value is None or (isinstance(value, str) and not value.strip()):
                raise DomainError(
                    f"A {{role}} account must name its {_describe(column)}: give {field}.",
                    field=field,
                    terms={"role": role},
                )
            result[column] = state(value, field=field) if column == "jurisdiction" else value
        elif value is not None:
            raise DomainError(
                f"A {{role}} account is not tied to a {_describe(column)}: leave {field} out.",
                field=field,
                terms={"role": role},
            )
    return result


def _describe(column: str) -> str:
    return {
        "member_id": "member",
        "dependent_id": "dependent",
        "provider_id": "provider organisation",
        "employer_id": "employer",
        "jurisdiction": "jurisdiction (US state)",
    }[column]


def check_password(password: str, *, email: str) -> None:
    """Long enough to resist guessing, and not the sign-in name itself."""
    if len(password) < MIN_PASSWORD:
        raise DomainError(f"A password has at least {MIN_PASSWORD} characters.", field="password")
    if len(password) > MAX_PASSWORD:
        raise DomainError(f"A password has at most {MAX_PASSWORD} characters.", field="password")
    if password.strip().lower() == email.strip().lower():
        raise DomainError("A password cannot be the email address.", field="password")


def check_dependent_login(*, adult: bool) -> None:
    """Only an adult dependent has a login of their own (ACCESS.md, Principals)."""
    if not adult:
        raise DomainError(
            "Only an adult dependent (18 or older) has an account of their own.",
            field="dependentId",
        )


def move(current: UserStatus | str, requested: UserStatus | str) -> UserStatus:
    current, requested = UserStatus(current), UserStatus(requested)
    if requested not in TRANSITIONS[current]:
        raise IllegalTransition("user", current, requested)
    return requested


def check_not_self(*, acting: UUID, target: UUID) -> None:
    """An admin cannot lock themselves out: another admin deactivates or re-roles them."""
    if acting == target:
        raise DomainError(
            "You cannot change your own account's status or role; ask another admin.",
            field="userId",
        )
