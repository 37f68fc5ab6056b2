"""Members (subscribers) and their dependents."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry

from domain.masking import last_four
from graph import enums
from graph import loaders as ld
from graph.claim.inputs import ClaimFilter, ClaimOrder, claim_filter, claim_listing
from graph.context import Info
from graph.relay import Connection, Node
from graph.rows import build, build_optional

if TYPE_CHECKING:
    from graph.claim.types import Claim
    from graph.employer.types import Employer
    from graph.policy.types import Policy

ClaimRef = Annotated["Claim", strawberry.lazy("graph.claim.types")]
EmployerRef = Annotated["Employer", strawberry.lazy("graph.employer.types")]
PolicyRef = Annotated["Policy", strawberry.lazy("graph.policy.types")]


async def _claims(info: Info, loader, parent: UUID, first, after, filter, order_by):
    from graph.claim.types import Claim

    listing = claim_listing(order_by)
    request = listing.request(info.context, first=first, after=after, extra=claim_filter(filter))
    page = await info.context.loader(loader).load((parent, request))
    return listing.from_page(page, lambda r: build(Claim, r), request=request)


@strawberry.type(description="A subscriber (policyholder).")
class Member(Node):
    member_number: str
    first_name: str
    middle_name: str | None
    last_name: str
    date_of_birth: date
    gender: enums.Gender | None
    email: str | None
    phone: str | None
    alternate_phone: str | None
    address_line1: str | None
    address_line2: str | None
    city: str | None
    state: str | None
    zip_code: str | None
    country: str
    blood_type: str | None
    allergies: str | None
    medical_conditions: str | None
    emergency_contact_name: str | None
    emergency_contact_phone: str | None
    emergency_contact_relation: str | None
    status: enums.MemberStatus
    enrollment_date: date
    termination_date: date | None
    employee_id: str | None
    preferred_language: str
    created_at: datetime
    ssn_value: strawberry.Private[str | None] = strawberry.field(default=None)
    employer_id: strawberry.Private[UUID | None] = None

    @strawberry.field(description="Social security number, masked to the last four digits.")
    def ssn(self) -> str | None:
        return last_four(self.ssn_value)

    @strawberry.field
    async def employer(self, info: Info) -> EmployerRef | None:
        from graph.employer.types import Employer

        if self.employer_id is None:
            return None
        row = await info.context.loader(ld.EmployerByIdLoader).load(self.employer_id)
        return build_optional(Employer, row)

    @strawberry.field
    async def dependents(self, info: Info) -> list[Dependent]:
        rows = await info.context.loader(ld.DependentsByMemberIdLoader).load(self.db_id)
        return [build(Dependent, r) for r in rows]

    @strawberry.field(description="How many dependents the member has on record.")
    async def dependent_count(self, info: Info) -> int:
        rows = await info.context.loader(ld.DependentsByMemberIdLoader).load(self.db_id)
        return len(rows)

    @strawberry.field
    async def policies(self, info: Info) -> list[PolicyRef]:
        from graph.policy.types import Policy

        rows = await info.context.loader(ld.PoliciesByMemberIdLoader).load(self.db_id)
        return [build(Policy, r) for r in rows]

    @strawberry.field(description="Claims under this member's coverage (incl. dependents').")
    async def claims(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: ClaimFilter | None = None,
        order_by: ClaimOrder | None = None,
    ) -> Connection[ClaimRef]:
        return await _claims(
            info, ld.ClaimPagesByMemberIdLoader, self.db_id, first, after, filter, order_by
        )


@strawberry.type(description="A spouse, child or other person covered through a member.")
class Dependent(Node):
    first_name: str
    middle_name: str | None
    last_name: str
    date_of_birth: date
    gender: enums.Gender | None
    relationship: enums.Relationship
    email: str | None
    phone: str | None
    blood_type: str | None
    allergies: str | None
    medical_conditions: str | None
    status: enums.DependentStatus
    enrollment_date: date
    termination_date: date | None
    member_id: strawberry.Private[UUID]
    ssn_value: strawberry.Private[str | None] = None

    @strawberry.field(description="Social security number, masked to the last four digits.")
    def ssn(self) -> str | None:
        return last_four(self.ssn_value)

    @strawberry.field(description="The subscriber this dependent is covered through.")
    async def member(self, info: Info) -> Member | None:
        row = await info.context.loader(ld.MemberByIdLoader).load(self.member_id)
        return build_optional(Member, row)

    @strawberry.field(description="Claims for this dependent's care.")
    async def claims(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: ClaimFilter | None = None,
        order_by: ClaimOrder | None = None,
    ) -> Connection[ClaimRef]:
        return await _claims(
            info, ld.ClaimPagesByDependentIdLoader, self.db_id, first, after, filter, order_by
        )
