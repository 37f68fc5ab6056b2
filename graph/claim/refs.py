"""What the claim types share: lazy references to the types they point at, and one record by
its key, read under the caller's rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from graph.context import Info
from graph.rows import build_optional

if TYPE_CHECKING:
    from graph.claim.types import Claim
    from graph.member.types import Dependent, Member
    from graph.policy.types import Policy
    from graph.provider.types import Provider

ClaimRef = Annotated["Claim", strawberry.lazy("graph.claim.types")]
MemberRef = Annotated["Member", strawberry.lazy("graph.member.types")]
DependentRef = Annotated["Dependent", strawberry.lazy("graph.member.types")]
PolicyRef = Annotated["Policy", strawberry.lazy("graph.policy.types")]
ProviderRef = Annotated["Provider", strawberry.lazy("graph.provider.types")]


async def one(info: Info, loader, cls, key) -> Any:
    """The record `key` names, as `cls`; None without a key or when the caller may not see it."""
    if key is None:
        return None
    return build_optional(cls, await info.context.loader(loader).load(key))
