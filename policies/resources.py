"""What Polar reasons about: the resource types, their fields and their relations.

These are thin attribute bags, built from rows by the caller; the relations let oso's
data filtering follow links (claim → provider) so a row filter can be pushed into SQL.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from oso import Relation


class Resource:
    """A record as the policy sees it: its columns as attributes."""

    def __init__(self, **attributes: Any) -> None:
        self.__dict__.update(attributes)

    def __repr__(self) -> str:  # ids only: never log a record's contents
        return f"{type(self).__name__}(id={self.__dict__.get('id')})"


class Member(Resource): ...


class Dependent(Resource): ...


class Policy(Resource): ...


class Claim(Resource): ...


class ClaimLine(Resource): ...


class ClaimEvent(Resource): ...


class Appeal(Resource): ...


class Payment(Resource): ...


class Provider(Resource): ...


class Credential(Resource): ...


class Contract(Resource): ...


class FeeScheduleItem(Resource): ...


class Employer(Resource): ...


class Account(Resource):
    """A user record (the `users` table) as a resource; the actor is the Principal."""


class AuditEntry(Resource): ...


class ValidationRule(Resource): ...


class ValidationRun(Resource): ...


class ValidationResult(Resource): ...


class BreakGlassGrant(Resource): ...


class ReferenceData(Resource):
    """The code sets (diagnoses, procedures, places of service): one kind of record, no rows
    to filter."""


class FieldView(Resource):
    """The facts that decide field access on one kind of record, without the record itself.

    `type` is the GraphQL type; the flags say how the principal relates to the record
    (an adult dependent, consent on record, a break-glass grant for its member, own
    organisation; for a user account, whether it is the principal's own and whether it is a
    member's or dependent's login). Decisions are cached per view, so a page of 50 rows
    costs a handful of policy evaluations rather than 50.
    """

    @classmethod
    def guarded(cls, type_name: str) -> FieldView:
        """A view of a kind of record with no row at hand (a filter, an id handed in): the
        facts that grant the least (an adult, no consent, no break-glass, not one's own)."""
        return cls(
            type=type_name, adult=True, consented=False, break_glass=False,
            own_organisation=False, own_account=False, person_account=True,
        )  # fmt: skip


def _one(other: str, mine: str) -> Relation:
    return Relation(kind="one", other_type=other, my_field=mine, other_field="id")


def _many(other: str, theirs: str) -> Relation:
    return Relation(kind="many", other_type=other, my_field="id", other_field=theirs)


# For each type: (resource type name used by callers, class, fields for data filtering).
FIELDS: dict[type[Resource], dict[str, Any]] = {
    Member: {
        "id": UUID,
        "employer_id": UUID,
        "employer": _one("Employer", "employer_id"),
        "claims": _many("Claim", "member_id"),
    },
    Dependent: {
        "id": UUID,
        "member_id": UUID,
        "member": _one("Member", "member_id"),
        "claims": _many("Claim", "dependent_id"),
    },
    Policy: {"id": UUID, "member_id": UUID, "member": _one("Member", "member_id")},
    Claim: {
        "id": UUID,
        "member_id": UUID,
        "dependent_id": UUID,
        "provider_id": UUID,
        "is_sensitive": bool,
        "provider": _one("Provider", "provider_id"),
        "member": _one("Member", "member_id"),
    },
    ClaimLine: {"id": UUID, "claim_id": UUID, "claim": _one("Claim", "claim_id")},
    ClaimEvent: {"id": UUID, "claim_id": UUID, "claim": _one("Claim", "claim_id")},
    Appeal: {"id": UUID, "claim_id": UUID, "filed_by": UUID, "claim": _one("Claim", "claim_id")},
    Payment: {
        "id": UUID,
        "claim_id": UUID,
        "policy_id": UUID,
        "claim": _one("Claim", "claim_id"),
        "policy": _one("Policy", "policy_id"),
    },
    Provider: {"id": UUID, "parent_id": UUID, "state": str},
    Credential: {"id": UUID, "provider_id": UUID, "provider": _one("Provider", "provider_id")},
    Contract: {"id": UUID, "provider_id": UUID, "provider": _one("Provider", "provider_id")},
    FeeScheduleItem: {
        "id": UUID,
        "contract_id": UUID,
        "contract": _one("Contract", "contract_id"),
    },
    Employer: {"id": UUID, "state": str},
    Account: {"id": UUID, "role": str},
    BreakGlassGrant: {"id": UUID, "user_id": UUID, "member_id": UUID},
    AuditEntry: {"id": UUID, "user_id": UUID, "subject_member_id": UUID},
    ValidationRule: {"id": UUID},
    ValidationRun: {"id": UUID, "owner_id": UUID},
    ValidationResult: {"id": UUID, "run_id": UUID, "run": _one("ValidationRun", "run_id")},
    ReferenceData: {},
}

# The names callers use (db/filters.py knows the same names).
BY_NAME: dict[str, type[Resource]] = {
    "member": Member,
    "dependent": Dependent,
    "policy": Policy,
    "claim": Claim,
    "appeal": Appeal,
    "payment": Payment,
    "provider": Provider,
    "credential": Credential,
    "contract": Contract,
    "employer": Employer,
    "user": Account,
    "claim_line": ClaimLine,
    "claim_event": ClaimEvent,
    "fee_schedule_item": FeeScheduleItem,
    "break_glass_grant": BreakGlassGrant,
    "audit_entry": AuditEntry,
    "validation_rule": ValidationRule,
    "validation_run": ValidationRun,
    "validation_result": ValidationResult,
}
