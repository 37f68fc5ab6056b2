"""The reads and writes of claim submission: who the patient is, what the plan knows about
the parties on the service date, and the claim with its lines and documents."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, func, insert, select, text
from sqlalchemy.engine import RowMapping

from db.tables import (
    claim_documents,
    claim_lines,
    claims,
)
from domain.enums import SUPERSEDED_CLAIM_STATUSES


def _same_claim(
    *, member_id, dependent_id, provider_id, service_date, procedure_codes, replacing=None
):
    """Claims that stand (not replaced or voided) for the same care; a corrected claim is no
    duplicate of the claim it replaces (`replacing`)."""
    codes = sorted(set(procedure_codes))
    standing = [claims.c.status.not_in([s.value for s in SUPERSEDED_CLAIM_STATUSES])]
    if replacing is not None:
        standing.append(claims.c.id != replacing)
    return and_(
        *standing,
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
