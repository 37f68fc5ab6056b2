"""The whole data model as SQLAlchemy Core tables, one module per area; migrations are
generated from `metadata`. Every table is re-exported here: import from `db.tables`."""

from db.tables.accounts import (
    break_glass_grants,
    consents,
    idempotency_keys,
    notifications,
    service_clients,
    sessions,
    users,
)
from db.tables.base import TS, Money, metadata
from db.tables.claim import (
    appeals,
    claim_documents,
    claim_events,
    claim_lines,
    claim_status_tally,
    claim_status_tally_changes,
    claims,
    claims_summary_releases,
    payments,
)
from db.tables.enrolment import dependents, employers, members, policies
from db.tables.logs import audit_anchors, audit_chain_heads, audit_log, outbox_events
from db.tables.provider import contracts, fee_schedule_items, provider_credentials, providers
from db.tables.reference import (
    adjustment_reason_codes,
    icd10_codes,
    place_of_service_codes,
    procedure_codes,
)
from db.tables.validation import (
    validation_results,
    validation_rule_versions,
    validation_rules,
    validation_runs,
    validation_uploads,
)

__all__ = [
    "Money",
    "TS",
    "adjustment_reason_codes",
    "appeals",
    "audit_anchors",
    "audit_chain_heads",
    "audit_log",
    "break_glass_grants",
    "claim_documents",
    "claim_events",
    "claim_lines",
    "claim_status_tally",
    "claim_status_tally_changes",
    "claims",
    "claims_summary_releases",
    "consents",
    "contracts",
    "dependents",
    "employers",
    "fee_schedule_items",
    "icd10_codes",
    "idempotency_keys",
    "members",
    "metadata",
    "notifications",
    "outbox_events",
    "payments",
    "place_of_service_codes",
    "policies",
    "procedure_codes",
    "provider_credentials",
    "providers",
    "service_clients",
    "sessions",
    "users",
    "validation_results",
    "validation_rule_versions",
    "validation_rules",
    "validation_runs",
    "validation_uploads",
]
