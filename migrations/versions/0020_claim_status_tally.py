"""The claims of each status, counted as they change: a total that does not grow with them.

The payer queue's `totalCount` (every claim in an open status, for plan staff) was a count
over the queue's rows: 6 ms at 28,000 open claims, ten times that at ten times the claims,
and with it the queue lost a third of its throughput (issue 12). Here the claims of each
status are tallied as they change, by statement triggers that see every inserted, updated
and deleted row (COPY included) through transition tables:

- each statement that changes claims appends one row per status it changed to
  `claim_status_tally_changes` (+n, -n), an append-only table: writers never wait on each
  other for it, and a rolled-back statement takes its rows with it;
- `claim_status_tally_fold()` moves the changes into `claim_status_tally` (one row per
  status) in one transaction; every server replica calls it every few seconds
  (db/tallies.py), and two folds at once cannot move a change twice (the second finds it
  deleted);
- a count is the tally plus the changes not yet folded, read in one statement, so it is
  the same number `count(*)` would give in that statement's snapshot.

TRUNCATE of claims empties both. The tally starts from the claims there are, counted while
the triggers' creation keeps writers out.

Revision ID: 0020_claim_status_tally
Revises: 0019_audit_chain_cost
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_claim_status_tally"
down_revision: str | None = "0019_audit_chain_cost"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHANGED = {
    # event: (the transition tables it has, the signed rows it appends)
    "INSERT": ("REFERENCING NEW TABLE AS tally_new",
               "SELECT status, count(*) FROM tally_new GROUP BY status"),
    "DELETE": ("REFERENCING OLD TABLE AS tally_old",
               "SELECT status, -count(*) FROM tally_old GROUP BY status"),
    "UPDATE": ("REFERENCING OLD TABLE AS tally_old NEW TABLE AS tally_new",
               "SELECT status, sum(n) FROM (SELECT status, 1 AS n FROM tally_new "
               "UNION ALL SELECT status, -1 FROM tally_old) AS moved "
               "GROUP BY status HAVING sum(n) <> 0"),
}  # fmt: skip

FOLD = """
CREATE FUNCTION claim_status_tally_fold() RETURNS bigint LANGUAGE sql AS $$
    WITH moved AS (DELETE FROM claim_status_tally_changes RETURNING status, n),
         summed AS (SELECT status, sum(n) AS n, count(*) AS k FROM moved GROUP BY status),
         kept AS (
             INSERT INTO claim_status_tally AS t (status, n)
             SELECT status, n FROM summed ORDER BY status
             ON CONFLICT (status) DO UPDATE SET n = t.n + EXCLUDED.n
         )
    SELECT coalesce(sum(k), 0)::bigint FROM summed
$$
"""


def upgrade() -> None:
    op.create_table(
        "claim_status_tally",
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("n", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("status", name=op.f("pk_claim_status_tally")),
    )
    op.create_table(
        "claim_status_tally_changes",
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("n", sa.BigInteger, nullable=False),
    )
    # updated in place every few seconds, a handful of rows: keep their versions on the page
    op.execute("ALTER TABLE claim_status_tally SET (fillfactor = 10)")
    for event, (tables, signed) in _CHANGED.items():
        name = event.lower()
        op.execute(
            f"CREATE FUNCTION claim_status_tally_{name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN INSERT INTO claim_status_tally_changes (status, n) {signed}; "
            "RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER claims_status_tally_{name} AFTER {event} ON claims {tables} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION claim_status_tally_{name}()"
        )
    op.execute(
        "CREATE FUNCTION claim_status_tally_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN DELETE FROM claim_status_tally_changes; DELETE FROM claim_status_tally; "
        "RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER claims_status_tally_truncate AFTER TRUNCATE ON claims "
        "FOR EACH STATEMENT EXECUTE FUNCTION claim_status_tally_truncate()"
    )
    op.execute(FOLD)
    # the triggers' creation locked claims against writes until this transaction ends
    op.execute(
        "INSERT INTO claim_status_tally (status, n) SELECT status, count(*) FROM claims "
        "GROUP BY status"
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION claim_status_tally_fold()")
    for event in (*_CHANGED, "TRUNCATE"):
        name = event.lower()
        op.execute(f"DROP TRIGGER claims_status_tally_{name} ON claims")
        op.execute(f"DROP FUNCTION claim_status_tally_{name}()")
    op.drop_table("claim_status_tally_changes")
    op.drop_table("claim_status_tally")
