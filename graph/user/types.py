"""The signed-in user."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry

from domain.accounts import role_title
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


@strawberry.type(
    description="A user of the API and the records its role is tied to; also who did what on "
    "a claim or appeal. Whoever may read a claim sees the role of those who acted on it; who "
    "they are (email, display name) only their own organisation, the plan's staff and the "
    "account's owner."
)
class User(Node):
    email = classified(
        "email", BUSINESS, "account_name", str,
        description="The address the user signs in with; one account per address. Null "
        "with FORBIDDEN for a plan staff account to members, providers and regulators.",
    )  # fmt: skip
    display_name = classified(
        "display_name", BUSINESS, "account_name", str,
        description="The name shown for the user in the app; null when none was given. "
        "Hidden as email is.",
    )  # fmt: skip
    role = classified(
        "role", BUSINESS, "business", enums.Role,
        description="The one role the user acts in; it decides what they may see and do.",
    )  # fmt: skip
    role_title = classified(
        "role", BUSINESS, "business", str,
        description="The role in words, as a letter from the plan would sign (Claims "
        "adjudicator, Provider staff, Plan staff, Member): what a member or provider is "
        "told of who acted on their claim.",
        render=lambda role, row: role_title(role),
    )  # fmt: skip
    jurisdiction = classified(
        "jurisdiction", BUSINESS, "account", str,
        description="For a regulator, the two-letter US state its reads are limited to (CA).",
    )  # fmt: skip
    mfa_enabled = classified(
        "mfa_enabled", BUSINESS, "account", bool,
        description="Whether signing in with a password also takes a one-time code (TOTP).",
    )  # fmt: skip
    status = classified(
        "status", BUSINESS, "account", enums.UserStatus,
        description="Whether the account may sign in.",
    )  # fmt: skip

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        mine = principal.provider_id
        return FieldView(
            type="User",
            own_account=row["id"] == principal.user_id,
            own_organisation=mine is not None and row["provider_id"] == mine,
            person_account=row["role"] in ("member", "dependent"),
        )

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
