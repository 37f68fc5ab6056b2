"""Totals kept as rows change (migration 0020): the claims of each status.

A list whose visible rows are exactly "the claims in these statuses" (the payer queue for
plan staff, `claims(filter: {status: ...})` for a role that sees every claim) is counted from
the tally, a few rows, instead of by reading every row it counts; its cost does not grow with
the claims. Any other condition (a row rule that narrows, another filter) is counted by
`count(*)` as before. Which conditions qualify is read off the condition itself, so a list
added later is tallied when its condition is one of these, without being named here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ARRAY, BigInteger, String, Table, bindparam, text
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression, BindParameter, ColumnElement

from db.tables import claims

# table → the column tallied
TALLIED: dict[Table, str] = {claims: "status"}

_COUNT = (
    text(
        "SELECT coalesce(sum(n), 0) AS n FROM ("
        "SELECT n FROM claim_status_tally WHERE status = ANY(:values) "
        "UNION ALL SELECT n FROM claim_status_tally_changes WHERE status = ANY(:values)) AS kept"
    )
    .bindparams(bindparam("values", type_=ARRAY(String)))
    .columns(n=BigInteger)
)  # a read

_FOLD = text("SELECT claim_status_tally_fold() AS moved")


def tallied_values(table: Table, condition: ColumnElement[bool]) -> list[Any] | None:
    """The values counted when `condition` is exactly `<tallied column> IN (values)` or
    `= value` with the values bound; None when it is anything else."""
    column = TALLIED.get(table)
    if column is None or not isinstance(condition, BinaryExpression):
        return None
    if condition.left is not table.c[column] or not isinstance(condition.right, BindParameter):
        return None
    value = condition.right.value
    if condition.operator is operators.in_op and isinstance(value, list | tuple):
        return [str(v) for v in value]
    if condition.operator is operators.eq and isinstance(value, str):
        return [value]
    return None


async def count(conn, values: list[Any]) -> int:
    (row,) = await conn.fetch(_COUNT, {"values": values})
    return int(row["n"])


async def fold(engine) -> int:
    """Move the changes appended since the last fold into the tally; how many it moved."""
    async with engine.begin() as conn:
        return int((await conn.execute(_FOLD)).scalar_one())
