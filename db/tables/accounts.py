"""Users and how they sign in (sessions, service clients), what widens their access
(consents, break-glass grants), their notifications and idempotency keys."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from db.crypto import Encrypted
from db.tables.base import TS, _enum, _fk, _pk, _timestamps, metadata
from domain import enums as e

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
