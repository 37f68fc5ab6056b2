"""The signed-in user."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry

from graph import enums
from graph import loaders as ld
from graph.context import Info
from graph.fields import BUSINESS, classified
from graph.relay import Node
from graph.rows import build_optional, relation
from policies.resources import FieldView

if TYPE_CHECKING:
    from graph.employer.types import Employer
    from graph.member.types import Dependent, Member
    from graph.provider.types import Provider

MemberRef = Annotated["Member", strawberry.lazy("graph.member.types")]
DependentRef = Annotated["Dependent", strawberry.lazy("graph.member.types")]
ProviderRef = Annotated["Provider", strawberry.lazy("graph.provider.types")]
EmployerRef = Annotated["Employer", strawberry.lazy("graph.employer.types")]


async def _tied(info: Info, loader, cls, key: UUID | None) -> Any:
    if key is None:
        return None
    return build_optional(cls, await info.context.loader(loader).load(key))


@strawberry.type(description="A user of the API and the records its role is tied to.")
class User(Node):
    email = classified(
        "email", BUSINESS, "business", str,
        description="The address the user signs in with; one account per address.",
    )  # fmt: skip
    display_name = classified(
        "display_name", BUSINESS, "business", str,
        description="The name shown for the user in the app; null when none was given.",
    )  # fmt: skip
    role = classified(
        "role", BUSINESS, "business", enums.Role,
        description="The one role the user acts in; it decides what they may see and do.",
    )  # fmt: skip
    jurisdiction = classified(
        "jurisdiction", BUSINESS, "business", str,
        description="For a regulator, the two-letter US state its reads are limited to (CA).",
    )  # fmt: skip
    mfa_enabled = classified(
        "mfa_enabled", BUSINESS, "business", bool,
        description="Whether signing in with a password also takes a one-time code (TOTP).",
    )  # fmt: skip
    status = classified(
        "status", BUSINESS, "business", enums.UserStatus,
        description="Whether the account may sign in.",
    )  # fmt: skip

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="User")

    @strawberry.field(description="The member record, for a member.")
    @relation(ld.MemberByIdLoader, "member_id")
    async def member(self, info: Info) -> MemberRef | None:
        from graph.member.types import Member

        return await _tied(info, ld.MemberByIdLoader, Member, self._row["member_id"])

    @strawberry.field(description="The dependent record, for an adult dependent.")
    @relation(ld.DependentByIdLoader, "dependent_id")
    async def dependent(self, info: Info) -> DependentRef | None:
        from graph.member.types import Dependent

        return await _tied(info, ld.DependentByIdLoader, Dependent, self._row["dependent_id"])

    @strawberry.field(description="The provider organisation, for provider staff.")
    @relation(ld.ProviderByIdLoader, "provider_id")
    async def provider(self, info: Info) -> ProviderRef | None:
        from graph.provider.types import Provider

        return await _tied(info, ld.ProviderByIdLoader, Provider, self._row["provider_id"])

    @strawberry.field(description="The employer, for an employer's benefits administrator.")
    @relation(ld.EmployerByIdLoader, "employer_id")
    async def employer(self, info: Info) -> EmployerRef | None:
        from graph.employer.types import Employer

        return await _tied(info, ld.EmployerByIdLoader, Employer, self._row["employer_id"])
