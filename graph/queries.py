"""Root lookups and lists for every entity (the root Query composes these)."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from db.repos import Order
from domain.access import Compare, Related, RowFilter, eq
from graph import enums
from graph import loaders as ld
from graph.access.mutations import AccessMutations
from graph.access.queries import AccessQueries
from graph.admin.mutations import AdminMutations
from graph.audit_log.queries import AuditQueries, DisclosureQueries
from graph.claim.appeals import AppealMutations
from graph.claim.inputs import (
    QUEUE,
    ClaimFilter,
    ClaimOrder,
    claim_filter,
    claim_listing,
    id_equals,
    in_values,
)
from graph.claim.mutations import ClaimMutations
from graph.claim.submit import ClaimValidationQueries, SubmitClaimMutations
from graph.claim.types import Appeal, Claim, Payment
from graph.context import Info
from graph.employer.types import Employer
from graph.errors import BadUserInput, NotFound
from graph.listing import Listing, OrderDirection, all_of, date_range
from graph.lookup import by_global_id
from graph.member.mutations import MemberMutations
from graph.member.types import Dependent, Member
from graph.policy.mutations import PolicyMutations
from graph.policy.types import Policy
from graph.provider.types import Contract, Credential, Provider
from graph.relay import Connection, Node
from graph.rows import build
from graph.search import reads
from graph.user.types import User
from graph.validation.api import ValidationMutations, ValidationQueries

# --- filters ---------------------------------------------------------------------------------


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


def _person_lookup(f) -> list[RowFilter]:
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


def _member_listing(order: MemberOrder | None) -> Listing:
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


@strawberry.type
class EntityQueries:
    @strawberry.field(description="The signed-in user.")
    async def me(self, info: Info) -> User:
        row = await info.context.loader(ld.UserByIdLoader).load(info.context.principal.user_id)
        if row is None:  # deleted between sign-in and now
            raise NotFound("user")
        return build(User, row)

    @strawberry.field(description="Any object by its global id.")
    async def node(self, info: Info, id: strawberry.ID) -> Node:
        return await by_global_id(info, id)

    # --- members and dependents ---
    @strawberry.field
    async def member(self, info: Info, id: strawberry.ID) -> Member:
        return await by_global_id(info, id, expected="Member")

    @strawberry.field
    async def members(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: MemberFilter | None = None,
        order_by: MemberOrder | None = None,
    ) -> Connection[Member]:
        f = filter or MemberFilter()
        extra = all_of(
            *_person_lookup(f),
            in_values("status", f.status),
            id_equals(f.employer_id, "Employer", "employer_id", "employerId"),
            eq("state", f.state) if f.state else None,
            eq("member_number", f.member_number) if f.member_number else None,
            *date_range("enrollment_date", f.enrolled_from, f.enrolled_to, field="enrolled"),
        )
        return await _member_listing(order_by).top_level(
            info.context, lambda r: build(Member, r), first=first, after=after, extra=extra
        )

    @strawberry.field
    async def dependent(self, info: Info, id: strawberry.ID) -> Dependent:
        return await by_global_id(info, id, expected="Dependent")

    @strawberry.field
    async def dependents(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: DependentFilter | None = None,
    ) -> Connection[Dependent]:
        f = filter or DependentFilter()
        extra = all_of(
            in_values("status", f.status),
            in_values("relationship", f.relationship),
            id_equals(f.member_id, "Member", "member_id", "memberId"),
        )
        return await DEPENDENTS.top_level(
            info.context, lambda r: build(Dependent, r), first=first, after=after, extra=extra
        )

    # --- policies ---
    @strawberry.field
    async def policy(self, info: Info, id: strawberry.ID) -> Policy:
        return await by_global_id(info, id, expected="Policy")

    @strawberry.field
    async def policies(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: PolicyFilter | None = None,
    ) -> Connection[Policy]:
        f = filter or PolicyFilter()
        employer = id_equals(f.employer_id, "Employer", "employer_id", "employerId")
        extra = all_of(
            in_values("status", f.status),
            in_values("plan_type", f.plan_type),
            id_equals(f.member_id, "Member", "member_id", "memberId"),
            Related("member", employer) if employer else None,
            *date_range("effective_date", f.effective_from, f.effective_to, field="effective"),
        )
        return await POLICIES.top_level(
            info.context, lambda r: build(Policy, r), first=first, after=after, extra=extra
        )

    # --- claims ---
    @strawberry.field
    async def claim(self, info: Info, id: strawberry.ID) -> Claim:
        return await by_global_id(info, id, expected="Claim")

    @strawberry.field
    async def claims(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: ClaimFilter | None = None,
        order_by: ClaimOrder | None = None,
    ) -> Connection[Claim]:
        return await claim_listing(order_by).top_level(
            info.context,
            lambda r: build(Claim, r),
            first=first,
            after=after,
            extra=claim_filter(filter),
        )

    @strawberry.field(description="Open claims, urgent → low, then oldest first (payer queue).")
    async def claim_queue(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> Connection[Claim]:
        from domain.enums import OPEN_CLAIM_STATUSES

        open_claims = Compare("status", "in", tuple(s.value for s in OPEN_CLAIM_STATUSES))
        return await QUEUE.top_level(
            info.context, lambda r: build(Claim, r), first=first, after=after, extra=open_claims
        )

    # --- appeals and payments ---
    @strawberry.field
    async def appeal(self, info: Info, id: strawberry.ID) -> Appeal:
        return await by_global_id(info, id, expected="Appeal")

    @strawberry.field
    async def appeals(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: AppealFilter | None = None,
    ) -> Connection[Appeal]:
        f = filter or AppealFilter()
        extra = all_of(
            in_values("status", f.status),
            in_values("urgency", f.urgency),
            id_equals(f.claim_id, "Claim", "claim_id", "claimId"),
            Compare("due_at", "<", f.due_before) if f.due_before else None,
        )
        return await APPEALS.top_level(
            info.context, lambda r: build(Appeal, r), first=first, after=after, extra=extra
        )

    @strawberry.field
    async def payment(self, info: Info, id: strawberry.ID) -> Payment:
        return await by_global_id(info, id, expected="Payment")

    @strawberry.field
    async def payments(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: PaymentFilter | None = None,
    ) -> Connection[Payment]:
        f = filter or PaymentFilter()
        extra = all_of(
            in_values("status", f.status),
            in_values("payment_type", f.payment_type),
            id_equals(f.claim_id, "Claim", "claim_id", "claimId"),
            id_equals(f.policy_id, "Policy", "policy_id", "policyId"),
        )
        return await PAYMENTS.top_level(
            info.context, lambda r: build(Payment, r), first=first, after=after, extra=extra
        )

    # --- providers, credentials, contracts ---
    @strawberry.field
    async def provider(self, info: Info, id: strawberry.ID) -> Provider:
        return await by_global_id(info, id, expected="Provider")

    @strawberry.field
    async def providers(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: ProviderFilter | None = None,
    ) -> Connection[Provider]:
        f = filter or ProviderFilter()
        extra = all_of(
            in_values("network_status", f.network_status),
            in_values("provider_type", f.provider_type),
            in_values("status", f.status),
            eq("state", f.state) if f.state else None,
            eq("primary_specialty", f.specialty) if f.specialty else None,
            eq("npi", f.npi) if f.npi else None,
        )
        return await PROVIDERS.top_level(
            info.context, lambda r: build(Provider, r), first=first, after=after, extra=extra
        )

    @strawberry.field
    async def credential(self, info: Info, id: strawberry.ID) -> Credential:
        return await by_global_id(info, id, expected="Credential")

    @strawberry.field
    async def credentials(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: CredentialFilter | None = None,
    ) -> Connection[Credential]:
        f = filter or CredentialFilter()
        extra = all_of(
            in_values("status", f.status),
            in_values("credential_type", f.credential_type),
            id_equals(f.provider_id, "Provider", "provider_id", "providerId"),
            Compare("expiration_date", "<", f.expires_before) if f.expires_before else None,
        )
        return await CREDENTIALS.top_level(
            info.context, lambda r: build(Credential, r), first=first, after=after, extra=extra
        )

    @strawberry.field
    async def contract(self, info: Info, id: strawberry.ID) -> Contract:
        return await by_global_id(info, id, expected="Contract")

    @strawberry.field
    async def contracts(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: ContractFilter | None = None,
    ) -> Connection[Contract]:
        f = filter or ContractFilter()
        extra = all_of(
            in_values("status", f.status),
            id_equals(f.provider_id, "Provider", "provider_id", "providerId"),
        )
        return await CONTRACTS.top_level(
            info.context, lambda r: build(Contract, r), first=first, after=after, extra=extra
        )

    # --- employers ---
    @strawberry.field
    async def employer(self, info: Info, id: strawberry.ID) -> Employer:
        return await by_global_id(info, id, expected="Employer")

    @strawberry.field
    async def employers(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: EmployerFilter | None = None,
    ) -> Connection[Employer]:
        f = filter or EmployerFilter()
        extra = all_of(in_values("status", f.status), eq("state", f.state) if f.state else None)
        return await EMPLOYERS.top_level(
            info.context, lambda r: build(Employer, r), first=first, after=after, extra=extra
        )


@strawberry.type
class Query(
    EntityQueries,
    AccessQueries,
    AuditQueries,
    DisclosureQueries,
    ClaimValidationQueries,
    ValidationQueries,
):
    """The root: every entity's lookups and lists, and the access tools."""


@strawberry.type
class Mutation(
    AccessMutations,
    ClaimMutations,
    SubmitClaimMutations,
    AppealMutations,
    AdminMutations,
    ValidationMutations,
    MemberMutations,
    PolicyMutations,
):
    """Every change; a regulator may attempt none of them (policies/base.polar)."""
