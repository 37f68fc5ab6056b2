"""The one check every mutation makes before it changes anything."""

from __future__ import annotations

from graph.context import Info
from graph.errors import Forbidden
from policies import resources as res


def require(
    info: Info, action: str, resource: res.Resource, *, related: tuple[res.Resource, ...] = ()
) -> None:
    """The policy must allow `action` on `resource` (rules may reach the `related` records);
    a refusal is audited, then FORBIDDEN."""
    ctx = info.context
    if not ctx.authorizer.allowed(ctx.principal, action, resource, related=related):
        info.context.audit.event(
            f"{action}_denied",
            type(resource).__name__,
            getattr(resource, "id", None),
            success=False,
            error="FORBIDDEN",
        )
        raise Forbidden("You may not do that to this record.")


async def claim_related(info: Info, row) -> tuple[res.Resource, ...]:
    """What claim rules reach from a claim: its provider (and through it, the group)."""
    from graph import loaders as ld

    provider = await info.context.loader(ld.ProviderByIdLoader).load(row["provider_id"])
    return () if provider is None else (res.Provider(**provider),)
