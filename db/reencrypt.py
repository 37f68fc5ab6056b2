"""Bring every encrypted column under the active key, in batches, while the server serves.

Used by the migration that introduced encryption (plaintext rows become ciphertext) and by
`claimgraph keys rotate` (ciphertext under an old key is re-encrypted under the new one).
Blind indexes are recomputed from the plaintext on the way.
"""

from __future__ import annotations

from sqlalchemy import Table, select, update

from db.crypto import PREFIX, Encrypted, keyring, name_dob_index, ssn_index, tax_id_index
from db.tables import metadata

BATCH = 500


def encrypted_columns(table: Table) -> list:
    return [c for c in table.columns if isinstance(c.type, Encrypted)]


def blind_indexes(table_name: str, row: dict) -> dict:
    """The blind index values of a row, from its plaintext (members and dependents)."""
    if table_name not in ("members", "dependents"):
        return {}
    born, last = row.get("date_of_birth"), row.get("last_name")
    return {
        "ssn_index": ssn_index(row["ssn"]) if row.get("ssn") else None,
        "name_dob_index": name_dob_index(last, born) if last and born else None,
    }


# Tables with a blind index of their tax id. Its key survives key rotation (crypto.py), so
# only rows written before the index existed need it computed (migration 0006).
TAX_ID_INDEXED = ("providers", "employers")


def seal(table_name: str, rows: list[dict]) -> None:
    """Rows about to be COPYed (which skips column types): add blind indexes, encrypt PHI."""
    table = metadata.tables[table_name]
    columns = [c for c in encrypted_columns(table) if any(c.name in r for r in rows)]
    if not columns:
        return
    indexed = table_name in ("members", "dependents")
    for row in rows:
        if indexed:
            row.update(blind_indexes(table_name, row))
        if table_name in TAX_ID_INDEXED and row.get("tax_id"):
            row["tax_id_index"] = tax_id_index(row["tax_id"])
        for c in columns:
            if c.name in row:
                row[c.name] = c.type.process_bind_param(row[c.name], None)


def _plain(column, raw):
    """A stored value as plaintext, whether it is still plain or ciphertext under any key."""
    if raw is None:
        return None
    if isinstance(raw, str) and raw.startswith(f"{PREFIX}:"):
        return column.type.process_result_value(raw, None)
    return column.type._from_text(str(raw))


def _stored_batches(conn, *, pending, batch: int):
    """For each table with encrypted columns: batches of (id, stored texts...) rows still
    `pending(raw column)`; the caller changes each batch so the next query moves on."""
    from sqlalchemy import or_

    for table in metadata.sorted_tables:
        columns = encrypted_columns(table)
        if not columns:
            continue
        raw_columns = [_raw(table, c) for c in columns]
        where = or_(*(pending(raw) for raw in raw_columns))
        while rows := conn.execute(
            select(table.c.id, *raw_columns).where(where).limit(batch)
        ).all():
            yield table, columns, rows


def _not_under(kid: str):
    """`pending` for rows with a value not sealed under the key `kid`."""
    current = f"{PREFIX}:{kid}:"
    return lambda raw: raw.is_not(None) & ~raw.startswith(current)


def count_stale_sync(conn) -> int:
    """Rows with a value not under the active key: what reencrypt_sync has to do."""
    from sqlalchemy import func, or_

    pending = _not_under(keyring().active)
    total = 0
    for table in metadata.sorted_tables:
        if columns := encrypted_columns(table):
            where = or_(*(pending(_raw(table, c)) for c in columns))
            total += conn.execute(select(func.count()).select_from(table).where(where)).scalar()
    return total


def reencrypt_sync(conn, *, batch: int = BATCH, commit=None, progress=None) -> int:
    """Re-encrypt rows not under the active key (or not encrypted yet); returns rows done.

    `progress(table name, rows)` hears of each batch once it is done (committed, if asked).
    """
    done = 0
    for table, columns, rows in _stored_batches(
        conn, pending=_not_under(keyring().active), batch=batch
    ):
        for row in rows:
            plain = {c.name: _plain(c, row[i + 1]) for i, c in enumerate(columns)}
            # the plaintext: the column types seal it under the active key as it is bound
            values = dict(plain) | blind_indexes(table.name, plain)
            conn.execute(update(table).where(table.c.id == row[0]).values(**values))
        done += len(rows)
        if commit is not None:
            commit()
        if progress is not None:
            progress(table.name, len(rows))
    return done


def index_tax_ids_sync(conn, *, batch: int = BATCH) -> int:
    """Compute the tax id blind index of rows that have a tax id but no index yet."""
    from sqlalchemy import column, table

    done = 0
    for name in TAX_ID_INDEXED:
        # spelled out rather than taken from db/tables: this runs inside migration 0006
        t = table(name, column("id"), column("tax_id"), column("tax_id_index"))
        stored_as = metadata.tables[name].c.tax_id
        while rows := conn.execute(
            select(t.c.id, t.c.tax_id)
            .where(t.c.tax_id.is_not(None), t.c.tax_id_index.is_(None))
            .limit(batch)
        ).all():
            for row_id, stored in rows:
                plain = _plain(stored_as, stored)
                conn.execute(
                    update(t).where(t.c.id == row_id).values(tax_id_index=tax_id_index(plain))
                )
            done += len(rows)
    return done


def _raw(table: Table, column):
    """The column read as stored text (no decryption on the way out)."""
    from sqlalchemy import Text, cast, literal_column

    return cast(literal_column(f'"{table.name}"."{column.name}"'), Text)


def decrypt_all_sync(conn, *, batch: int = BATCH) -> int:
    """Turn ciphertext back into plaintext (only for downgrading below encryption)."""
    from sqlalchemy import text

    done = 0
    for table, columns, rows in _stored_batches(
        conn, pending=lambda raw: raw.startswith(f"{PREFIX}:"), batch=batch
    ):
        assignments = ", ".join(f'"{c.name}" = :{c.name}' for c in columns)
        statement = text(f'UPDATE "{table.name}" SET {assignments} WHERE id = :id')
        for row in rows:
            values = {"id": row[0]}
            for i, c in enumerate(columns):
                plain = _plain(c, row[i + 1])
                values[c.name] = None if plain is None else c.type._to_text(plain)
            conn.execute(statement, values)
        done += len(rows)
    return done
