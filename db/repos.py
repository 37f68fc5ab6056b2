"""Read queries: keyset pages, counts and batched lookups, always under a row filter."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Select,
    Table,
    and_,
    any_,
    bindparam,
    func,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.engine import RowMapping

from db import lazy, tallies


@dataclass(frozen=True, slots=True)
class Order:
    """Sort by one column (ties broken by id, in the same direction)."""

    column: str
    descending: bool = False


def _keys(table: Table, order: Sequence[Order]):
    cols = [table.c[o.column] for o in order]
    return cols + [table.c.id]


def _after(table: Table, order: Sequence[Order], after: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after the cursor position, for an ordering of mixed directions."""
    cols = _keys(table, order)
    directions = [o.descending for o in order] + [order[-1].descending if order else False]
    if len(set(directions)) == 1:
        left, right = tuple_(*cols), tuple_(*after)
        return left < right if directions[0] else left > right
    clauses = []
    for i, col in enumerate(cols):
        prefix = [cols[j] == after[j] for j in range(i)]
        step = col < after[i] if directions[i] else col > after[i]
        clauses.append(and_(*prefix, step))
    return or_(*clauses)


def _order_by(table: Table, order: Sequence[Order]):
    cols = _keys(table, order)
    directions = [o.descending for o in order] + [order[-1].descending if order else False]
    return [c.desc() if d else c.asc() for c, d in zip(cols, directions, strict=True)]


def page_statement(
    table: Table,
    *,
    condition: ColumnElement[bool],
    order: Sequence[Order],
    first: int,
    after: Sequence[Any] | None,
) -> Select:
    stmt = lazy.base(table).where(condition)
    if after is not None:
        stmt = stmt.where(_after(table, order, after))
    return stmt.order_by(*_order_by(table, order)).limit(first + 1)


def _first_page(table: Table, condition: ColumnElement[bool], order: Sequence[Order]) -> Select:
    return (
        lazy.base(table)
        .where(condition)
        .order_by(*_order_by(table, order))
        .limit(bindparam("limit", type_=Integer))
    )


async def fetch_page(
    conn,
    table: Table,
    *,
    condition: ColumnElement[bool],
    order: Sequence[Order],
    first: int,
    after: Sequence[Any] | None,
) -> list[RowMapping]:
    """first+1 rows after the cursor, so the caller knows whether there is a next page."""
    if after is None:  # the first page: one statement per list and principal, reused
        key = ("page", table.name, id(condition), tuple(order))
        stmt = lazy.reused(key, condition, lambda: _first_page(table, condition, order))
        fetched = await conn.fetch(stmt, {"limit": first + 1})
    else:
        statement = page_statement(
            table, condition=condition, order=order, first=first, after=after
        )
        fetched = list((await conn.execute(statement)).mappings())
    return lazy.rows(fetched, lazy.decoders(table))


async def count(conn, table: Table, *, condition: ColumnElement[bool]) -> int:
    values = tallies.tallied_values(table, condition)
    if values is not None:  # kept as the rows change: a few rows read, however many it counts
        return await tallies.count(conn, values)
    stmt = lazy.reused(
        ("count", table.name, id(condition)),
        condition,
        lambda: select(func.count().label("n")).select_from(table).where(condition),
    )
    (row,) = await conn.fetch(stmt)
    return int(row["n"])


async def fetch_by_column(
    conn,
    table: Table,
    column: str,
    keys: Iterable[Any],
    *,
    condition: ColumnElement[bool],
    order: Sequence[Order] = (),
) -> list[RowMapping]:
    """All rows whose `column` is one of `keys` (one statement for a whole batch)."""

    def build() -> Select:
        stmt = lazy.base(table).where(_one_of(table.c[column]), condition)
        return stmt.order_by(*_order_by(table, order)) if order else stmt

    key = ("by", table.name, column, id(condition), tuple(order))
    stmt = lazy.reused(key, condition, build)
    fetched = await conn.fetch(stmt, {"keys": list(keys)})
    return lazy.rows(fetched, lazy.decoders(table))


async def fetch_pages_by_column(
    conn,
    table: Table,
    column: str,
    keys: Iterable[Any],
    *,
    condition: ColumnElement[bool],
    order: Sequence[Order],
    first: int,
    after: Sequence[Any] | None,
) -> list[RowMapping]:
    """A page per key in one statement: each row carries `_rank` and `_total` of its key.

    The ranking runs over ids and sort keys only, then joins back for the rows: a window
    over every column would cost more to build than to run.
    """
    params = {"keys": list(keys), "limit": first + 1}
    if after is None:  # the first pages: one statement per relation and principal, reused
        key = ("pages", table.name, column, id(condition), tuple(order))
        stmt = lazy.reused(key, condition, lambda: _pages(table, column, condition, order, None))
        fetched = await conn.fetch(stmt, params)
    else:  # a later page: its cursor's values are in the statement, which is not kept
        stmt = _pages(table, column, condition, order, after)
        fetched = list((await conn.execute(stmt, params)).mappings())
    return lazy.rows(fetched, lazy.decoders(table))


