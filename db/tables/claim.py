"""Claims with their lines, timeline and documents; appeals, payments, and the employer's
monthly claims summaries as released."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Computed,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from db.crypto import Encrypted
from db.tables.base import TS, Money, _enum, _fk, _pk, _timestamps, metadata
from domain import enums as e

claims = Table(
    "claims",
    metadata,
    _pk(),
    Column("claim_number", String(32), nullable=False, unique=True),
    _fk("policy_id", "policies"),
    _fk("member_id", "members", nullable=False),
    _fk("dependent_id", "dependents"),
    _fk("provider_id", "providers", nullable=False),
    *_enum("claim_type", e.ClaimType),
    Column("service_type", Text),
    Column("place_of_service", String(2)),
    Column("diagnosis_codes", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("procedure_codes", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("service_date", Date, nullable=False),
    Column("submission_date", TS, nullable=False, server_default=func.now()),
    Column("received_date", TS),
    Column("processed_date", TS),
    Column("billed_amount", Money, nullable=False),
    Column("allowed_amount", Money),
    Column("deductible_applied", Money, nullable=False, server_default=text("0")),
    Column("coinsurance_amount", Money, nullable=False, server_default=text("0")),
    Column("copay_amount", Money, nullable=False, server_default=text("0")),
    Column("paid_amount", Money),
    Column("member_responsibility", Money),
    *_enum("status", e.ClaimStatus, default="submitted"),
    Column("denial_code", String(8)),
    Column("denial_reason", Text),
    Column("notes", Text),  # the submitter's, as filed
    Column("adjudicator_notes", Text),  # the plan's, on its decision: staff only
    _fk("submitted_by", "users"),
    _fk("processed_by", "users"),
    _fk("assigned_to", "users"),
    *_enum("priority", e.Priority, default="normal"),
    Column(
        "priority_rank",
        SmallInteger,
        Computed(
            "CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END",
            persisted=True,
        ),
    ),
    Column("triage_confidence", Numeric(4, 3)),
    Column("triage_reasons", JSONB),
    Column("is_sensitive", Boolean, nullable=False, server_default=text("false")),
    Column("requires_manual_review", Boolean, nullable=False, server_default=text("false")),
    Column("is_duplicate", Boolean, nullable=False, server_default=text("false")),
    Column("validation_warnings", JSONB),
    Column("version", Integer, nullable=False, server_default=text("1")),
    # a corrected claim (X12 frequency code 7) names the claim it replaces, and the replaced
    # claim names its replacement; each is replaced at most once (the unique constraints)
    *_enum("frequency_code", e.ClaimFrequency, default="original"),
    Column("replaces_claim_id", UUID(as_uuid=True), ForeignKey("claims.id"), unique=True),
    Column("replaced_by_claim_id", UUID(as_uuid=True), ForeignKey("claims.id"), unique=True),
    *_timestamps(soft_delete=True),
    CheckConstraint(
        "(frequency_code = 'replacement') = (replaces_claim_id IS NOT NULL)",
        name="replacement_names_original",
    ),
    CheckConstraint("billed_amount > 0", name="billed_positive"),
    CheckConstraint(
        "allowed_amount IS NULL OR allowed_amount <= billed_amount", name="allowed_le_billed"
    ),
    CheckConstraint(
        "status <> 'denied' OR (denial_code IS NOT NULL AND denial_reason IS NOT NULL)",
        name="denial_explained",
    ),
    Index(None, "status"),
    Index(None, "service_date"),
    Index(None, "submission_date"),
    Index(None, "member_id", "service_date"),
    Index(None, "policy_id", "dependent_id", "service_date"),  # accumulators per person
    Index(None, "provider_id", "service_date"),
    Index(None, "priority", "created_at"),
    Index(
        "ix_claims_queue",
        "priority_rank",
        "created_at",
        "id",
        postgresql_where=text("status IN ('submitted', 'under_review')"),
    ),
)


claim_lines = Table(
    "claim_lines",
    metadata,
    _pk(),
    _fk("claim_id", "claims", nullable=False, ondelete="CASCADE"),
    Column("line_number", SmallInteger, nullable=False),
    Column("procedure_code", String(8), nullable=False),
    Column("modifiers", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("units", Integer, nullable=False, server_default=text("1")),
    Column("charge_amount", Money, nullable=False),
    Column("allowed_amount", Money),
    Column("paid_amount", Money),
    Column("diagnosis_pointers", ARRAY(SmallInteger), nullable=False, server_default=text("'{}'")),
    Column("service_date", Date),
    *_enum("drug_tier", e.DrugTier, nullable=True),  # pharmacy lines: which Rx copay
    UniqueConstraint("claim_id", "line_number"),
    CheckConstraint("units >= 1", name="units"),
    CheckConstraint("charge_amount > 0", name="charge_positive"),
)


claim_events = Table(
    "claim_events",
    metadata,
    _pk(),
    _fk("claim_id", "claims", nullable=False, ondelete="CASCADE"),
    _fk("actor_id", "users"),
    Column("action", String(64), nullable=False),
    Column("old_status", String(32)),
    Column("new_status", String(32)),
    Column("details", JSONB),
    Column("created_at", TS, nullable=False, server_default=func.now()),
    Index(None, "claim_id", "created_at"),
)


claim_documents = Table(
    "claim_documents",
    metadata,
    _pk(),
    _fk("claim_id", "claims", nullable=False, ondelete="CASCADE"),
    *_enum("document_type", e.DocumentType),
    Column("file_name", Text, nullable=False),
    Column("mime_type", Text),
    Column("file_size", Integer),
    Column("content", Encrypted("claim_documents.content")),
    Column("sha256", String(64)),
    _fk("uploaded_by", "users"),
    Column("uploaded_at", TS, nullable=False, server_default=func.now()),
)


appeals = Table(
    "appeals",
    metadata,
    _pk(),
    Column("appeal_number", String(32), nullable=False, unique=True),
    _fk("claim_id", "claims", nullable=False),
    _fk("filed_by", "users"),
    Column("appeal_reason", Text, nullable=False),
    Column("additional_information", Text),
    Column("requested_amount", Money),
    *_enum("status", e.AppealStatus, default="submitted"),
    *_enum("urgency", e.AppealUrgency, default="post_service"),
    Column("submission_date", TS, nullable=False, server_default=func.now()),
    Column("due_at", TS, nullable=False),
    Column("deadline_notified_at", TS),  # when appealDeadlineApproaching went out
    Column("decision_date", TS),
    Column("decision_reason", Text),
    _fk("reviewed_by", "users"),
    Column("version", Integer, nullable=False, server_default=text("1")),
    *_timestamps(),
    Index(None, "status"),
    Index(None, "due_at"),
    # One open appeal per claim (DOMAIN.md, Appeals).
    Index(
        "uq_appeals_one_open",
        "claim_id",
        unique=True,
        postgresql_where=text("status IN ('submitted', 'under_review')"),
    ),
    # The deadline scan's own: open appeals not yet announced, by due date (migration 0021).
    Index(
        "ix_appeals_deadline_unannounced",
        "due_at",
        "id",
        postgresql_where=text(
            "deadline_notified_at IS NULL AND status IN ('submitted', 'under_review')"
        ),
    ),
)


payments = Table(
    "payments",
    metadata,
    _pk(),
    Column("payment_number", String(32), nullable=False, unique=True),
    *_enum("payer_type", e.PayerType),
    Column("payer_id", UUID(as_uuid=True)),
    *_enum("payee_type", e.PayeeType),
    Column("payee_id", UUID(as_uuid=True)),
    _fk("policy_id", "policies"),
    _fk("claim_id", "claims"),
    *_enum("payment_type", e.PaymentType),
    Column("amount", Money, nullable=False),
    *_enum("payment_method", e.PaymentMethod),
    Column("transaction_id", Text),
    Column("confirmation_number", Text),
    *_enum("status", e.PaymentStatus, default="pending"),
    Column("failure_reason", Text),
    Column("payment_date", TS),
    Column("processed_date", TS),
    Column("description", Text),
    Column("invoice_number", Text),
    *_timestamps(),
    CheckConstraint("amount > 0", name="amount_positive"),
    Index(None, "payer_id"),
    Index(None, "payee_id"),
    Index(None, "status"),
    Index(None, "payment_date"),
)


# The employer's claims summary as published: each (employer, month) once, never revised, so
# that no two answers differ by less than a whole month (domain/aggregates.py). The row of
# claim_type 'all' is the month's total. The primary key's index serves the foreign key.
claims_summary_releases = Table(
    "claims_summary_releases",
    metadata,
    Column(
        "employer_id",
        UUID(as_uuid=True),
        ForeignKey("employers.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("month", Date, nullable=False),
    Column("claim_type", String(32), nullable=False),
    Column("claim_count", Integer),
    Column("paid_total", Money),
    Column("suppressed", Boolean, nullable=False),
    Column("released_at", TS, nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("employer_id", "month", "claim_type"),
    CheckConstraint("extract(day FROM month) = 1", name="whole_month"),
    CheckConstraint(
        "claim_type IN ({}, 'all')".format(", ".join(f"'{t.value}'" for t in e.ClaimType)),
        name="claim_type",
    ),
    CheckConstraint(
        "suppressed = (claim_count IS NULL) AND suppressed = (paid_total IS NULL)",
        name="withheld_together",
    ),
)


# The claims of each status, kept as they change (migration 0020, db/tallies.py): the folded
# tally, and the changes appended since the last fold (one row per status per statement).
claim_status_tally = Table(
    "claim_status_tally",
    metadata,
    Column("status", String(32), primary_key=True),
    Column("n", BigInteger, nullable=False),
)
claim_status_tally_changes = Table(
    "claim_status_tally_changes",
    metadata,
    Column("status", String(32), nullable=False),
    Column("n", BigInteger, nullable=False),
)
