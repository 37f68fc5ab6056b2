"""Searching the code sets people pick from: a page in code order, a count, the places of
service. A search matches a code by prefix (pattern index) or a description by its words
(the stored tsvector under its GIN index, migration 0014)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, Table, and_, false, func, or_, select, text, true
from sqlalchemy.engine import RowMapping

from db.tables import icd10_codes, place_of_service_codes, procedure_codes
from domain.directory import CodeSearch

# code set -> its table and the columns a node shows
CODE_SETS: dict[str, tuple[Table, tuple[str, ...]]] = {
    "diagnosis": (icd10_codes, ("code", "description", "billable")),
    "procedure": (procedure_codes, ("code", "code_system", "description")),
}

_ENGLISH = text("'english'::regconfig")  # the configuration the stored vectors were made with


def tsquery(words: tuple[str, ...]) -> str:
    """Every word, each as a prefix. Words are letters and digits only (domain/directory.py),
    so none of them is an operator of the query syntax."""
    return " & ".join(f"{w}:*" for w in words)


def condition(
    table: Table, search: CodeSearch | None, billable: bool | None = None
) -> ColumnElement[bool]:
    """The rows a search matches: code prefix or every word of the description."""
    parts: list[ColumnElement[bool]] = []
    if search is not None:
        words = table.c.search_vector.bool_op("@@")(
            func.to_tsquery(_ENGLISH, tsquery(search.words))
        )
        prefix = (
            table.c.code.startswith(search.code_prefix, autoescape=True)
            if search.code_prefix
            else false()
        )
        parts.append(or_(prefix, words))
    if billable is not None and "billable" in table.c:
        parts.append(table.c.billable == billable)
    return and_(true(), *parts)


def page_statement(
    code_set: str,
    *,
    search: CodeSearch | None,
    billable: bool | None,
    first: int,
    after: str | None,
) -> Select:
    """first+1 matching codes after `after`, in code order (a keyset on the primary key)."""
    table, columns = CODE_SETS[code_set]
    stmt = select(*(table.c[c] for c in columns)).where(condition(table, search, billable))
    if after is not None:
        stmt = stmt.where(table.c.code > after)
    return stmt.order_by(table.c.code).limit(first + 1)


def count_statement(code_set: str, *, search: CodeSearch | None, billable: bool | None) -> Select:
    table, _ = CODE_SETS[code_set]
    return select(func.count()).select_from(table).where(condition(table, search, billable))


async def page(
    conn,
    code_set: str,
    *,
    search: CodeSearch | None,
    billable: bool | None,
    first: int,
    after: str | None,
) -> list[RowMapping]:
    stmt = page_statement(code_set, search=search, billable=billable, first=first, after=after)
    return list((await conn.execute(stmt)).mappings())


async def count(conn, code_set: str, *, search: CodeSearch | None, billable: bool | None) -> int:
    result = await conn.execute(count_statement(code_set, search=search, billable=billable))
    return int(result.scalar_one())


async def places_of_service(conn) -> list[RowMapping]:
    """Every CMS place-of-service code with its name, in code order."""
    table = place_of_service_codes
    result = await conn.execute(select(table.c.code, table.c.name).order_by(table.c.code))
    return list(result.mappings())