def _one_of(column) -> ColumnElement[bool]:
    """`column = ANY(:keys)`: one statement text for a batch of any size (an expanding IN
    renders a text per size, which neither SQLAlchemy nor db/direct.py can keep)."""
    return column == any_(bindparam("keys", type_=ARRAY(column.type)))


def _pages(table, column, condition, order, after) -> Select:
    parent = table.c[column]
    sort_columns = [table.c[o.column] for o in order if o.column != "id"]
    inner = select(
        table.c.id,
        parent,
        *sort_columns,
        func.count().over(partition_by=parent).label("_total"),
        (_after(table, order, after) if after is not None else true()).label("_past_cursor"),
    ).where(_one_of(parent), condition)
    sub = inner.subquery()
    ranked = (
        select(
            sub.c.id,
            sub.c._total,
            func.row_number()
            .over(partition_by=sub.c[column], order_by=_order_by(sub, order))
            .label("_rank"),
        )
        .where(sub.c._past_cursor)
        .subquery()
    )
    return (
        lazy.base(table)
        .add_columns(ranked.c._rank, ranked.c._total)
        .join(ranked, ranked.c.id == table.c.id)
        .where(ranked.c._rank <= bindparam("limit", type_=Integer))
        .order_by(parent, ranked.c._rank)
    )


async def active_user(conn, user_id) -> RowMapping | None:
    """The user behind a token, if it still exists and is active."""
    from db.tables import users

    stmt = select(users).where(
        users.c.id == user_id, users.c.status == "active", users.c.deleted_at.is_(None)
    )
    result = await conn.execute(stmt)
    return result.mappings().first()


def _fact_columns(user_id, member_id, dependent_id, session_id) -> list:
    """The facts a principal's policy reasons about, as labelled scalar subqueries.

    `family`: the subscriber's dependents with birth dates and whether consent is on
    record; `break_glass`: members with an open emergency grant for this user, and
    `break_glass_left`: seconds until the first of those grants ends (on this server's clock);
    `member_employer_id`, `subscriber_id`: the records a member and a dependent hang on;
    `session_ended`: the sign-in the token was issued under has been logged out.
    """
    from sqlalchemy import exists, func, literal_column

    from db.tables import break_glass_grants as bg
    from db.tables import consents, dependents, members, sessions

    consented = exists().where(
        consents.c.dependent_id == dependents.c.id,
        consents.c.grantee_member_id == dependents.c.member_id,
        consents.c.revoked_at.is_(None),
    )
    person = func.json_build_object(
        "id", dependents.c.id, "born", dependents.c.date_of_birth, "consent", consented
    )
    family = select(func.coalesce(func.json_agg(person), literal_column("'[]'::json"))).where(
        dependents.c.member_id == member_id, dependents.c.deleted_at.is_(None)
    )
    grants = select(func.array_agg(bg.c.member_id)).where(
        bg.c.user_id == user_id, bg.c.expires_at > func.now()
    )
    left = select(func.extract("epoch", func.min(bg.c.expires_at) - func.now())).where(
        bg.c.user_id == user_id, bg.c.expires_at > func.now()
    )
    employer = select(members.c.employer_id).where(members.c.id == member_id)
    subscriber = select(dependents.c.member_id).where(dependents.c.id == dependent_id)
    ended = (
        exists().where(sessions.c.family_id == session_id, sessions.c.revoked_at.is_not(None))
        if session_id is not None
        else literal_column("false")
    )
    return [
        ended.label("session_ended"),
        family.scalar_subquery().label("family"),
        grants.scalar_subquery().label("break_glass"),
        left.scalar_subquery().label("break_glass_left"),
        employer.scalar_subquery().label("member_employer_id"),
        subscriber.scalar_subquery().label("subscriber_id"),
    ]


async def principal_facts(conn, user_id, session_id=None) -> RowMapping | None:
    """An active user with, in one statement, the facts its policy reasons about."""
    from db.tables import users

    facts = _fact_columns(users.c.id, users.c.member_id, users.c.dependent_id, session_id)
    stmt = select(users, *facts).where(
        users.c.id == user_id, users.c.status == "active", users.c.deleted_at.is_(None)
    )
    result = await conn.execute(stmt)
    return result.mappings().first()


async def external_facts(conn, *, user_id, member_id, dependent_id) -> RowMapping:
    """The same facts for a user signed in at an external provider, and the status of the
    local shadow account that stands for them (`account`)."""
    from sqlalchemy import literal
    from sqlalchemy.dialects.postgresql import UUID as PgUUID

    def _id(value):
        return literal(value, PgUUID(as_uuid=True))

    from db.tables import users

    facts = _fact_columns(_id(user_id), _id(member_id), _id(dependent_id), None)
    # the local shadow account, if one was made: None (none yet), active, inactive...
    account = select(users.c.status).where(users.c.id == _id(user_id), users.c.deleted_at.is_(None))
    result = await conn.execute(select(*facts, account.scalar_subquery().label("account")))
    return result.mappings().one()


async def schema_revision(conn) -> str | None:
    """The alembic revision the database is at (None before the first migration)."""
    from sqlalchemy import text

    try:
        result = await conn.execute(text("SELECT version_num FROM alembic_version"))
    except Exception:  # noqa: BLE001 - no table yet means not migrated
        return None
    return result.scalar_one_or_none()
