"""The root Query and Mutation, composed from each area's classes, and the root lookups and
lists of people, coverage and claims (organisations: graph/organisations.py)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.access import Compare
from graph import loaders as ld
from graph.access.mutations import AccessMutations
from graph.access.queries import AccessQueries
from graph.admin.mutations import AdminMutations
from graph.audit_log.queries import AuditQueries, DisclosureQueries
from graph.claim.appeal_information import AppealInformationMutations
from graph.claim.appeals import AppealMutations
from graph.claim.corrections import ClaimCorrectionMutations
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
from graph.eligibility import EligibilityQueries
from graph.errors import NotFound
from graph.filter_inputs import (
    AppealFilter,
    DependentFilter,
    MemberFilter,
    MemberOrder,
    PaymentFilter,
    PolicyFilter,
)
from graph.filters import (
    APPEALS,
    DEPENDENTS,
    PAYMENTS,
    POLICIES,
    appeal_filter,
    dependent_filter,
    member_filter,
    member_listing,
    payment_filter,
    policy_filter,
)
from graph.lookup import by_global_id
from graph.member.corrections import PersonCorrectionMutations
from graph.member.lifecycle import MemberLifecycleMutations
from graph.member.mutations import MemberMutations
from graph.member.profile import ProfileMutations
from graph.member.types import Dependent, Member
from graph.organisations import OrganisationQueries
from graph.policy.maintenance import PolicyMaintenanceMutations
from graph.policy.mutations import PolicyMutations
from graph.policy.types import Policy
from graph.reference.queries import ReferenceQueries
from graph.relay import Connection, Node
from graph.rows import build
from graph.user.types import User
from graph.validation.api import ValidationMutations, ValidationQueries

_NARROW = " that match every field given; a field your role may not read is refused (FORBIDDEN)."
_ORDER = "Ordering by a field your role may not read is refused (FORBIDDEN)."
_FIXED = "(a fixed order for roles that may not read {})"
_LOOKUP = "; NOT_FOUND when there is none or you may not see it (the same answer for both)."


def _id(of: str):
    return strawberry.argument(description=f"The {of}'s global id, as its `id` field gives it.")


MemberId = Annotated[strawberry.ID, _id("member")]
DependentId = Annotated[strawberry.ID, _id("dependent")]
PolicyId = Annotated[strawberry.ID, _id("policy")]
ClaimId = Annotated[strawberry.ID, _id("claim")]
AppealId = Annotated[strawberry.ID, _id("appeal")]
PaymentId = Annotated[strawberry.ID, _id("payment")]
MemberFilterArg = Annotated[
    MemberFilter | None, strawberry.argument(description="Only the members" + _NARROW)
]
MemberOrderArg = Annotated[
    MemberOrder | None,
    strawberry.argument(description="Sort order; by default member number, ascending. " + _ORDER),
]
DependentFilterArg = Annotated[
    DependentFilter | None,
    strawberry.argument(description="Only the dependents" + _NARROW),
]
PolicyFilterArg = Annotated[
    PolicyFilter | None, strawberry.argument(description="Only the policies" + _NARROW)
]
ClaimFilterArg = Annotated[
    ClaimFilter | None, strawberry.argument(description="Only the claims" + _NARROW)
]
ClaimOrderArg = Annotated[
    ClaimOrder | None,
    strawberry.argument(
        description="Sort order; by default submission time, newest first. " + _ORDER
    ),
]
AppealFilterArg = Annotated[
    AppealFilter | None, strawberry.argument(description="Only the appeals" + _NARROW)
]
PaymentFilterArg = Annotated[
    PaymentFilter | None, strawberry.argument(description="Only the payments" + _NARROW)
]


@strawberry.type
class EntityQueries:
    @strawberry.field(description="The signed-in user.")
    async def me(self, info: Info) -> User:
        row = await info.context.loader(ld.UserByIdLoader).load(info.context.principal.user_id)
        if row is None:  # deleted between sign-in and now
            raise NotFound("user")
        return build(User, row)

    @strawberry.field(description="Any object by its global id.")
    async def node(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="A global id of any type, as an object's `id` gives it."
            ),
        ],
    ) -> Node:
        return await by_global_id(info, id)

    # --- members and dependents ---
    @strawberry.field(description="One subscriber (policyholder) by global id" + _LOOKUP)
    async def member(self, info: Info, id: MemberId) -> Member:
        return await by_global_id(info, id, expected="Member")

    @strawberry.field(
        description="Subscribers you may see: a member themself, an employer its employees, "
        "provider staff those their organisation has claims for, a regulator those whose "
        "employer is in its state (de-identified), plan staff all. In member-number order "
        "unless `orderBy` says otherwise " + _FIXED.format("member numbers") + "."
    )
    async def members(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: MemberFilterArg = None,
        order_by: MemberOrderArg = None,
    ) -> Connection[Member]:
        extra = member_filter(filter)
        return await member_listing(order_by).top_level(
            info.context, lambda r: build(Member, r), first=first, after=after, extra=extra
        )

    @strawberry.field(
        description="One dependent (spouse, child or other person covered through a "
        "subscriber) by global id" + _LOOKUP
    )
    async def dependent(self, info: Info, id: DependentId) -> Dependent:
        return await by_global_id(info, id, expected="Dependent")

    @strawberry.field(
        description="Dependents you may see (a subscriber those covered through them; an adult "
        "dependent themself), oldest record first " + _FIXED.format("record dates") + "."
    )
    async def dependents(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: DependentFilterArg = None,
    ) -> Connection[Dependent]:
        extra = dependent_filter(filter)
        return await DEPENDENTS.top_level(
            info.context, lambda r: build(Dependent, r), first=first, after=after, extra=extra
        )

    # --- policies ---
    @strawberry.field(description="One policy (a member's coverage) by global id" + _LOOKUP)
    async def policy(self, info: Info, id: PolicyId) -> Policy:
        return await by_global_id(info, id, expected="Policy")

    @strawberry.field(
        description="Policies you may see (a member their own, an employer its employees', "
        "plan staff all), latest effective date first " + _FIXED.format("record dates") + "."
    )
    async def policies(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: PolicyFilterArg = None,
    ) -> Connection[Policy]:
        extra = policy_filter(filter)
        return await POLICIES.top_level(
            info.context, lambda r: build(Policy, r), first=first, after=after, extra=extra
        )

    # --- claims ---
    @strawberry.field(description="One claim by global id" + _LOOKUP)
    async def claim(self, info: Info, id: ClaimId) -> Claim:
        return await by_global_id(info, id, expected="Claim")

    @strawberry.field(
        description="Claims you may see: a member their own and their dependents' that are "
        "not sensitive (an adult dependent's only with consent), an adult dependent their "
        "own, provider staff their organisation's, a regulator the non-sensitive claims of "
        "providers in its state (de-identified), plan staff all; employers none. Newest "
        "submission first unless `orderBy` says otherwise " + _FIXED.format("record dates") + "."
    )
    async def claims(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: ClaimFilterArg = None,
        order_by: ClaimOrderArg = None,
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
    @strawberry.field(description="One appeal of a claim decision by global id" + _LOOKUP)
    async def appeal(self, info: Info, id: AppealId) -> Appeal:
        return await by_global_id(info, id, expected="Appeal")

    @strawberry.field(
        description="Appeals on claims you may see, earliest decision due first "
        + _FIXED.format("record dates")
        + "."
    )
    async def appeals(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: AppealFilterArg = None,
    ) -> Connection[Appeal]:
        extra = appeal_filter(filter)
        return await APPEALS.top_level(
            info.context, lambda r: build(Appeal, r), first=first, after=after, extra=extra
        )

    @strawberry.field(description="One payment by global id" + _LOOKUP)
    async def payment(self, info: Info, id: PaymentId) -> Payment:
        return await by_global_id(info, id, expected="Payment")

    @strawberry.field(
        description="Payments you may see (a claim payment where its claim is visible, a "
        "premium payment where its policy is), newest first " + _FIXED.format("record dates") + "."
    )
    async def payments(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: PaymentFilterArg = None,
    ) -> Connection[Payment]:
        extra = payment_filter(filter)
        return await PAYMENTS.top_level(
            info.context, lambda r: build(Payment, r), first=first, after=after, extra=extra
        )


@strawberry.type(
    description="Every read: the signed-in user, each kind of record by id and as a paged "
    "list (only what your role may see), the auditor's and employers' tools, claim "
    "validation, and the code sets claims are written with."
)
class Query(
    EntityQueries,
    OrganisationQueries,
    AccessQueries,
    AuditQueries,
    DisclosureQueries,
    ClaimValidationQueries,
    EligibilityQueries,
    ValidationQueries,
    ReferenceQueries,
):
    pass


@strawberry.type(
    description="Every change. Each first asks the policy whether your role may attempt it "
    "at all; a regulator may attempt none (policies/base.polar)."
)
class Mutation(
    AccessMutations,
    ClaimMutations,
    SubmitClaimMutations,
    ClaimCorrectionMutations,
    AppealMutations,
    AppealInformationMutations,
    AdminMutations,
    ValidationMutations,
    MemberMutations,
    MemberLifecycleMutations,
    PersonCorrectionMutations,
    ProfileMutations,
    PolicyMutations,
    PolicyMaintenanceMutations,
):
    pass
