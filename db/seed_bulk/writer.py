"""The COPY machinery: queued rows go in parents first, numbered from the migration's sequences."""

from __future__ import annotations

from operator import itemgetter

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from db.reencrypt import seal
from db.seed_bulk.reference import _COPY_ORDER, _NUMBERS
from domain.identifiers import claim_number, group_number, record_number


class CopyWriter:
    """COPY of the queued rows; mixed into `SeedBuilder` over `RowSource`."""

    async def flush(self, conn: AsyncConnection) -> None:
        """COPY every queued row."""
        await self.write(conn, self.take())

    async def write(self, conn: AsyncConnection, batch: dict[str, list[dict]]) -> None:
        """COPY a batch, parents first, numbering rows from the migration's sequences."""
        if not conn.in_transaction():
            await conn.begin()
        driver = (await conn.get_raw_connection()).driver_connection
        for table in _COPY_ORDER:
            rows = batch.get(table)
            if not rows:
                continue
            if table in _NUMBERS:
                await self._number(conn, table, rows)
            if table == "providers":
                await self._unique_npis(conn, rows)
            seal(table, rows)  # COPY bypasses the column types: encrypt and index here
            columns = tuple(set().union(*rows))
            records = _records(rows, columns)
            await driver.copy_records_to_table(table, records=records, columns=columns)
            self.counts[table] += len(rows)

    async def _number(self, conn: AsyncConnection, table: str, rows: list[dict]) -> None:
        column, sequence, prefix = _NUMBERS[table]
        if table != "claims":
            values = await _next_values(conn, sequence, len(rows))
            for row, value in zip(rows, values, strict=True):
                row[column] = (
                    group_number(value) if prefix == "GRP" else record_number(prefix, value)
                )
            return
        # CLM-YYYYMMDD-NNNNNN: the six digits wrap every million claims, so redraw any clash.
        seen: set[str] = set()
        todo = rows
        while todo:
            values = await _next_values(conn, sequence, len(todo))
            for row, value in zip(todo, values, strict=True):
                row[column] = claim_number(row["submission_date"].date(), value % 1_000_000)
            taken = await _existing(conn, table, column, [row[column] for row in todo])
            clashes = []
            for row in todo:
                if row[column] in taken or row[column] in seen:
                    clashes.append(row)
                else:
                    seen.add(row[column])
            todo = clashes

    async def _unique_npis(self, conn: AsyncConnection, rows: list[dict]) -> None:
        todo = rows
        while todo:  # an NPI an earlier load drew: draw again
            taken = await _existing(conn, "providers", "npi", [row["npi"] for row in todo])
            todo = [row for row in todo if row["npi"] in taken]
            for row in todo:
                row["npi"] = self._npi()


def _records(rows: list[dict], columns: tuple[str, ...]) -> list[tuple]:
    """Rows as tuples in column order; a row without some column gives NULL there."""
    getter = itemgetter(*columns)
    try:
        return [getter(row) for row in rows]  # fast path: every row has every column
    except KeyError:
        return [tuple(map(row.get, columns)) for row in rows]


async def _next_values(conn: AsyncConnection, sequence: str, n: int) -> list[int]:
    # One nextval per row rather than a setval block: safe while the app numbers rows too.
    sql = text("SELECT nextval(CAST(:s AS regclass)) FROM generate_series(1, :n)")
    return list((await conn.execute(sql, {"s": sequence, "n": n})).scalars())


async def _existing(conn: AsyncConnection, table: str, column: str, values: list[str]) -> set[str]:
    sql = text(f"SELECT {column} FROM {table} WHERE {column} = ANY(CAST(:v AS text[]))")
    return set((await conn.execute(sql, {"v": values})).scalars())
