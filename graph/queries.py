"""Root lookups and lists for every entity (the root Query composes these)."""

from __future__ import annotations

import strawberry

from domain.access import Compare
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
)
from graph.claim.mutations import ClaimMutations
from graph.claim.submit import ClaimValidationQueries, SubmitClaimMutations
from graph.claim.types import Appeal, Claim, Payment
from graph.context import Info
from graph.employer.types import Employer
from graph.errors import NotFound
from graph.filters import (
    APPEALS,
    CONTRACTS,
    CREDENTIALS,
    DEPENDENTS,
    EMPLOYERS,
    PAYMENTS,
    POLICIES,
    PROVIDERS,
    AppealFilter,
    ContractFilter,
    CredentialFilter,
    DependentFilter,
    EmployerFilter,
    MemberFilter,
    MemberOrder,
    PaymentFilter,
    PolicyFilter,
    ProviderFilter,
    appeal_filter,
    contract_filter,
    credential_filter,
    dependent_filter,
    employer_filter,
    member_filter,
    member_listing,
    payment_filter,
    policy_filter,
    provider_filter,
)
from graph.lookup import by_global_id
from graph.member.mutations import MemberMutations
from graph.member.types import Dependent, Member
from graph.policy.mutations import PolicyMutations
from graph.policy.types import Policy
from graph.provider.types import Contract, Credential, Provider
from graph.relay import Connection, Node
from graph.rows import build
from graph.user.types import User
from graph.validation.api import ValidationMutations, ValidationQueries


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
        extra = member_filter(filter)
        return await member_listing(order_by).top_level(
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
        extra = dependent_filter(filter)
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
        extra = policy_filter(filter)
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
        extra = appeal_filter(filter)
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
        extra = payment_filter(filter)
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
        extra = provider_filter(filter)
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
        extra = credential_filter(filter)
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
        extra = contract_filter(filter)
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
        extra = employer_filter(filter)
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
