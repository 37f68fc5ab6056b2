"""Writes of member maintenance: a subscriber's status moves with what they do to the
household, corrections of names and birth dates, and the details people keep themselves
(medical fields, language, communication preferences)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.engine import RowMapping

from db.crypto import ssn_index
from db.reencrypt import blind_indexes
from db.tables import claims, dependents, members

OPEN_CLAIMS = ("submitted", "under_review")


async def move_member(
    conn, *, member: RowMapping, status: str, values: dict[str, Any]
) -> RowMapping | None:
    """Set the member's status (and dates) if it is still as read; None when it changed."""
    result = await conn.execute(
        update(members)
        .where(members.c.id == member["id"], members.c.status == member["status"])
        .values(status=status, **values, updated_at=func.now())
        .returning(members)
    )
    return result.mappings().first()


async def kin(conn, member_id: UUID) -> list[RowMapping]:
    """The member's dependents, locked, as status moves see them."""
    result = await conn.execute(
        select(
            dependents.c.id,
            dependents.c.relationship,
            dependents.c.date_of_birth,
            dependents.c.status,
            dependents.c.termination_date,
            dependents.c.ended_with_member,
            dependents.c.own_termination_date,
        )
        .where(dependents.c.member_id == member_id, dependents.c.deleted_at.is_(None))
        .order_by(dependents.c.created_at, dependents.c.id)
        .with_for_update()
    )
    return list(result.mappings())


async def set_kin(conn, changes: list) -> list[RowMapping]:
    """Apply each dependent's change (domain/membership.py KinChange); the rows as saved."""
    saved = []
    for c in changes:
        result = await conn.execute(
            update(dependents)
            .where(dependents.c.id == c.id)
            .values(
                status=c.status.value,
                termination_date=c.termination,
                ended_with_member=c.ended_with_member,
                own_termination_date=c.own_termination,
                updated_at=func.now(),
            )
            .returning(dependents)
        )
        saved.append(result.mappings().one())
    return saved


async def open_claims_from(conn, member_id: UUID, day: date) -> int:
    """How many open claims of the household are for care on or after `day`."""
    result = await conn.execute(
        select(func.count())
        .select_from(claims)
        .where(
            claims.c.member_id == member_id,
            claims.c.status.in_(OPEN_CLAIMS),
            claims.c.service_date >= day,
        )
    )
    return int(result.scalar_one())


async def other_member_with_ssn(conn, ssn: str, member_id: UUID) -> bool:
    """Whether another enrolled (not terminated) member has this SSN."""
    result = await conn.execute(
        select(members.c.id).where(
            members.c.ssn_index == ssn_index(ssn),
            members.c.id != member_id,
            members.c.status != "terminated",
            members.c.deleted_at.is_(None),
        )
    )
    return result.first() is not None


def _table(table_name: str):
    return members if table_name == "members" else dependents


async def person_for_update(conn, table_name: str, record_id: UUID) -> RowMapping:
    table = _table(table_name)
    result = await conn.execute(select(table).where(table.c.id == record_id).with_for_update())
    return result.mappings().one()


async def correct(
    conn, *, table_name: str, person: RowMapping, values: dict[str, Any]
) -> RowMapping:
    """Correct names or the birth date; the name and birth date blind index follows."""
    table = _table(table_name)
    merged = {c: values.get(c, person[c]) for c in ("last_name", "date_of_birth")}
    index = blind_indexes(table_name, merged)["name_dob_index"]
    result = await conn.execute(
        update(table)
        .where(table.c.id == person["id"])
        .values(**values, name_dob_index=index, updated_at=func.now())
        .returning(table)
    )
    return result.mappings().one()


async def update_profile(
    conn, *, table_name: str, record_id: UUID, values: dict[str, Any]
) -> RowMapping:
    """Write medical fields, the language and communication preferences (none indexed)."""
    table = _table(table_name)
    result = await conn.execute(
        update(table)
        .where(table.c.id == record_id)
        .values(**values, updated_at=func.now())
        .returning(table)
    )
    return result.mappings().one()
