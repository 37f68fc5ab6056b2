"""The SQL of the admin mutations: providers, credentials, contracts, employers, users.

Every function takes a connection inside the caller's transaction; none commits. Unique
constraints are the source of truth for duplicates: a violation becomes a DomainError naming
the input field. Tax ids are encrypted, so they are compared through their blind index under
a transaction-scoped advisory lock (two writers of one tax id take turns).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, or_, select, text, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError

from db.contract_terms import priced
from db.crypto import tax_id_index
from db.tables import (
    contracts,
    employers,
    fee_schedule_items,
    provider_credentials,
    providers,
    users,
)
from db.workflows import _next_number
from domain.errors import DomainError
from domain.identifiers import group_number

# unique constraint -> the refusal a client can act on
_DUPLICATES = {
    "uq_providers_npi": ("npi", "Another provider already has this NPI."),
    "uq_users_email": ("email", "Another account already signs in with this email."),
    "uq_employers_group_number": ("groupNumber", "That group number is taken; retry."),
    "uq_contracts_contract_number": ("contractNumber", "That contract number is taken; retry."),
}
# foreign key -> the input field that named the missing record
_MISSING = {
    "fk_providers_parent_id_providers": "parentId",
    "fk_users_member_id_members": "memberId",
    "fk_users_dependent_id_dependents": "dependentId",
    "fk_users_provider_id_providers": "providerId",
    "fk_users_employer_id_employers": "employerId",
}


def _constraint(exc: IntegrityError) -> str | None:
    """The name of the constraint a statement broke (asyncpg puts it on the cause)."""
    for error in (exc.orig, getattr(exc.orig, "__cause__", None)):
        name = getattr(error, "constraint_name", None)
        if name:
            return name
    return None


async def _write(conn, statement) -> RowMapping:
    """Run an INSERT/UPDATE ... RETURNING; a broken unique or foreign key is a DomainError."""
    try:
        result = await conn.execute(statement)
    except IntegrityError as exc:
        name = _constraint(exc)
        if name in _DUPLICATES:
            field, message = _DUPLICATES[name]
            raise DomainError(message, field=field) from None
        if name in _MISSING:
            raise DomainError("No such record exists.", field=_MISSING[name]) from None
        raise
    return result.mappings().one()


async def _lock_tax_id(conn, kind: str, index: str) -> None:
    # held to the end of the transaction: a second writer of this tax id waits, then sees ours
    await conn.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"{kind}:{index}"},
    )


# --- providers -------------------------------------------------------------------------------


async def provider_row(conn, provider_id: UUID, *, lock: bool = False) -> RowMapping | None:
    stmt = select(providers).where(providers.c.id == provider_id, providers.c.deleted_at.is_(None))
    if lock:
        stmt = stmt.with_for_update()
    return (await conn.execute(stmt)).mappings().first()


async def _check_provider_tax_id(
    conn, *, tax_id: str, provider_id: UUID | None, parent_id: UUID | None
) -> str:
    """A tax id names one organisation: an independent provider, or a group together with its
    practitioners (who bill under the group's). Returns its blind index."""
    index = tax_id_index(tax_id)
    await _lock_tax_id(conn, "providers", index)
    # the organisation the provider belongs to: its group, or itself
    root = parent_id or provider_id
    others = select(providers.c.id).where(
        providers.c.tax_id_index == index, providers.c.deleted_at.is_(None)
    )
    if provider_id is not None:
        others = others.where(providers.c.id != provider_id)
    if root is not None:
        others = others.where(func.coalesce(providers.c.parent_id, providers.c.id) != root)
    if (await conn.execute(others.limit(1))).first() is not None:
        raise DomainError("Another provider organisation already has this tax id.", field="taxId")
    return index


async def insert_provider(conn, *, values: dict[str, Any]) -> RowMapping:
    values = dict(values)
    if values.get("tax_id"):
        values["tax_id_index"] = await _check_provider_tax_id(
            conn, tax_id=values["tax_id"], provider_id=None, parent_id=values.get("parent_id")
        )
    return await _write(conn, insert(providers).values(**values).returning(providers))


async def update_provider(conn, *, current: RowMapping, values: dict[str, Any]) -> RowMapping:
    values = dict(values)
    tax_id = values.get("tax_id", current["tax_id"])
    if tax_id and ("tax_id" in values or "parent_id" in values):
        values["tax_id_index"] = await _check_provider_tax_id(
            conn,
            tax_id=tax_id,
            provider_id=current["id"],
            parent_id=values.get("parent_id", current["parent_id"]),
        )
    elif "tax_id" in values:
        values["tax_id_index"] = None
    stmt = (
        update(providers)
        .where(providers.c.id == current["id"])
        .values(**values, updated_at=func.now())
        .returning(providers)
    )
    return await _write(conn, stmt)


async def has_practitioners(conn, provider_id: UUID) -> bool:
    stmt = select(providers.c.id).where(
        providers.c.parent_id == provider_id, providers.c.deleted_at.is_(None)
    )
    return (await conn.execute(stmt.limit(1))).first() is not None


# --- credentials -----------------------------------------------------------------------------


async def insert_credential(conn, *, values: dict[str, Any]) -> RowMapping:
    return await _write(
        conn, insert(provider_credentials).values(**values).returning(provider_credentials)
    )


async def credential_row(conn, credential_id: UUID) -> RowMapping | None:
    """The credential, locked: two status changes of one credential take turns."""
    stmt = (
        select(provider_credentials)
        .where(provider_credentials.c.id == credential_id)
        .with_for_update()
    )
    return (await conn.execute(stmt)).mappings().first()


async def update_credential(conn, *, credential_id: UUID, values: dict[str, Any]) -> RowMapping:
    stmt = (
        update(provider_credentials)
        .where(provider_credentials.c.id == credential_id)
        .values(**values, updated_at=func.now())
        .returning(provider_credentials)
    )
    return await _write(conn, stmt)


# --- contracts -------------------------------------------------------------------------------


async def active_contract_terms(
    conn, *, provider_id: UUID, excluding: UUID | None = None
) -> list[tuple[date, date | None]]:
    """(effective, termination) of the provider's contracts that price claims: active ones,
    and ended ones for the term they priced (two terms may not overlap). Call it after
    locking the provider row, so two new contracts of one provider are checked in turn."""
    stmt = select(contracts.c.effective_date, contracts.c.termination_date).where(
        contracts.c.provider_id == provider_id, priced()
    )
    if excluding is not None:
        stmt = stmt.where(contracts.c.id != excluding)
    return [(row.effective_date, row.termination_date) for row in await conn.execute(stmt)]


async def insert_contract(
    conn, *, values: dict[str, Any], schedule: dict[str, Decimal]
) -> tuple[RowMapping, list[RowMapping]]:
    """The contract, numbered CTR-########, with its fee schedule."""
    number = await _next_number(conn, "contract_number_seq", "CTR")
    contract = await _write(
        conn, insert(contracts).values(**values, contract_number=number).returning(contracts)
    )
    items: list[RowMapping] = []
    if schedule:
        rows = [
            {"contract_id": contract["id"], "procedure_code": code, "allowed_amount": amount}
            for code, amount in schedule.items()
        ]
        result = await conn.execute(
            insert(fee_schedule_items).values(rows).returning(fee_schedule_items)
        )
        items = list(result.mappings())
    return contract, items


async def contract_row(conn, contract_id: UUID) -> RowMapping | None:
    """The contract, locked against a concurrent termination."""
    stmt = select(contracts).where(contracts.c.id == contract_id).with_for_update()
    return (await conn.execute(stmt)).mappings().first()


async def update_contract(conn, *, contract_id: UUID, values: dict[str, Any]) -> RowMapping:
    stmt = (
        update(contracts)
        .where(contracts.c.id == contract_id)
        .values(**values, updated_at=func.now())
        .returning(contracts)
    )
    return await _write(conn, stmt)


# --- employers -------------------------------------------------------------------------------


async def _check_employer_tax_id(conn, *, tax_id: str, employer_id: UUID | None) -> str:
    """A tax id names one employer."""
    index = tax_id_index(tax_id)
    await _lock_tax_id(conn, "employers", index)
    others = select(employers.c.id).where(
        employers.c.tax_id_index == index, employers.c.deleted_at.is_(None)
    )
    if employer_id is not None:
        others = others.where(employers.c.id != employer_id)
    if (await conn.execute(others.limit(1))).first() is not None:
        raise DomainError("Another employer already has this tax id.", field="taxId")
    return index


async def insert_employer(conn, *, values: dict[str, Any]) -> RowMapping:
    """The employer, with the next group number (GRP-NNNNNN)."""
    values = dict(values)
    if values.get("tax_id"):
        values["tax_id_index"] = await _check_employer_tax_id(
            conn, tax_id=values["tax_id"], employer_id=None
        )
    seq = (await conn.execute(text("SELECT nextval('employer_group_seq')"))).scalar_one()
    stmt = insert(employers).values(**values, group_number=group_number(seq))
    return await _write(conn, stmt.returning(employers))


async def employer_row(conn, employer_id: UUID) -> RowMapping | None:
    stmt = (
        select(employers)
        .where(employers.c.id == employer_id, employers.c.deleted_at.is_(None))
        .with_for_update()
    )
    return (await conn.execute(stmt)).mappings().first()


async def update_employer(conn, *, current: RowMapping, values: dict[str, Any]) -> RowMapping:
    values = dict(values)
    if values.get("tax_id"):
        values["tax_id_index"] = await _check_employer_tax_id(
            conn, tax_id=values["tax_id"], employer_id=current["id"]
        )
    elif "tax_id" in values:
        values["tax_id_index"] = None
    stmt = (
        update(employers)
        .where(employers.c.id == current["id"])
        .values(**values, updated_at=func.now())
        .returning(employers)
    )
    return await _write(conn, stmt)


# --- users -----------------------------------------------------------------------------------


async def insert_user(conn, *, values: dict[str, Any]) -> RowMapping:
    """The account; an email taken in any letter case is a duplicate."""
    taken = select(users.c.id).where(
        or_(users.c.email == values["email"], func.lower(users.c.email) == values["email"])
    )
    if (await conn.execute(taken.limit(1))).first() is not None:
        field, message = _DUPLICATES["uq_users_email"]
        raise DomainError(message, field=field)
    return await _write(conn, insert(users).values(**values).returning(users))


async def user_row(conn, user_id: UUID) -> RowMapping | None:
    """The account, locked: a deactivation and a role change take turns."""
    stmt = (
        select(users).where(users.c.id == user_id, users.c.deleted_at.is_(None)).with_for_update()
    )
    return (await conn.execute(stmt)).mappings().first()


async def update_user(conn, *, user_id: UUID, values: dict[str, Any]) -> RowMapping:
    stmt = (
        update(users)
        .where(users.c.id == user_id)
        .values(**values, updated_at=func.now())
        .returning(users)
    )
    return await _write(conn, stmt)
