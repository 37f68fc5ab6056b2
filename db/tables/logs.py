"""The append-only logs: the hash-chained audit log and the transactional outbox."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Identity,
    Index,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from db.tables.base import TS, metadata

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger, Identity(always=True), primary_key=True),
    Column(
        "id",
        UUID(as_uuid=True),
        nullable=False,
        unique=True,
        server_default=text("gen_random_uuid()"),
    ),
    Column("occurred_at", TS, nullable=False, server_default=func.now()),
    # who read or changed: a user's id, kept without a foreign key. Users are never
    # deleted (deactivated instead), and a foreign key's check takes a KEY SHARE lock on
    # the user's row for every audit row, which concurrent requests of one user turn into
    # a MultiXact on that row: a shared hot spot in every audited request (migration 0019)
    Column("user_id", UUID(as_uuid=True), index=True),
    Column("role", String(32)),
    Column("organisation", Text),
    Column("action", String(64), nullable=False),
    Column("resource_type", String(64), nullable=False),
    Column("resource_id", UUID(as_uuid=True)),
    Column("subject_member_id", UUID(as_uuid=True)),
    # set when the data is a dependent's own (their record, their claims)
    Column("subject_dependent_id", UUID(as_uuid=True)),
    Column("fields", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("policy_rule", Text),
    Column("purpose_of_use", String(32)),
    Column("break_glass", Boolean, nullable=False, server_default=text("false")),
    Column("operation_name", Text),
    Column("request_id", Text),
    Column("client_ip", Text),
    Column("user_agent", Text),
    Column("success", Boolean, nullable=False, server_default=text("true")),
    Column("error", Text),
    Column("old_values", JSONB),
    Column("new_values", JSONB),
    # The hash chains, kept by a trigger (migrations 0003, 0012): PARTITIONS chains, each
    # ordered by chain_pos and extended by one writer at a time; seq orders the whole log.
    Column("chain_pos", BigInteger),
    Column("prev_hash", String(64)),
    Column("row_hash", String(64)),
    Column("chain_partition", SmallInteger, nullable=False, server_default=text("0")),
    UniqueConstraint("chain_partition", "chain_pos"),
    Index(None, "occurred_at"),
    Index(None, "resource_type", "resource_id"),
    Index(None, "subject_member_id", "occurred_at"),
    Index(None, "subject_dependent_id", "occurred_at"),
    Index(None, "action"),
)

# The head (last position and hash) of each partition's chain; its row is locked by the
# partition's writer until that transaction ends (migration 0012).
audit_chain_heads = Table(
    "audit_chain_heads",
    metadata,
    Column("partition", SmallInteger, primary_key=True),
    Column("pos", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)

# verifyAuditChain's checkpoints: the partition heads it found intact, append-only and
# hash-chained (db/audit_chain.py).
audit_anchors = Table(
    "audit_anchors",
    metadata,
    Column("seq", BigInteger, Identity(always=True), primary_key=True),
    Column("created_at", TS, nullable=False, server_default=func.now()),
    Column("heads", JSONB, nullable=False),
    Column("checked_rows", BigInteger, nullable=False),
    Column("full_scan", Boolean, nullable=False),
    Column("prev_hash", String(64)),
    Column("anchor_hash", String(64)),
)


outbox_events = Table(
    "outbox_events",
    metadata,
    Column("seq", BigInteger, Identity(always=True), primary_key=True),
    Column("topic", String(64), nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("created_at", TS, nullable=False, server_default=func.now()),
    Index(None, "topic", "seq"),
)
