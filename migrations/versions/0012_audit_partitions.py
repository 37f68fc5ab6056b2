"""The audit chain, partitioned: no global queue for audited reads.

Until now one transaction-wide advisory lock chained every audit row, so every audited
request in flight waited for the one before it to commit. Now the log is PARTITIONS chains
(`chain_partition`, `chain_pos` per partition), each with its head in `audit_chain_heads`.
A transaction's first audit row takes a head row with FOR UPDATE SKIP LOCKED (its backend's
own partition first, else any free one), so writers never wait while fewer than PARTITIONS
of them are in flight; every audit row of that transaction goes to the same partition and
the head's row lock is held, as before, only until the writer's transaction ends.

The canonical form of a row (what is hashed) now ends with its partition when that is not
0, so a row moved between partitions no longer matches its hash. Partition 0 continues the
existing chain: rows written before this revision are in it, unchanged, and still verify.

`audit_anchors` is the checkpoint of verifyAuditChain: an append-only, hash-chained list of
verified partition heads (db/audit_chain.py).

Revision ID: 0012_audit_partitions
Revises: 0010_principal_notify
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012_audit_partitions"
down_revision: str | None = "0010_principal_notify"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARTITIONS = 64
ZERO = "0" * 64

CANONICAL = """
CREATE OR REPLACE FUNCTION audit_canonical(r audit_log) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT concat_ws('|',
    r.chain_pos::text, coalesce(r.prev_hash, ''), r.id::text,
    to_char(r.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    coalesce(r.user_id::text, ''), coalesce(r.role, ''), coalesce(r.organisation, ''),
    r.action, r.resource_type, coalesce(r.resource_id::text, ''),
    coalesce(r.subject_member_id::text, ''), coalesce(r.subject_dependent_id::text, ''),
    array_to_string(r.fields, ','),
    coalesce(r.policy_rule, ''), coalesce(r.purpose_of_use, ''), r.break_glass::text,
    coalesce(r.operation_name, ''), coalesce(r.request_id, ''), coalesce(r.client_ip, ''),
    coalesce(r.user_agent, ''), r.success::text, coalesce(r.error, ''),
    coalesce(r.old_values::text, ''), coalesce(r.new_values::text, ''))
  -- partition 0 keeps the canonical form of the rows written before partitions existed
  || CASE WHEN r.chain_partition = 0 THEN '' ELSE '|p' || r.chain_partition::text END
$$;
"""

CHAIN = f"""
CREATE OR REPLACE FUNCTION audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  part smallint := nullif(current_setting('claimgraph.audit_partition', true), '')::smallint;
  head_pos bigint;
  head_hash text;
BEGIN
  IF part IS NULL THEN
    -- this transaction's first audit row: its backend's own partition if free, else any
    -- free one; a partition locked by another writer is skipped, never waited for
    SELECT h.partition INTO part FROM audit_chain_heads h
      ORDER BY h.partition <> pg_backend_pid() % {PARTITIONS}, h.partition
      LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF part IS NULL THEN  -- every partition busy: queue on the backend's own
      part := pg_backend_pid() % {PARTITIONS};
    END IF;
    -- local: forgotten when the transaction (or the savepoint that set it) ends
    PERFORM set_config('claimgraph.audit_partition', part::text, true);
  END IF;
  -- held until the writer's transaction ends: one writer at a time extends this partition
  SELECT h.pos, h.hash INTO head_pos, head_hash
    FROM audit_chain_heads h WHERE h.partition = part FOR UPDATE;
  NEW.chain_partition := part;
  NEW.chain_pos := head_pos + 1;
  NEW.prev_hash := head_hash;
  NEW.row_hash := audit_row_hash(NEW);
  UPDATE audit_chain_heads SET pos = NEW.chain_pos, hash = NEW.row_hash WHERE partition = part;
  RETURN NEW;
END $$;
"""

OLD_CHAIN = """
CREATE OR REPLACE FUNCTION audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last_pos bigint;
  last_hash text;
BEGIN
  PERFORM pg_advisory_xact_lock(7242027);
  SELECT chain_pos, row_hash INTO last_pos, last_hash
    FROM audit_log WHERE chain_pos IS NOT NULL ORDER BY chain_pos DESC LIMIT 1;
  NEW.chain_pos := coalesce(last_pos, 0) + 1;
  NEW.prev_hash := coalesce(last_hash, repeat('0', 64));
  NEW.row_hash := audit_row_hash(NEW);
  RETURN NEW;
END $$;
"""

ANCHOR_HASH = """
CREATE FUNCTION audit_anchor_hash(a audit_anchors) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws('|',
    a.seq::text, a.prev_hash,
    to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    a.heads::text, a.checked_rows::text, a.full_scan::text), 'UTF8')), 'hex')
