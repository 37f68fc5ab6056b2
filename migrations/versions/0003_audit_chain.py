"""Audit log: append-only and hash-chained.

A BEFORE INSERT trigger takes a transaction lock, chains the row to the last one
(chain_pos + 1, prev_hash) and hashes a canonical serialisation with SHA-256, so
concurrent writers cannot fork the chain. UPDATE, DELETE and TRUNCATE are refused for
every role; only an owner who disables the trigger can edit a row, and the chain then
shows where.

Revision ID: 0003_audit_chain
Revises: 0002_signin
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003_audit_chain"
down_revision: str | None = "0002_signin"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CANONICAL = """
CREATE FUNCTION audit_canonical(r audit_log) RETURNS text
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
$$;
"""

HASH = """
CREATE FUNCTION audit_row_hash(r audit_log) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(audit_canonical(r), 'UTF8')), 'hex')
$$;
"""

CHAIN = """
CREATE FUNCTION audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last_pos bigint;
  last_hash text;
BEGIN
  -- one writer at a time extends the chain; held until the writer's transaction ends
  PERFORM pg_advisory_xact_lock(7242027);
  -- the unique index on chain_pos answers this with one backward step, however long the log
  SELECT chain_pos, row_hash INTO last_pos, last_hash
    FROM audit_log WHERE chain_pos IS NOT NULL ORDER BY chain_pos DESC LIMIT 1;
  NEW.chain_pos := coalesce(last_pos, 0) + 1;
  NEW.prev_hash := coalesce(last_hash, repeat('0', 64));
  NEW.row_hash := audit_row_hash(NEW);
  RETURN NEW;
END $$;
"""

REFUSE = """
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
"""


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("chain_pos", sa.BigInteger(), nullable=True))
    op.add_column(
        "audit_log", sa.Column("subject_dependent_id", postgresql.UUID(as_uuid=True), nullable=True)
    )
    op.create_index(
        op.f("ix_audit_log_subject_dependent_id_occurred_at"),
        "audit_log",
        ["subject_dependent_id", "occurred_at"],
    )
    op.create_unique_constraint(op.f("uq_audit_log_chain_pos"), "audit_log", ["chain_pos"])
    for sql in (CANONICAL, HASH, CHAIN, REFUSE):
        op.execute(sql)
    op.execute(
        "CREATE TRIGGER audit_chain BEFORE INSERT ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_chain()"
    )
    op.execute(
        "CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
    )


def downgrade() -> None:
    for trigger in ("audit_no_truncate", "audit_append_only", "audit_chain"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON audit_log")
    for function in (
        "audit_append_only()",
        "audit_chain()",
        "audit_row_hash(audit_log)",
        "audit_canonical(audit_log)",
    ):
        op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.drop_constraint(op.f("uq_audit_log_chain_pos"), "audit_log", type_="unique")
    op.drop_index(op.f("ix_audit_log_subject_dependent_id_occurred_at"), table_name="audit_log")
    op.drop_column("audit_log", "subject_dependent_id")
    op.drop_column("audit_log", "chain_pos")
