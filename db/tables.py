"""The whole data model as SQLAlchemy Core tables; migrations are generated from this."""

from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Computed,
    Date,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
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
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TIMESTAMP, UUID

from db.crypto import Encrypted, EncryptedDate
from domain import enums as e

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Money = Numeric(12, 2)
TS = TIMESTAMP(timezone=True)


def _pk() -> Column:
    return Column(
        "id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )


def _fk(name: str, target: str, *, nullable: bool = True, ondelete: str | None = None) -> Column:
    """A foreign key column with its own index (every FK is indexed)."""
    return Column(
        name,
        UUID(as_uuid=True),
        ForeignKey(f"{target}.id", ondelete=ondelete),
        nullable=nullable,
        index=True,
    )


def _enum(name: str, enum: type[StrEnum], *, nullable: bool = False, default: str | None = None):
    """A varchar column plus the CHECK constraint that keeps it inside its enum."""
    values = ", ".join(f"'{v.value}'" for v in enum)
    col = Column(
        name,
        String(32),
        nullable=nullable,
        server_default=text(f"'{default}'") if default else None,
    )
    return col, CheckConstraint(f"{name} IN ({values})", name=name)


def _timestamps(*, soft_delete: bool = False) -> list[Column]:
    cols = [
        Column("created_at", TS, nullable=False, server_default=func.now()),
        Column("updated_at", TS, nullable=False, server_default=func.now()),
    ]
    if soft_delete:
        cols.append(Column("deleted_at", TS))
    return cols


def _address() -> list[Column]:
    return [
        Column("address_line1", Text),
        Column("address_line2", Text),
        Column("city", Text),
        Column("state", String(2)),
        Column("zip_code", String(10)),
    ]


employers = Table(
    "employers",
    metadata,
    _pk(),
    Column("company_name", Text, nullable=False),
    Column("tax_id", Encrypted("employers.tax_id")),
    # keyed HMAC blind index of the tax id: duplicates are found without decrypting
    Column("tax_id_index", String(64), index=True),
    Column("industry", Text),
    Column("employee_count", Integer),
    Column("primary_contact_name", Text),
    Column("primary_contact_email", Text),
    Column("primary_contact_phone", Text),
    *_address(),
    *_enum("billing_cycle", e.BillingCycle, default="monthly"),
    *_enum("payment_method", e.EmployerPaymentMethod, nullable=True),
    Column("group_number", String(32), nullable=False, unique=True),
    Column("contract_start_date", Date),
    Column("contract_end_date", Date),
    *_enum("status", e.EmployerStatus, default="active"),
    *_timestamps(soft_delete=True),
    Index(None, "state"),
    Index(None, "status"),
)

members = Table(
    "members",
    metadata,
    _pk(),
    Column("member_number", String(32), nullable=False, unique=True),
    Column("first_name", Encrypted("members.first_name"), nullable=False),
    Column("middle_name", Encrypted("members.middle_name")),
    Column("last_name", Encrypted("members.last_name"), nullable=False),
    Column("date_of_birth", EncryptedDate("members.date_of_birth"), nullable=False),
    Column("ssn", Encrypted("members.ssn")),
    *_enum("gender", e.Gender, nullable=True),
    Column("email", Encrypted("members.email")),
    Column("phone", Encrypted("members.phone")),
    Column("alternate_phone", Encrypted("members.alternate_phone")),
    Column("address_line1", Encrypted("members.address_line1")),
    Column("address_line2", Encrypted("members.address_line2")),
    Column("city", Encrypted("members.city")),
    Column("state", String(2)),  # kept plain: the regulator's scope and list filters use it
    Column("zip_code", Encrypted("members.zip_code")),
    Column("country", String(3), nullable=False, server_default=text("'USA'")),
    # keyed HMAC blind indexes: equality search on encrypted values (db/crypto.py)
    Column("name_dob_index", String(64), index=True),
    Column("ssn_index", String(64), index=True),
    Column("blood_type", Encrypted("members.blood_type")),
    Column("allergies", Encrypted("members.allergies")),
    Column("medical_conditions", Encrypted("members.medical_conditions")),
    Column("emergency_contact_name", Encrypted("members.emergency_contact_name")),
    Column("emergency_contact_phone", Encrypted("members.emergency_contact_phone")),
    Column("emergency_contact_relation", Encrypted("members.emergency_contact_relation")),
    *_enum("status", e.MemberStatus, default="active"),
    Column("enrollment_date", Date, nullable=False),
    Column("termination_date", Date),
    _fk("employer_id", "employers"),
    Column("employee_id", Text),
    Column("preferred_language", String(8), nullable=False, server_default=text("'en'")),
    Column("communication_preferences", JSONB),
    *_timestamps(soft_delete=True),
    Index(None, "status"),
    Index(None, "state"),
)

dependents = Table(
    "dependents",
    metadata,
    _pk(),
    _fk("member_id", "members", nullable=False, ondelete="CASCADE"),
    Column("first_name", Encrypted("dependents.first_name"), nullable=False),
    Column("middle_name", Encrypted("dependents.middle_name")),
    Column("last_name", Encrypted("dependents.last_name"), nullable=False),
    Column("date_of_birth", EncryptedDate("dependents.date_of_birth"), nullable=False),
    Column("ssn", Encrypted("dependents.ssn")),
    *_enum("gender", e.Gender, nullable=True),
    *_enum("relationship", e.Relationship),
    Column("name_dob_index", String(64), index=True),
    Column("ssn_index", String(64), index=True),
    Column("email", Encrypted("dependents.email")),
    Column("phone", Encrypted("dependents.phone")),
    Column("blood_type", Encrypted("dependents.blood_type")),
    Column("allergies", Encrypted("dependents.allergies")),
    Column("medical_conditions", Encrypted("dependents.medical_conditions")),
    *_enum("status", e.DependentStatus, default="active"),
    Column("enrollment_date", Date, nullable=False),
    Column("termination_date", Date),
    *_timestamps(soft_delete=True),
    Index(None, "status"),
)

providers = Table(
    "providers",
    metadata,
    _pk(),
    _fk("parent_id", "providers"),
    Column("npi", String(10), nullable=False, unique=True),
    *_enum("provider_type", e.ProviderType),
    Column("first_name", Text),
    Column("last_name", Text),
    Column("credentials", Text),
    Column("organization_name", Text),
    Column("tax_id", Encrypted("providers.tax_id")),
    # keyed HMAC blind index of the tax id: duplicates are found without decrypting
    Column("tax_id_index", String(64), index=True),
    Column("primary_specialty", Text),
    Column("secondary_specialties", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("phone", Text),
    Column("fax", Text),
    Column("email", Text),
    Column("website", Text),
    *_address(),
    *_enum("network_status", e.NetworkStatus, default="pending"),
    Column("accepting_new_patients", Boolean, nullable=False, server_default=text("true")),
    Column("languages_spoken", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("wheelchair_accessible", Boolean, nullable=False, server_default=text("false")),
    Column("telehealth_available", Boolean, nullable=False, server_default=text("false")),
    *_enum("status", e.ProviderStatus, default="active"),
    *_timestamps(soft_delete=True),
    CheckConstraint("npi ~ '^[0-9]{10}$'", name="npi_format"),
    Index(None, "state"),
    Index(None, "network_status", "primary_specialty", "zip_code"),
)

provider_credentials = Table(
    "provider_credentials",
    metadata,
    _pk(),
    _fk("provider_id", "providers", nullable=False, ondelete="CASCADE"),
    *_enum("credential_type", e.CredentialType),
    Column("credential_number", Text),
    Column("issuing_authority", Text),
    Column("issuing_state", String(2)),
    Column("issue_date", Date),
    Column("expiration_date", Date),
    *_enum("status", e.CredentialStatus, default="pending"),
    Column("verification_date", Date),
    _fk("verified_by", "users"),
    Column("notes", Text),
    *_timestamps(),
    Index(None, "status"),
    Index(None, "expiration_date"),
)

contracts = Table(
    "contracts",
    metadata,
    _pk(),
    Column("contract_number", String(32), nullable=False, unique=True),
    _fk("provider_id", "providers", nullable=False),
    *_enum("contract_type", e.ContractType),
    Column("effective_date", Date, nullable=False),
    Column("termination_date", Date),
    Column("renewal_date", Date),
    *_enum("status", e.ContractStatus, default="draft"),
    *_enum("reimbursement_method", e.ReimbursementMethod, default="fee_for_service"),
    Column("contract_terms", Text),
    _fk("created_by", "users"),
    *_timestamps(),
    CheckConstraint("termination_date IS NULL OR termination_date > effective_date", name="dates"),
    Index(None, "status"),
    Index(None, "effective_date"),
)

fee_schedule_items = Table(
    "fee_schedule_items",
    metadata,
    _pk(),
    _fk("contract_id", "contracts", nullable=False, ondelete="CASCADE"),
    Column("procedure_code", String(8), nullable=False),
    Column("allowed_amount", Money, nullable=False),
    UniqueConstraint("contract_id", "procedure_code"),
    CheckConstraint("allowed_amount >= 0", name="allowed_amount"),
)

users = Table(
    "users",
    metadata,
    _pk(),
    Column("email", String(320), nullable=False, unique=True),
    Column("display_name", Text),
    Column("password_hash", Text),
    *_enum("role", e.Role),
    _fk("member_id", "members"),
    _fk("dependent_id", "dependents"),
    _fk("provider_id", "providers"),
    _fk("employer_id", "employers"),
    Column("jurisdiction", String(2)),
    Column("mfa_enabled", Boolean, nullable=False, server_default=text("false")),
    Column("mfa_secret", Encrypted("users.mfa_secret")),
    # the last TOTP time step accepted, so a code cannot be replayed within its window
    Column("mfa_last_step", BigInteger),
    Column("last_login", TS),
    Column("login_attempts", Integer, nullable=False, server_default=text("0")),
    Column("locked_until", TS),
    *_enum("status", e.UserStatus, default="active"),
    *_timestamps(soft_delete=True),
    # The record a role is tied to must be present (ACCESS.md, Principals).
    CheckConstraint(
        "(role <> 'member' OR member_id IS NOT NULL)"
        " AND (role <> 'dependent' OR dependent_id IS NOT NULL)"
        " AND (role <> 'provider' OR provider_id IS NOT NULL)"
        " AND (role <> 'employer' OR employer_id IS NOT NULL)"
        " AND (role <> 'regulator' OR jurisdiction IS NOT NULL)",
        name="role_ties",
    ),
    Index(None, "role"),
)

policies = Table(
    "policies",
    metadata,
    _pk(),
    Column("policy_number", String(32), nullable=False, unique=True),
    _fk("member_id", "members", nullable=False),
    *_enum("plan_type", e.PlanType),
    Column("plan_name", Text, nullable=False),
    *_enum("coverage_level", e.CoverageLevel),
    Column("deductible_individual", Money, nullable=False),
    Column("deductible_family", Money),
    Column("out_of_pocket_max_individual", Money, nullable=False),
    Column("out_of_pocket_max_family", Money),
    Column("coinsurance_percentage", SmallInteger, nullable=False, server_default=text("80")),
    Column("out_of_network_percentage", SmallInteger, nullable=False, server_default=text("60")),
    Column("primary_care_copay", Money),
    Column("specialist_copay", Money),
    Column("emergency_copay", Money),
    Column("urgent_care_copay", Money),
    Column("rx_generic_copay", Money),
    Column("rx_brand_copay", Money),
    Column("rx_specialty_copay", Money),
    *_enum("status", e.PolicyStatus, default="pending"),
    Column("effective_date", Date, nullable=False),
    Column("termination_date", Date),
    Column("renewal_date", Date),
    Column("monthly_premium", Money, nullable=False),
    Column("employer_contribution", Money, nullable=False, server_default=text("0")),
    Column("employee_contribution", Money),
    Column("coverage_details", JSONB),
    Column("exclusions", JSONB),
    Column("network_restrictions", JSONB),
    _fk("created_by", "users"),
    *_timestamps(soft_delete=True),
    CheckConstraint("termination_date IS NULL OR termination_date > effective_date", name="dates"),
    CheckConstraint("coinsurance_percentage BETWEEN 0 AND 100", name="coinsurance"),
    Index(None, "status"),
    Index(None, "effective_date"),
    Index("ix_policies_active", "member_id", "status", "effective_date"),
)

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
    Column("notes", Text),
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
    *_timestamps(soft_delete=True),
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

sessions = Table(
    "sessions",
    metadata,
    _pk(),
    _fk("user_id", "users", nullable=False, ondelete="CASCADE"),
    Column("refresh_token_hash", String(64), nullable=False, unique=True),
    Column("family_id", UUID(as_uuid=True), nullable=False, index=True),
    Column("ip_address", Text),
    Column("user_agent", Text),
    Column("expires_at", TS, nullable=False, index=True),
    Column("last_activity", TS, nullable=False, server_default=func.now()),
    Column("rotated_at", TS),
    Column("revoked_at", TS),
    Column("created_at", TS, nullable=False, server_default=func.now()),
)

# Service accounts: a client_credentials client acts as one (non-human) user.
service_clients = Table(
    "service_clients",
    metadata,
    _pk(),
    Column("client_id", String(64), nullable=False, unique=True),
    # the secret is 256 random bits, so a SHA-256 digest suffices (no slow hash needed)
    Column("secret_hash", String(64), nullable=False),
    _fk("user_id", "users", nullable=False, ondelete="CASCADE"),
    Column("name", Text, nullable=False),
    Column("last_used_at", TS),
    Column("revoked_at", TS),
    Column("created_at", TS, nullable=False, server_default=func.now()),
)

notifications = Table(
    "notifications",
    metadata,
    _pk(),
    _fk("user_id", "users", nullable=False, ondelete="CASCADE"),
    *_enum("category", e.NotificationCategory),
    Column("title", Text, nullable=False),
    Column("message", Text, nullable=False),
    *_enum("priority", e.Priority, default="normal"),
    *_enum("status", e.NotificationStatus, default="pending"),
    Column("sent_at", TS),
    Column("read_at", TS),
    Column("metadata", JSONB),
    Column("created_at", TS, nullable=False, server_default=func.now()),
    Index(None, "user_id", "status", "created_at"),
)

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
    _fk("user_id", "users"),
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
    # The hash chain, kept by a trigger under a lock (migration 0003): chain_pos orders it.
    Column("chain_pos", BigInteger, unique=True),
    Column("prev_hash", String(64)),
    Column("row_hash", String(64)),
    Index(None, "occurred_at"),
    Index(None, "resource_type", "resource_id"),
    Index(None, "subject_member_id", "occurred_at"),
    Index(None, "subject_dependent_id", "occurred_at"),
    Index(None, "action"),
)

consents = Table(
    "consents",
    metadata,
    _pk(),
    _fk("dependent_id", "dependents", nullable=False, ondelete="CASCADE"),
    _fk("grantee_member_id", "members", nullable=False),
    Column("scope", String(32), nullable=False, server_default=text("'claims_and_medical'")),
    Column("granted_at", TS, nullable=False, server_default=func.now()),
    Column("revoked_at", TS),
    Index(
        "uq_consents_active",
        "dependent_id",
        "grantee_member_id",
        unique=True,
        postgresql_where=text("revoked_at IS NULL"),
    ),
)

break_glass_grants = Table(
    "break_glass_grants",
    metadata,
    _pk(),
    _fk("user_id", "users", nullable=False),
    _fk("member_id", "members", nullable=False),
    Column("reason", Text, nullable=False),
    Column("opened_at", TS, nullable=False, server_default=func.now()),
    Column("expires_at", TS, nullable=False),
    _fk("reviewed_by", "users"),
    Column("reviewed_at", TS),
    Column("review_note", Text),
    CheckConstraint("length(trim(reason)) > 0", name="reason_given"),
    CheckConstraint("expires_at > opened_at", name="expiry"),
)

icd10_codes = Table(
    "ref_icd10_codes",
    metadata,
    Column("code", String(8), primary_key=True),
    Column("description", Text, nullable=False),
    Column("billable", Boolean, nullable=False),
)

procedure_codes = Table(
    "ref_procedure_codes",
    metadata,
    Column("code", String(8), primary_key=True),
    *_enum("code_system", e.CodeSystem),
    # CPT descriptors are AMA-licensed: CPT rows carry no description.
    Column("description", Text),
)

adjustment_reason_codes = Table(
    "ref_adjustment_reason_codes",
    metadata,
    Column("code", String(8), primary_key=True),
    Column("label", Text, nullable=False),
)

place_of_service_codes = Table(
    "ref_place_of_service_codes",
    metadata,
    Column("code", String(2), primary_key=True),
    Column("name", Text, nullable=False),
)

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

outbox_events = Table(
    "outbox_events",
    metadata,
    Column("seq", BigInteger, Identity(always=True), primary_key=True),
    Column("topic", String(64), nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("created_at", TS, nullable=False, server_default=func.now()),
    Index(None, "topic", "seq"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    _fk("user_id", "users", nullable=False, ondelete="CASCADE"),
    Column("key", String(128), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("response", JSONB),
    Column("created_at", TS, nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("user_id", "key"),
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
