"""Providers, their credentials and their contracts (with fee schedules)."""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY

from db.crypto import Encrypted
from db.tables.base import Money, _address, _enum, _fk, _pk, _timestamps, metadata
from domain import enums as e

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
