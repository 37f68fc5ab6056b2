"""The audit trail as GraphQL types: its entries and their filter, the chain check's report,
and a member's disclosures."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from graph.fields import BUSINESS, classified
from graph.relay import Node
from graph.search import reads
from policies.resources import FieldView

_DB_ID = "database id (a UUID, not a global id)"


def _business(column: str, python_type: Any = str, description: str | None = None):
    return classified(column, BUSINESS, "business", python_type, description=description)


@strawberry.type(description="One audit record: who read or changed what, when, and why.")
class AuditEntry(Node):
    sequence = _business(
        "seq", int, "The entry's place in the whole log, in the order entries were written."
    )
    chain_partition = _business(
        "chain_partition",
        int,
        "Which of the log's hash chains holds the entry (the log is kept as several chains, "
        "each extended by one writer at a time).",
    )
    chain_position = _business(
        "chain_pos", int, "The entry's position in its chain, from 1 (see verifyAuditChain)."
    )
    occurred_at = _business("occurred_at", datetime, "When the entry was recorded.")
    role = _business(
        "role",
        str,
        "The role the user acted in (member, provider, adjudicator, ...); null when it is "
        "not known, as for a failed sign-in.",
    )
    organisation = _business(
        "organisation",
        str,
        "Whom the user acted for: provider:<id> or employer:<id> (database ids), or "
        "jurisdiction:<state> for a regulator; null for members, dependents and plan staff.",
    )
    action = _business(
        "action",
        str,
        "What happened: read (PHI or restricted fields returned), search, lookup_not_found, "
        "sign_in, a change such as grant_consent; a refusal ends in _denied (read_denied, "
        "search_denied, adjudicate_denied).",
    )
    resource_type = _business(
        "resource_type", str, "The kind of record concerned, as a GraphQL type name (Claim)."
    )
    resource_id = _business(
        "resource_id",
        strawberry.ID,
        f"The record's {_DB_ID}; null when the action concerned no single record.",
    )
    subject_member_id = _business(
        "subject_member_id",
        strawberry.ID,
        f"The {_DB_ID} of the subscriber whose or whose family's data it is; null when the "
        "data is no member's.",
    )
    fields = _business(
        "fields",
        list[str],
        "The fields read, refused, searched on or changed; never their values.",
    )
    policy_rule = _business(
        "policy_rule",
        str,
        "The policy rules that allowed it, comma-separated (for a read, role:group:decision, "
        "as in member:medical:visible); null when not recorded.",
    )
    purpose_of_use = _business(
        "purpose_of_use",
        str,
        "The purpose of use of the request (its X-Purpose-Of-Use header or the role's "
        "default): TREATMENT, PAYMENT, OPERATIONS, OVERSIGHT, PATIENT_REQUEST or EMERGENCY; "
        "null when none applied.",
    )
    break_glass = _business(
        "break_glass",
        bool,
        "Whether the user acted under a break-glass grant for the member concerned.",
    )
    operation_name = _business(
        "operation_name", str, "The GraphQL operation name the client gave; null when none."
    )
    request_id = _business(
        "request_id",
        str,
        "The request's id: the client's X-Request-ID header, else one the server made. Errors "
        "carry it as requestId.",
    )
    client_ip = _business("client_ip", str, "The client's IP address as the server saw it.")
    success = _business(
        "success", bool, "False when the action was refused or failed; true otherwise."
    )
    error = _business(
        "error",
        str,
        "Why it failed: an error code such as FORBIDDEN or NOT_FOUND (a sign-in: an OAuth "
        "error such as invalid_grant); null on success.",
    )
    user_id = _business(
        "user_id",
        strawberry.ID,
        f"The {_DB_ID} of the user who acted; null for a user signed in at an external "
        "identity provider, or a sign-in that named no known user.",
    )

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="AuditEntry")


@strawberry.input(description="Narrow the audit trail; every given field must match.")
class AuditFilter:
    user_id: strawberry.ID | None = reads(
        "AuditEntry", "business", description="Only entries by this user (`User.id`)."
    )
    member_id: strawberry.ID | None = reads(
        "AuditEntry",
        "business",
        description="Only entries about this subscriber's or their family's data (`Member.id`).",
    )
    resource_id: strawberry.ID | None = reads(
        "AuditEntry",
        "business",
        description="Only entries about this record (the global id of a record of any type).",
    )
    resource_type: str | None = reads(
        "AuditEntry",
        "business",
        description="Only entries about this kind of record, a GraphQL type name (Claim); exact.",
    )
    action: str | None = reads(
        "AuditEntry", "business", description="Only this action (read, sign_in, ...); exact."
    )
    occurred_from: datetime | None = reads(
        "AuditEntry", "business", description="Only entries recorded at or after this time."
    )
    occurred_to: datetime | None = reads(
        "AuditEntry", "business", description="Only entries recorded at or before this time."
    )
    break_glass: bool | None = reads(
        "AuditEntry",
        "business",
        description="true: only entries made under break-glass; false: only the others.",
    )


@strawberry.type(description="Whether the audit chains are intact.")
class AuditChainReport:
    intact: bool = strawberry.field(
        description="True when no row checked was edited, moved, unlinked or removed."
    )
    checked_rows: int = strawberry.field(
        description="Rows checked: since the checkpoint, in the window, or all of them."
    )
    first_broken_partition: int | None = strawberry.field(
        description="The chain (partition) of the first break found; null when intact."
    )
    first_broken_position: int | None = strawberry.field(
        description="The position of the first break in that chain; null when intact."
    )
    first_broken_id: strawberry.ID | None = strawberry.field(
        description=f"The {_DB_ID} of the first broken row; null when intact, or when the "
        "break is at a chain's head or checkpoint rather than in a row that is there."
    )
    reason: str | None = strawberry.field(
        description="What is wrong there: edited (its contents, position or chain changed), "
        "missing rows, unlinked (its link to the row before is wrong) or checkpoint forged; "
        "null when intact."
    )
    resumed_from_checkpoint: bool = strawberry.field(
        description="Whether the check started from the last checkpoint (incremental)."
    )


@strawberry.type(description="One disclosure of your health information to someone else.")
class Disclosure:
    occurred_at: datetime = strawberry.field(description="When your information was read.")
    recipient_role: str = strawberry.field(description="The role of who received it.")
    recipient_organisation: str | None = strawberry.field(
        description="Their organisation (never a staff member's name)."
    )
    record_type: str = strawberry.field(
        description="The kind of record read, as a GraphQL type name (Member, Claim, ...)."
    )
    disclosed: list[str] = strawberry.field(description="Which fields were disclosed.")
    purpose: str | None = strawberry.field(
        description="Why it was read: the declared purpose of use (OVERSIGHT, EMERGENCY, "
        "PATIENT_REQUEST); null when none was recorded."
    )
