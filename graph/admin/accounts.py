"""Admin mutations of employer groups and user accounts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated, Any

import strawberry

from db import accounts as accounts_db
from db import admin as admin_db
from db import workflows as wf
from domain import accounts as rules
from domain import organisations
from domain.enums import UserStatus
from domain.errors import DomainError, IllegalTransition
from domain.people import is_adult
from graph.admin.inputs import (
    ChangeUserRoleInput,
    CreateEmployerInput,
    CreateUserInput,
    UpdateEmployerInput,
    given,
)
from graph.admin.writes import audited, changes, referenced, transaction
from graph.context import Info
from graph.employer.types import Employer
from graph.guard import require
from graph.lookup import by_global_id
from graph.passwords import hash_password
from graph.results import (
    IllegalStatusChange,
    InvalidInput,
    NotAllowed,
    illegal,
    invalid,
    not_allowed,
)
from graph.rows import build
from graph.user.types import User
from policies import resources as res

_EMPLOYER_FIELDS = {"tax_id": "taxId", "state": "state", "zip_code": "zipCode",
                    "primary_contact_email": "primaryContactEmail",
                    "company_name": "companyName"}  # fmt: skip
_EMPLOYER_REQUIRED = frozenset({"company_name", "billing_cycle", "status"})
# a tie's column -> the type of record its id names
_TIES = {"member_id": "Member", "dependent_id": "Dependent", "provider_id": "Provider",
         "employer_id": "Employer"}  # fmt: skip


@strawberry.type(description="The employer as saved.")
class EmployerSaved:
    employer: Employer = strawberry.field(
        description="The employer with the change applied (a new one with its group number)."
    )
    event_sequence: int = strawberry.field(description="The outbox cursor of this change.")


@strawberry.type(description="The account as saved (its password is never returned).")
class UserSaved:
    user: User = strawberry.field(description="The account with its role, ties and status.")
    event_sequence: int = strawberry.field(
        description="The outbox cursor of this change (a user.changed event)."
    )
    sessions_revoked: int = strawberry.field(
        default=0, description="Sign-ins ended by this change (their tokens stop working)."
    )


EmployerResult = Annotated[EmployerSaved | InvalidInput, strawberry.union("EmployerResult")]
CreateUserResult = Annotated[UserSaved | InvalidInput, strawberry.union("CreateUserResult")]
DeactivateUserResult = Annotated[
    UserSaved | NotAllowed | IllegalStatusChange, strawberry.union("DeactivateUserResult")
]
ChangeUserRoleResult = Annotated[
    UserSaved | InvalidInput | NotAllowed, strawberry.union("ChangeUserRoleResult")
]


def _employer_values(raw: dict[str, Any]) -> dict[str, Any]:
    values = organisations.clean(raw, fields=_EMPLOYER_FIELDS, required=_EMPLOYER_REQUIRED)
    organisations.check_employee_count(values.get("employee_count"))
    return values


async def _publish_employer(db, row) -> int:
    return await wf.publish(db, topic="employer.changed", payload={
        "employer_id": str(row["id"]), "status": row["status"],
    })  # fmt: skip


async def _publish_user(db, row, change: str) -> int:
    return await wf.publish(db, topic="user.changed", payload={
        "user_id": str(row["id"]), "change": change, "role": row["role"],
        "status": row["status"],
    })  # fmt: skip


async def _ties(info: Info, input: CreateUserInput | ChangeUserRoleInput) -> dict[str, Any]:
    """The ids the role needs, decoded and checked to exist; every other tie empty."""
    given_ties: dict[str, Any] = {"jurisdiction": input.jurisdiction}
    for column in _TIES:
        given_ties[column] = getattr(input, column)
    ties = rules.ties(input.role.value, given_ties)
    for column, type_name in _TIES.items():
        if ties[column] is not None:
            field = column.replace("_id", "Id")
            row = await referenced(info, ties[column], expected=type_name, field=field)
            ties[column] = row["id"]
            if column == "dependent_id":
                rules.check_dependent_login(
                    adult=is_adult(row["date_of_birth"], today=info.context.today)
                )
    return ties


async def _hashed(password: str) -> str:
    """The sign-in hasher's argon2 hash, computed off the event loop; only it is stored."""
    return await asyncio.to_thread(hash_password, password)


