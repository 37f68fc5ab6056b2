"""A change to any fact a principal is built from announces itself: NOTIFY
claimgraph_principal with a key naming whose facts changed ('user:<id>', 'member:<id>',
'dependent:<id>'; '*' after a TRUNCATE), so each server process drops exactly the cached
principals that rest on it (graph/principal_cache.py).

The facts (db/repos.py, principal_facts): the user's row, its sign-in sessions (logout), the
member's employer, the subscriber's dependents (ages, consent), consents and break-glass
grants. Updates of columns no fact reads (a session's rotation, a grant's review) are quiet.

Revision ID: 0010_principal_notify
Revises: 0009_claims_summary_releases
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_principal_notify"
down_revision: str | None = "0009_claims_summary_releases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "claimgraph_principal"

# table: (the keys a row names, the columns whose update matters; None: any column)
TABLES: dict[str, tuple[list[tuple[str, str]], list[str] | None]] = {
    "users": ([("user", "id")], None),
    "sessions": ([("user", "user_id")], ["user_id", "family_id", "revoked_at"]),
    "break_glass_grants": ([("user", "user_id")], ["user_id", "member_id", "expires_at"]),
    "members": ([("member", "id")], ["id", "employer_id"]),
    "dependents": (
        [("member", "member_id"), ("dependent", "id")],
        ["id", "member_id", "date_of_birth", "deleted_at"],
    ),
    "consents": ([("member", "grantee_member_id")], None),
}


def _notify(row: str, keys: list[tuple[str, str]]) -> str:
    return "\n".join(
        f"IF {row}.{column} IS NOT NULL THEN "
        f"PERFORM pg_notify('{CHANNEL}', '{kind}:' || {row}.{column}::text); END IF;"
        for kind, column in keys
    )


def upgrade() -> None:
    for table, (keys, columns) in TABLES.items():
        op.execute(
            f"""
            CREATE FUNCTION {table}_principal_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'TRUNCATE' THEN
                    PERFORM pg_notify('{CHANNEL}', '*');
                    RETURN NULL;
                END IF;
                IF TG_OP IN ('UPDATE', 'DELETE') THEN
                    {_notify("OLD", keys)}
                END IF;
                IF TG_OP IN ('INSERT', 'UPDATE') THEN
                    {_notify("NEW", keys)}
                END IF;
                RETURN NULL;
            END $$
            """
        )
        update = "UPDATE" if columns is None else f"UPDATE OF {', '.join(columns)}"
        op.execute(
            f"CREATE TRIGGER {table}_principal_notify AFTER INSERT OR {update} OR DELETE "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_principal_notify()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_principal_truncate AFTER TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {table}_principal_notify()"
        )


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP TRIGGER {table}_principal_truncate ON {table}")
        op.execute(f"DROP TRIGGER {table}_principal_notify ON {table}")
        op.execute(f"DROP FUNCTION {table}_principal_notify()")
