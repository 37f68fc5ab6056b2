"""Reused reads sent straight to asyncpg (db/direct.py) return what SQLAlchemy returns.

Every table the loaders read is fetched both ways, by id, by a foreign key, as pages per
parent, as a first page and as a count, under a row condition that binds values of its own;
the rows must be equal column by column (encrypted columns decrypted). A statement whose
values SQLAlchemy would convert stays with SQLAlchemy, and a direct read runs inside the
request's open transaction.
"""

from __future__ import annotations

from uuid import uuid4

import pytest
from sqlalchemy import JSON, bindparam, func, select, text, true

from db import direct, lazy, repos
from db.filters import TABLES
from db.repos import Order
from db.session import RequestConnection


def _plain(rows) -> list[dict]:
    return [{k: r[k] for k in r.keys()} for r in rows]


async def _both(engine, statement, parameters=None) -> tuple[list[dict], list[dict]]:
    db = RequestConnection(engine)
    try:
        assert direct.direct_form(statement, engine.dialect) is not None
        fetched = _plain(await db.fetch(statement, parameters))
        through_sqlalchemy = _plain((await db.execute(statement, parameters)).mappings())
    finally:
        await db.close()
    return fetched, through_sqlalchemy


async def _sample(engine, table, column: str, n: int = 25) -> list:
    async with engine.connect() as conn:
        stmt = select(table.c[column]).where(table.c[column].is_not(None)).limit(n)
        return [r[0] for r in await conn.execute(stmt)]


@pytest.mark.parametrize("resource", sorted(TABLES))
async def test_a_reused_read_returns_the_same_rows_straight_from_the_driver(engine, resource):
    table = TABLES[resource]
    ids = await _sample(engine, table, "id") or [uuid4()]  # some tables start empty
    condition = table.c.id != ids[-1]  # a value the statement binds itself
    for statement, parameters in (
        (lazy.base(table).where(repos._one_of(table.c.id), condition), {"keys": ids}),
        (repos._first_page(table, condition, (Order("id", True),)), {"limit": 10}),
        (select(func.count().label("n")).select_from(table).where(condition), None),
    ):
        fetched, expected = await _both(engine, statement, parameters)
        assert fetched == expected and len(fetched) == len(expected)
    decoded = [lazy.LazyRow(r, lazy.decoders(table)) for r in fetched]
    assert [dict(r) for r in decoded] == [dict(lazy.LazyRow(r, lazy.decoders(table)))
                                          for r in expected]  # fmt: skip


async def test_pages_per_parent_return_the_same_rows_and_ranks(engine):
    claims = TABLES["claim"]
    members = await _sample(engine, claims, "member_id", 10)
    order = (Order("service_date", True),)
    statement = repos._pages(claims, "member_id", claims.c.status != "voided", order, None)
    fetched, expected = await _both(engine, statement, {"keys": members, "limit": 3})
    assert fetched == expected
    assert {r["_rank"] for r in fetched} <= {1, 2, 3} and fetched


async def test_a_statement_sqlalchemy_would_convert_stays_with_sqlalchemy(engine):
    members = TABLES["member"]
    converted = select(members.c.id).where(
        members.c.communication_preferences == bindparam("prefs", type_=JSON)
    )
    expanding = select(members.c.id).where(members.c.id.in_(bindparam("ids", expanding=True)))
    assert direct.direct_form(converted, engine.dialect) is None
    assert direct.direct_form(expanding, engine.dialect) is None
    assert direct.direct_form(select(members.c.id).where(true()), engine.dialect) is not None


async def test_a_direct_read_sees_the_request_s_own_uncommitted_change(engine):
    members = TABLES["member"]
    (member_id,) = await _sample(engine, members, "id", 1)
    statement = lazy.base(members).where(repos._one_of(members.c.id))
    db = RequestConnection(engine)
    try:
        await db.execute(
            text("UPDATE members SET status = 'suspended', updated_at = now() WHERE id = :i"),
            {"i": member_id},
        )
        (row,) = await db.fetch(statement, {"keys": [member_id]})
        assert row["status"] == "suspended"
        await db.rollback()
        (row,) = await db.fetch(statement, {"keys": [member_id]})
        assert row["status"] != "suspended"
    finally:
        await db.close()
