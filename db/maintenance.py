"""Housekeeping after bulk loads: fresh planner statistics and visibility maps."""

from __future__ import annotations

from db.engine import make_engine


async def vacuum_analyze(url: str) -> None:
    """VACUUM ANALYZE the database (outside a transaction, as PostgreSQL requires).

    After a COPY of hundreds of thousands of rows the planner's statistics are stale (it
    guesses hundreds of rows where there are tens of thousands) and counts cannot use
    index-only scans until the visibility map is set.
    """
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            from sqlalchemy import text

            await conn.execute(text("VACUUM ANALYZE"))
    finally:
        await engine.dispose()


# --- the daily upkeep of enrolment: what time alone changes (graph/upkeep.py) -------------


def _only(column, member_ids):
    """No condition, or the rows of the given members only (a pass for some households)."""
    from sqlalchemy import true

    return true() if member_ids is None else column.in_(member_ids)


async def expire_policies(conn, *, today, member_ids=None):
    """Active policies whose termination date has come, moved to expired; (id, member id,
    employer id) of each. Another replica doing the same waits on the rows and finds them
    moved, so each policy is expired, and announced, once."""
    from sqlalchemy import update

    from db.tables import members, policies

    result = await conn.execute(
        update(policies)
        .where(
            policies.c.status == "active",
            policies.c.termination_date <= today,
            _only(policies.c.member_id, member_ids),
        )
        .values(status="expired", version=policies.c.version + 1)
        .returning(policies.c.id, policies.c.member_id)
    )
    return await _with_employer(conn, members, list(result.mappings()))


async def active_children(conn, *, member_ids=None) -> list:
    """(id, date of birth) of every child still covered: the age-out date needs the birth
    date, which is encrypted, so it is worked out in Python (domain/enrolment.py)."""
    from sqlalchemy import select

    from db.tables import dependents

    result = await conn.execute(
        select(dependents.c.id, dependents.c.date_of_birth).where(
            dependents.c.status == "active",
            dependents.c.relationship == "child",
            dependents.c.deleted_at.is_(None),
            _only(dependents.c.member_id, member_ids),
        )
    )
    return [(r.id, r.date_of_birth) for r in result]


async def age_out(conn, children: list) -> list:
    """Each (id, first day without coverage) moved to aged out if still active; (id, member id,
    employer id) of those moved."""
    from sqlalchemy import update

    from db.tables import dependents, members

    moved = []
    for dependent_id, ends in children:
        result = await conn.execute(
            update(dependents)
            .where(dependents.c.id == dependent_id, dependents.c.status == "active")
            .values(status="aged_out", termination_date=ends)
            .returning(dependents.c.id, dependents.c.member_id)
        )
        moved += list(result.mappings())
    return await _with_employer(conn, members, moved)


async def lapse_dependents(conn, *, today, member_ids=None) -> list:
    """Active dependents whose termination date has come, moved to inactive."""
    from sqlalchemy import update

    from db.tables import dependents, members

    result = await conn.execute(
        update(dependents)
        .where(
            dependents.c.status == "active",
            dependents.c.termination_date <= today,
            _only(dependents.c.member_id, member_ids),
        )
        .values(status="inactive")
        .returning(dependents.c.id, dependents.c.member_id)
    )
    return await _with_employer(conn, members, list(result.mappings()))


async def _with_employer(conn, members, rows: list) -> list[tuple]:
    from sqlalchemy import select

    ids = {r["member_id"] for r in rows}
    if not ids:
        return []
    result = await conn.execute(
        select(members.c.id, members.c.employer_id).where(members.c.id.in_(ids))
    )
    employer = dict(result.all())
    return [(r["id"], r["member_id"], employer.get(r["member_id"])) for r in rows]