$$;
"""

ANCHOR_CHAIN = """
CREATE FUNCTION audit_anchor_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last_hash text;
BEGIN
  -- only verifiers write anchors; they queue here, audited requests never do
  PERFORM pg_advisory_xact_lock(7242028);
  SELECT anchor_hash INTO last_hash FROM audit_anchors ORDER BY seq DESC LIMIT 1;
  NEW.prev_hash := coalesce(last_hash, repeat('0', 64));
  NEW.anchor_hash := audit_anchor_hash(NEW);
  RETURN NEW;
END $$;
"""


def upgrade() -> None:
    # a constant default: no table rewrite, and no UPDATE for the append-only trigger
    op.add_column(
        "audit_log",
        sa.Column("chain_partition", sa.SmallInteger(), server_default="0", nullable=False),
    )
    op.drop_constraint(op.f("uq_audit_log_chain_pos"), "audit_log", type_="unique")
    op.create_unique_constraint(
        op.f("uq_audit_log_chain_partition_chain_pos"),
        "audit_log",
        ["chain_partition", "chain_pos"],
    )
    op.create_table(
        "audit_chain_heads",
        sa.Column("partition", sa.SmallInteger(), primary_key=True),
        sa.Column("pos", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("partition", name=op.f("pk_audit_chain_heads")),
    )
    op.execute(CANONICAL)
    # partition 0 starts where the single chain ends; the others start empty
    op.execute(
        f"""
        INSERT INTO audit_chain_heads (partition, pos, hash)
        SELECT p, coalesce(last.chain_pos, 0), coalesce(last.row_hash, '{ZERO}')
        FROM generate_series(0, {PARTITIONS - 1}) AS p
        LEFT JOIN LATERAL (
            SELECT chain_pos, row_hash FROM audit_log
            WHERE p = 0 AND chain_pos IS NOT NULL ORDER BY chain_pos DESC LIMIT 1
        ) last ON true
        """
    )
    op.execute(CHAIN)
    op.create_table(
        "audit_anchors",
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column(
            "created_at",
            postgresql.TIMESTAMP(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("heads", postgresql.JSONB(), nullable=False),
        sa.Column("checked_rows", sa.BigInteger(), nullable=False),
        sa.Column("full_scan", sa.Boolean(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=True),
        sa.Column("anchor_hash", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_anchors")),
    )
    op.execute(ANCHOR_HASH)
    op.execute(ANCHOR_CHAIN)
    op.execute(
        "CREATE TRIGGER audit_anchor_chain BEFORE INSERT ON audit_anchors "
        "FOR EACH ROW EXECUTE FUNCTION audit_anchor_chain()"
    )
    op.execute(
        "CREATE TRIGGER audit_anchors_append_only BEFORE UPDATE OR DELETE ON audit_anchors "
        "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_anchors_no_truncate BEFORE TRUNCATE ON audit_anchors "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT 1 FROM audit_log WHERE chain_partition <> 0 LIMIT 1")).first():
        raise RuntimeError("audit rows in partitions other than 0: one chain cannot hold them")
    op.execute("DROP TRIGGER audit_anchor_chain ON audit_anchors")
    op.execute("DROP FUNCTION audit_anchor_chain()")
    op.execute("DROP FUNCTION audit_anchor_hash(audit_anchors)")
    op.drop_table("audit_anchors")
    op.execute(OLD_CHAIN)
    op.drop_table("audit_chain_heads")
    op.drop_constraint(op.f("uq_audit_log_chain_partition_chain_pos"), "audit_log", type_="unique")
    op.create_unique_constraint(op.f("uq_audit_log_chain_pos"), "audit_log", ["chain_pos"])
    # audit_canonical reads the column: restore the old body before dropping it
    op.execute(CANONICAL.split("  -- partition 0")[0].rstrip() + "\n$$;")
    op.drop_column("audit_log", "chain_partition")
