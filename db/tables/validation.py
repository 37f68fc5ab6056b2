"""Claim validation: the rules and their versions, validation runs, uploads and results."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from db.tables.base import TS, _enum, _fk, _pk, _timestamps, metadata
from domain import enums as e

validation_rules = Table(
    "validation_rules",
    metadata,
    _pk(),
    Column("name", String(64), nullable=False, unique=True),
    Column("category", String(32), nullable=False),
    *_enum("severity", e.Severity),
    Column("description", Text),
    Column("condition", JSONB, nullable=False, server_default=text("'{}'")),
    Column("enabled", Boolean, nullable=False, server_default=text("true")),
    Column("version", Integer, nullable=False, server_default=text("1")),
    Column("position", SmallInteger, nullable=False, server_default=text("0")),  # run order
    _fk("updated_by", "users"),
    *_timestamps(),
)


# Every version a rule has had, for the record of who changed what and when.
validation_rule_versions = Table(
    "validation_rule_versions",
    metadata,
    Column(
        "rule_id",
        UUID(as_uuid=True),
        ForeignKey("validation_rules.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("version", Integer, nullable=False),
    Column("severity", String(32), nullable=False),
    Column("condition", JSONB, nullable=False),
    Column("enabled", Boolean, nullable=False),
    _fk("changed_by", "users"),
    Column("changed_at", TS, nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("rule_id", "version"),
)


validation_runs = Table(
    "validation_runs",
    metadata,
    _pk(),
    _fk("owner_id", "users", nullable=False),
    *_enum("format", e.ValidationRunFormat),
    Column("file_name", Text),
    Column("file_path", Text),
    *_enum("status", e.ValidationRunStatus, default="pending"),
    Column("progress", SmallInteger, nullable=False, server_default=text("0")),
    Column("total_rows", Integer),
    Column("error_count", Integer, nullable=False, server_default=text("0")),
    Column("warning_count", Integer, nullable=False, server_default=text("0")),
    Column("info_count", Integer, nullable=False, server_default=text("0")),
    Column("failure_reason", Text),
    Column("started_at", TS),
    Column("finished_at", TS),
    Column("file_size", BigInteger),
    Column("sha256", String(64)),
    Column("processed_rows", Integer, nullable=False, server_default=text("0")),
    Column("heartbeat_at", TS),  # a worker holding the run touches it; stale means abandoned
    Column("attempts", SmallInteger, nullable=False, server_default=text("0")),
    *_timestamps(),
    CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),
    Index(None, "status"),
    Index(None, "owner_id", "created_at"),
)


# The uploaded file, sealed with the PHI key ring, until its run ends (then deleted).
validation_uploads = Table(
    "validation_uploads",
    metadata,
    Column(
        "run_id",
        UUID(as_uuid=True),
        ForeignKey("validation_runs.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("content", LargeBinary, nullable=False),
)


validation_results = Table(
    "validation_results",
    metadata,
    _pk(),
    _fk("run_id", "validation_runs", nullable=False, ondelete="CASCADE"),
    Column("rule_name", String(64), nullable=False),
    *_enum("severity", e.Severity),
    Column("message", Text, nullable=False),
    Column("row_number", Integer),
    Column("claim_ref", Text),
    Column("field", Text),
    Column("created_at", TS, nullable=False, server_default=func.now()),
    Column("seq", BigInteger, Identity(), nullable=False),  # file order, for paging
    Index(None, "run_id", "severity"),
    Index(None, "run_id", "seq"),
)
