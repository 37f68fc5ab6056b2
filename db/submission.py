"""The reads and writes of claim submission: who the patient is, what the plan knows about
the parties on the service date, and the claim with its lines and documents."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import and_, exists, func, insert, or_, select, text
from sqlalchemy.engine import RowMapping

from db.tables import (
    claim_documents,
    claim_lines,
    claims,
    contracts,
    dependents,
    members,
    policies,
    provider_credentials,
    providers,
)
from db.workflows import _owners, active_contract


async def family_by_number(conn, member_number: str) -> list[RowMapping]:
    """The member with that number and each dependent, one row per dependent (or one row with
    no dependent), in one statement; empty when the number is unknown."""
    d = dependents.alias("d")
    result = await conn.execute(
        select(
            members.c.id,
            members.c.first_name,
            members.c.date_of_birth,
            members.c.status,
            members.c.enrollment_date,
            members.c.termination_date,
            d.c.id.label("dependent_id"),
            d.c.first_name.label("dependent_first_name"),
            d.c.date_of_birth.label("dependent_born"),
            d.c.relationship.label("dependent_relationship"),
            d.c.status.label("dependent_status"),
            d.c.enrollment_date.label("dependent_enrolled"),
            d.c.termination_date.label("dependent_terminated"),
        )
        .select_from(members.outerjoin(d, d.c.member_id == members.c.id))
        .where(members.c.member_number == member_number.strip().upper())
        .where(members.c.deleted_at.is_(None))
    )
    return list(result.mappings())


async def provider_row(conn, provider_id: UUID) -> RowMapping | None:
    result = await conn.execute(
        select(
            providers.c.id,
            providers.c.parent_id,
            providers.c.npi,
            providers.c.status,
            providers.c.network_status,
        ).where(providers.c.id == provider_id)
    )
    return result.mappings().first()


async def network_facts(conn, provider: RowMapping, service_date: date) -> dict[str, Any]:
    """The credentials of the provider and its group, and whether a contract is in force."""
    owners = _owners(provider)
    result = await conn.execute(
        select(
            provider_credentials.c.status,
            provider_credentials.c.issue_date,
            provider_credentials.c.expiration_date,
            exists(select(contracts.c.id).where(active_contract(owners, service_date))).label(
                "has_contract"
            ),
        ).where(provider_credentials.c.provider_id.in_(owners))
    )
    rows = list(result.mappings())
    if not rows:  # no credential at all: ask the contract question alone
        has = await conn.execute(
            select(exists(select(contracts.c.id).where(active_contract(owners, service_date))))
        )
        return {"credentials": [], "has_contract": bool(has.scalar_one())}
    return {"credentials": rows, "has_contract": bool(rows[0]["has_contract"])}


async def covering_policy(conn, member_id: UUID, service_date: date) -> RowMapping | None:
    """The member's policy in force on the service date (a pending one is not yet in force)."""
    result = await conn.execute(
        select(policies)
        .where(
            policies.c.member_id == member_id,
            policies.c.status != "pending",
            policies.c.effective_date <= service_date,
            or_(
                policies.c.termination_date.is_(None),
                policies.c.termination_date > service_date,
            ),
        )
        .order_by(policies.c.effective_date.desc())
        .limit(1)
    )
    return result.mappings().first()


def _same_claim(*, member_id, dependent_id, provider_id, service_date, procedure_codes):
    codes = sorted(set(procedure_codes))
    return and_(
        claims.c.member_id == member_id,
        claims.c.dependent_id.is_not_distinct_from(dependent_id),
        claims.c.provider_id == provider_id,
        claims.c.service_date == service_date,
        claims.c.procedure_codes.contains(codes),
        claims.c.procedure_codes.contained_by(codes),
        claims.c.deleted_at.is_(None),
    )


async def duplicates(conn, **same) -> int:
    """Claims already on file for the same patient, provider, date and procedures."""
    result = await conn.execute(select(func.count()).where(_same_claim(**same)))
    return int(result.scalar_one())


async def lock_duplicates(conn, *, member_id, dependent_id, provider_id, service_date) -> None:
    """Serialise submissions that could duplicate each other, until the transaction ends."""
    key = f"claim:{member_id}:{dependent_id}:{provider_id}:{service_date.isoformat()}"
    await conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": key})


async def insert_claim(
    conn, *, values: dict[str, Any], lines: list[dict[str, Any]], documents: list[dict[str, Any]]
) -> RowMapping:
    """The claim numbered CLM-<date>-<sequence>, its lines and documents."""
    from domain.identifiers import claim_number

    seq = (await conn.execute(text("SELECT nextval('claim_number_seq')"))).scalar_one()
    number = claim_number(date.today(), seq % 1_000_000)
    claim = (
        (await conn.execute(insert(claims).values(claim_number=number, **values).returning(claims)))
        .mappings()
        .one()
    )
    await conn.execute(insert(claim_lines), [{"claim_id": claim["id"], **line} for line in lines])
    if documents:
        await conn.execute(
            insert(claim_documents), [{"claim_id": claim["id"], **doc} for doc in documents]
        )
    return claim
