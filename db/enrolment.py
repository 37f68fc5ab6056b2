"""Writes of enrolment: members, dependents, policies and contact details.

Names, birth dates, SSNs and contact details are encrypted by their column types; the blind
indexes that let them be searched are computed here from the plaintext (db/reencrypt.py)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import RowMapping

from db.crypto import ssn_index
from db.reencrypt import blind_indexes
from db.tables import dependents, members, policies
from db.workflows import _next_number


async def lock_ssn(conn, ssn: str) -> None:
    """Serialise enrolments of one SSN until the transaction ends (a duplicate check holds)."""
    await conn.execute(
        text("SELECT pg_advisory_xact_lock(hashtext('enrol:' || :key))"), {"key": ssn_index(ssn)}
    )


async def member_with_ssn(conn, ssn: str) -> UUID | None:
    """An enrolled (not terminated) member with this SSN, found by its blind index."""
    result = await conn.execute(
        select(members.c.id).where(
            members.c.ssn_index == ssn_index(ssn),
            members.c.status != "terminated",
            members.c.deleted_at.is_(None),
        )
    )
    return result.scalars().first()


async def add_member(conn, *, values: dict[str, Any]) -> RowMapping:
    """A new member, numbered MBR-########."""
    number = await _next_number(conn, "member_number_seq", "MBR")
    row = {**values, **blind_indexes("members", values), "member_number": number}
    result = await conn.execute(insert(members).values(**row).returning(members))
    return result.mappings().one()


async def member_for_update(conn, member_id: UUID) -> RowMapping:
    """The member, locked: changes to one household's dependents and policies go in turn."""
    result = await conn.execute(select(members).where(members.c.id == member_id).with_for_update())
    return result.mappings().one()


async def household(conn, member_id: UUID) -> list[RowMapping]:
    """The member's dependents still covered (relationship, first name, blind indexes)."""
    result = await conn.execute(
        select(
            dependents.c.id,
            dependents.c.relationship,
            dependents.c.first_name,
            dependents.c.name_dob_index,
            dependents.c.ssn_index,
        ).where(
            dependents.c.member_id == member_id,
            dependents.c.status == "active",
            dependents.c.deleted_at.is_(None),
        )
    )
    return list(result.mappings())


def same_person(existing: list[RowMapping], values: dict[str, Any]) -> str | None:
    """Whether `values` names someone in `existing`: "ssn" for the same SSN, "name_dob" for
    the same first name, last name and birth date (the blind index holds the last name and
    birth date; twins share those, so the first names are compared too), else None."""
    keys = blind_indexes("dependents", values)
    if keys["ssn_index"] and any(row["ssn_index"] == keys["ssn_index"] for row in existing):
        return "ssn"
    first = _folded(values.get("first_name"))
    if keys["name_dob_index"] and any(
        row["name_dob_index"] == keys["name_dob_index"] and _folded(row["first_name"]) == first
        for row in existing
    ):
        return "name_dob"
    return None


def _folded(name: str | None) -> str:
    return (name or "").strip().casefold()


async def add_dependent(conn, *, values: dict[str, Any]) -> RowMapping:
    row = {**values, **blind_indexes("dependents", values)}
    result = await conn.execute(insert(dependents).values(**row).returning(dependents))
    return result.mappings().one()


async def end_dependent(
    conn, *, dependent: RowMapping, status: str, termination: date
) -> RowMapping | None:
    """Set the dependent's status and termination date if neither changed since it was read;
    None when someone got there first."""
    result = await conn.execute(
        update(dependents)
        .where(
            dependents.c.id == dependent["id"],
            dependents.c.status == dependent["status"],
            dependents.c.termination_date.is_not_distinct_from(dependent["termination_date"]),
        )
        .values(status=status, termination_date=termination, updated_at=func.now())
        .returning(dependents)
    )
    return result.mappings().first()


async def policy_periods(conn, member_id: UUID) -> list[tuple[date, date | None]]:
    """(effective, termination) of each of the member's policies on record."""
    result = await conn.execute(
        select(policies.c.effective_date, policies.c.termination_date).where(
            policies.c.member_id == member_id, policies.c.deleted_at.is_(None)
        )
    )
    return [(effective, termination) for effective, termination in result]


async def add_policy(conn, *, values: dict[str, Any]) -> RowMapping:
    """A new policy, numbered POL-########."""
    number = await _next_number(conn, "policy_number_seq", "POL")
    result = await conn.execute(
        insert(policies).values(**values, policy_number=number).returning(policies)
    )
    return result.mappings().one()


async def end_policy(
    conn, *, policy: RowMapping, status: str, termination: date
) -> RowMapping | None:
    """Terminate the policy if its status and dates are as read; None when they changed."""
    result = await conn.execute(
        update(policies)
        .where(
            policies.c.id == policy["id"],
            policies.c.status == policy["status"],
            policies.c.termination_date.is_not_distinct_from(policy["termination_date"]),
        )
        .values(
            status=status,
            termination_date=termination,
            updated_at=func.now(),
            version=policies.c.version + 1,
        )
        .returning(policies)
    )
    return result.mappings().first()


async def update_contact(
    conn, *, table_name: str, record_id: UUID, values: dict[str, Any]
) -> RowMapping:
    """Change a member's or a dependent's contact details (none of them is indexed)."""
    table = members if table_name == "members" else dependents
    result = await conn.execute(
        update(table)
        .where(table.c.id == record_id)
        .values(**values, updated_at=func.now())
        .returning(table)
    )
    return result.mappings().one()


async def employer_of(conn, member_id: UUID) -> UUID | None:
    """The employer a member enrolled through (the outbox event is addressed to it)."""
    result = await conn.execute(select(members.c.employer_id).where(members.c.id == member_id))
    return result.scalar_one_or_none()
