"""The filter and order inputs of the root lists, each filter as a row filter, and the
listings (orderings) the lists page by.

Each filter field declares the field group it reads (`reads`, graph/search.py)."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from db.repos import Order
from domain.access import Compare, Related, RowFilter, eq
from graph import enums
from graph.claim.inputs import id_equals, in_values
from graph.errors import BadUserInput
from graph.listing import Listing, OrderDirection, all_of, date_range
from graph.search import reads


@strawberry.input(
    description="Narrow a member list. Names and SSNs are encrypted at rest: look people up "
    "by lastName with dateOfBirth, or by ssn (exact, through keyed blind indexes)."
)
class MemberFilter:
    last_name: str | None = reads("Member", "name")
    date_of_birth: date | None = reads("Member", "birth_date")
    ssn: str | None = reads("Member", "ssn")
    status: list[enums.MemberStatus] | None = reads("Member", "enrolment")
    employer_id: strawberry.ID | None = reads("Employer", "identity")
    state: str | None = reads("Member", "geo")
    member_number: str | None = reads("Member", "identifier")
    enrolled_from: date | None = reads("Member", "enrolment_date")
    enrolled_to: date | None = reads("Member", "enrolment_date")


@strawberry.enum
class MemberOrderField(Enum):
    MEMBER_NUMBER = "member_number"
    ENROLLMENT_DATE = "enrollment_date"
    CREATED_AT = "created_at"


@strawberry.input
class MemberOrder:
    field: MemberOrderField = MemberOrderField.MEMBER_NUMBER
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input
class DependentFilter:
    status: list[enums.DependentStatus] | None = reads("Dependent", "enrolment")
    relationship: list[enums.Relationship] | None = reads("Dependent", "enrolment")
    member_id: strawberry.ID | None = reads("Member", "identity")


@strawberry.input
class PolicyFilter:
    status: list[enums.PolicyStatus] | None = reads("Policy", "business")
    plan_type: list[enums.PlanType] | None = reads("Policy", "business")
    member_id: strawberry.ID | None = reads("Member", "identity")
    employer_id: strawberry.ID | None = reads("Employer", "identity")
    effective_from: date | None = reads("Policy", "record_date")
    effective_to: date | None = reads("Policy", "record_date")


@strawberry.input
class AppealFilter:
    status: list[enums.AppealStatus] | None = reads("Appeal", "business")
    urgency: list[enums.AppealUrgency] | None = reads("Appeal", "business")
    claim_id: strawberry.ID | None = reads("Claim", "identity")
    due_before: date | None = reads("Appeal", "record_date")


@strawberry.input
class PaymentFilter:
    status: list[enums.PaymentStatus] | None = reads("Payment", "business")
    payment_type: list[enums.PaymentType] | None = reads("Payment", "business")
    claim_id: strawberry.ID | None = reads("Claim", "identity")
    policy_id: strawberry.ID | None = reads("Policy", "identity")


@strawberry.input
class ProviderFilter:
    network_status: list[enums.NetworkStatus] | None = reads("Provider", "public")
    provider_type: list[enums.ProviderType] | None = reads("Provider", "public")
    status: list[enums.ProviderStatus] | None = reads("Provider", "public")
    state: str | None = reads("Provider", "public")
    specialty: str | None = reads("Provider", "public")
    npi: str | None = reads("Provider", "public")


@strawberry.input
class CredentialFilter:
    status: list[enums.CredentialStatus] | None = reads("Credential", "business")
    credential_type: list[enums.CredentialType] | None = reads("Credential", "business")
    provider_id: strawberry.ID | None = reads("Provider", "identity")
    expires_before: date | None = reads("Credential", "business")


@strawberry.input
class ContractFilter:
    status: list[enums.ContractStatus] | None = reads("Contract", "business")
    provider_id: strawberry.ID | None = reads("Provider", "identity")


@strawberry.input
class EmployerFilter:
    status: list[enums.EmployerStatus] | None = reads("Employer", "business")
    state: str | None = reads("Employer", "business")


def person_lookup(f) -> list[RowFilter]:
    """Equality search on encrypted fields, through their blind indexes."""
    from db.crypto import name_dob_index, ssn_index

    out: list[RowFilter] = []
    if (f.last_name is None) != (f.date_of_birth is None):
        raise BadUserInput(
            "Give lastName and dateOfBirth together: people are looked up by both.",
            field="lastName" if f.last_name is None else "dateOfBirth",
        )
    if f.last_name is not None:
        out.append(eq("name_dob_index", name_dob_index(f.last_name, f.date_of_birth)))
    if f.ssn is not None:
        if sum(ch.isdigit() for ch in f.ssn) != 9:
            raise BadUserInput("An SSN has nine digits.", field="ssn")
        out.append(eq("ssn_index", ssn_index(f.ssn)))
    return out


def member_listing(order: MemberOrder | None) -> Listing:
    asked = order is not None
    order = order or MemberOrder()
    key = (order.field.value, order.direction is OrderDirection.DESC, asked)
    if key not in _MEMBER_LISTINGS:
        label = f"orderBy.field {order.field.name}" if asked else None
        _MEMBER_LISTINGS[key] = Listing("member", [Order(*key[:2])], label=label)
    return _MEMBER_LISTINGS[key]


_MEMBER_LISTINGS: dict[tuple[str, bool, bool], Listing] = {}
DEPENDENTS = Listing("dependent", [Order("created_at")])
POLICIES = Listing("policy", [Order("effective_date", descending=True)])
APPEALS = Listing("appeal", [Order("due_at")])
PAYMENTS = Listing("payment", [Order("created_at", descending=True)])
PROVIDERS = Listing("provider", [Order("npi")])
CREDENTIALS = Listing("credential", [Order("created_at")])
CONTRACTS = Listing("contract", [Order("contract_number")])
EMPLOYERS = Listing("employer", [Order("company_name")])


# --- each filter as a row filter, ANDed with the policy's (never instead of it) ---


def member_filter(f: MemberFilter | None) -> RowFilter | None:
    f = f or MemberFilter()
    return all_of(
        *person_lookup(f),
        in_values("status", f.status),
        id_equals(f.employer_id, "Employer", "employer_id", "employerId"),
        eq("state", f.state) if f.state else None,
        eq("member_number", f.member_number) if f.member_number else None,
        *date_range("enrollment_date", f.enrolled_from, f.enrolled_to, field="enrolled"),
    )


def dependent_filter(f: DependentFilter | None) -> RowFilter | None:
    f = f or DependentFilter()
    return all_of(
        in_values("status", f.status),
        in_values("relationship", f.relationship),
        id_equals(f.member_id, "Member", "member_id", "memberId"),
    )


def policy_filter(f: PolicyFilter | None) -> RowFilter | None:
    f = f or PolicyFilter()
    employer = id_equals(f.employer_id, "Employer", "employer_id", "employerId")
    return all_of(
        in_values("status", f.status),
        in_values("plan_type", f.plan_type),
        id_equals(f.member_id, "Member", "member_id", "memberId"),
        Related("member", employer) if employer else None,
        *date_range("effective_date", f.effective_from, f.effective_to, field="effective"),
    )


def appeal_filter(f: AppealFilter | None) -> RowFilter | None:
    f = f or AppealFilter()
    return all_of(
        in_values("status", f.status),
        in_values("urgency", f.urgency),
        id_equals(f.claim_id, "Claim", "claim_id", "claimId"),
        Compare("due_at", "<", f.due_before) if f.due_before else None,
    )


def payment_filter(f: PaymentFilter | None) -> RowFilter | None:
    f = f or PaymentFilter()
    return all_of(
        in_values("status", f.status),
        in_values("payment_type", f.payment_type),
        id_equals(f.claim_id, "Claim", "claim_id", "claimId"),
        id_equals(f.policy_id, "Policy", "policy_id", "policyId"),
    )


def provider_filter(f: ProviderFilter | None) -> RowFilter | None:
    f = f or ProviderFilter()
    return all_of(
        in_values("network_status", f.network_status),
        in_values("provider_type", f.provider_type),
        in_values("status", f.status),
        eq("state", f.state) if f.state else None,
        eq("primary_specialty", f.specialty) if f.specialty else None,
        eq("npi", f.npi) if f.npi else None,
    )


def credential_filter(f: CredentialFilter | None) -> RowFilter | None:
    f = f or CredentialFilter()
    return all_of(
        in_values("status", f.status),
        in_values("credential_type", f.credential_type),
        id_equals(f.provider_id, "Provider", "provider_id", "providerId"),
        Compare("expiration_date", "<", f.expires_before) if f.expires_before else None,
    )


def contract_filter(f: ContractFilter | None) -> RowFilter | None:
    f = f or ContractFilter()
    return all_of(
        in_values("status", f.status),
        id_equals(f.provider_id, "Provider", "provider_id", "providerId"),
    )


def employer_filter(f: EmployerFilter | None) -> RowFilter | None:
    f = f or EmployerFilter()
    return all_of(in_values("status", f.status), eq("state", f.state) if f.state else None)