@strawberry.type
class AccountAdminMutations:
    @strawberry.mutation(description="Sign up an employer group (admins); it gets a group number.")
    async def create_employer(
        self,
        info: Info,
        input: Annotated[
            CreateEmployerInput, strawberry.argument(description="The employer to sign up.")
        ],
    ) -> EmployerResult:
        ctx = info.context
        raw = given(input)
        require(info, "create", res.Employer(id=None, **raw))
        try:
            values = _employer_values(raw)
            organisations.check_employer_dates(
                values.get("contract_start_date"), values.get("contract_end_date")
            )
            async with transaction(ctx) as db:
                row = await admin_db.insert_employer(db, values=values)
                sequence = await _publish_employer(db, row)
                ctx.audit.event(
                    "create_employer", "Employer", row["id"], fields=sorted(values),
                    new_values=audited(row, ["status"]),
                )  # fmt: skip
        except DomainError as exc:
            return invalid(exc)
        return EmployerSaved(employer=build(Employer, row), event_sequence=sequence)

    @strawberry.mutation(
        description="Change an employer's details or status (admins); fields left out stay."
    )
    async def update_employer(
        self,
        info: Info,
        input: Annotated[
            UpdateEmployerInput,
            strawberry.argument(description="The employer and the fields to change."),
        ],
    ) -> EmployerResult:
        ctx = info.context
        employer = await by_global_id(info, input.employer_id, expected="Employer")
        require(info, "update", res.Employer(**employer._row))
        try:
            values = _employer_values(given(input))
            async with transaction(ctx) as db:
                current = await admin_db.employer_row(db, employer.db_id)
                merged = {**current, **values}
                organisations.check_employer_dates(
                    merged["contract_start_date"], merged["contract_end_date"]
                )
                changed = changes(current, values)
                row = await admin_db.update_employer(db, current=current, values=values)
                sequence = await _publish_employer(db, row)
                ctx.audit.event(
                    "update_employer", "Employer", row["id"], fields=changed,
                    old_values=audited(current, changed), new_values=audited(row, changed),
                )  # fmt: skip
        except DomainError as exc:
            return invalid(exc)
        return EmployerSaved(employer=build(Employer, row), event_sequence=sequence)

    @strawberry.mutation(
        description="Open an account (admins) with its role and the record the role is tied "
        "to: memberId for a member, dependentId for an adult dependent, providerId for "
        "provider staff, employerId for an employer, jurisdiction for a regulator."
    )
    async def create_user(
        self,
        info: Info,
        input: Annotated[
            CreateUserInput,
            strawberry.argument(description="The account's sign-in, role and tie."),
        ],
    ) -> CreateUserResult:
        ctx = info.context
        require(info, "create", res.Account(id=None, role=input.role.value))
        try:
            email = rules.sign_in_name(input.email)
            rules.check_password(input.password, email=email)
            ties = await _ties(info, input)
            values = {
                "email": email,
                "display_name": (input.display_name or "").strip() or None,
                "role": input.role.value,
                "status": UserStatus.ACTIVE.value,
                **ties,
                "password_hash": await _hashed(input.password),
            }
            async with transaction(ctx) as db:
                row = await admin_db.insert_user(db, values=values)
                sequence = await _publish_user(db, row, "created")
                ctx.audit.event(
                    "create_user", "User", row["id"],
                    fields=sorted(set(values) - {"password_hash"}) + ["password"],
                    new_values={"role": row["role"], "status": row["status"]},
                )  # fmt: skip
        except DomainError as exc:
            return invalid(exc)
        return UserSaved(user=build(User, row), event_sequence=sequence)

    @strawberry.mutation(
        description="Close an account (admins): it can no longer sign in, and every sign-in "
        "it has is ended at once, so its access and refresh tokens stop working."
    )
    async def deactivate_user(
        self,
        info: Info,
        user_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The account to close; not your own."),
        ],
        reason: Annotated[
            str | None, strawberry.argument(description="Why; kept in the audit row.")
        ] = None,
    ) -> DeactivateUserResult:
        ctx = info.context
        user = await by_global_id(info, user_id, expected="User")
        require(info, "deactivate", res.Account(**user._row))
        try:
            rules.check_not_self(acting=ctx.principal.user_id, target=user.db_id)
        except DomainError as exc:
            return not_allowed(exc)
        try:
            async with transaction(ctx) as db:
                current = await admin_db.user_row(db, user.db_id)
                rules.move(current["status"], UserStatus.INACTIVE)
                row = await admin_db.update_user(
                    db, user_id=current["id"], values={"status": UserStatus.INACTIVE.value}
                )
                revoked = await accounts_db.revoke_user_sessions(
                    db, user_id=current["id"], now=datetime.now(UTC)
                )
                sequence = await _publish_user(db, row, "deactivated")
                note = {"reason": reason.strip()} if reason and reason.strip() else {}
                ctx.audit.event(
                    "deactivate_user", "User", row["id"], fields=["status"],
                    old_values={"status": current["status"]},
                    new_values={"status": row["status"], "sessions_revoked": revoked, **note},
                )  # fmt: skip
        except IllegalTransition as exc:
            return illegal(exc)
        return UserSaved(user=build(User, row), event_sequence=sequence, sessions_revoked=revoked)

    @strawberry.mutation(
        description="Give an account another role with the record that role is tied to "
        "(admins). Its sign-ins are ended, so it signs in again under the new role."
    )
    async def change_user_role(
        self,
        info: Info,
        input: Annotated[
            ChangeUserRoleInput,
            strawberry.argument(description="The account, its new role and tie."),
        ],
    ) -> ChangeUserRoleResult:
        ctx = info.context
        user = await by_global_id(info, input.user_id, expected="User")
        require(info, "change_role", res.Account(**user._row))
        try:
            rules.check_not_self(acting=ctx.principal.user_id, target=user.db_id)
        except DomainError as exc:
            return not_allowed(exc)
        try:
            ties = await _ties(info, input)
            async with transaction(ctx) as db:
                current = await admin_db.user_row(db, user.db_id)
                values = {"role": input.role.value, **ties}
                changed = changes(current, values)
                row = await admin_db.update_user(db, user_id=current["id"], values=values)
                revoked = await accounts_db.revoke_user_sessions(
                    db, user_id=current["id"], now=datetime.now(UTC)
                )
                sequence = await _publish_user(db, row, "role_changed")
                ctx.audit.event(
                    "change_user_role", "User", row["id"], fields=changed,
                    old_values={"role": current["role"]}, new_values={"role": row["role"]},
                )  # fmt: skip
        except DomainError as exc:
            return invalid(exc)
        return UserSaved(user=build(User, row), event_sequence=sequence, sessions_revoked=revoked)
