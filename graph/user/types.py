"""The signed-in user."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry

from graph import enums
from graph import loaders as ld
from graph.context import Info
from graph.relay import Node
from graph.rows import build_optional

if TYPE_CHECKING:
    from graph.employer.types import Employer
    from graph.member.types import Dependent, Member
    from graph.provider.types import Provider

MemberRef = Annotated["Member", strawberry.lazy("graph.member.types")]
DependentRef = Annotated["Dependent", strawberry.lazy("graph.member.types")]
ProviderRef = Annotated["Provider", strawberry.lazy("graph.provider.types")]
EmployerRef = Annotated["Employer", strawberry.lazy("graph.employer.types")]


@strawberry.type(description="A user of the API and the records its role is tied to.")
class User(Node):
    email: str
    display_name: str | None
    role: enums.Role
    jurisdiction: str | None
    mfa_enabled: bool
    member_id: strawberry.Private[UUID | None]
    dependent_id: strawberry.Private[UUID | None]
    provider_id: strawberry.Private[UUID | None]
    employer_id: strawberry.Private[UUID | None]

    @strawberry.field(description="The member record, for a member.")
    async def member(self, info: Info) -> MemberRef | None:
        from graph.member.types import Member

        return await _tied(info, ld.MemberByIdLoader, Member, self.member_id)

    @strawberry.field(description="The dependent record, for an adult dependent.")
    async def dependent(self, info: Info) -> DependentRef | None:
        from graph.member.types import Dependent

        return await _tied(info, ld.DependentByIdLoader, Dependent, self.dependent_id)

    @strawberry.field(description="The provider organisation, for provider staff.")
    async def provider(self, info: Info) -> ProviderRef | None:
        from graph.provider.types import Provider

        return await _tied(info, ld.ProviderByIdLoader, Provider, self.provider_id)

    @strawberry.field(description="The employer, for an employer's benefits administrator.")
    async def employer(self, info: Info) -> EmployerRef | None:
        from graph.employer.types import Employer

        return await _tied(info, ld.EmployerByIdLoader, Employer, self.employer_id)


async def _tied(info: Info, loader, cls, key: UUID | None):
    if key is None:
        return None
    return build_optional(cls, await info.context.loader(loader).load(key))
