"""The one check every mutation makes before it changes anything."""

from __future__ import annotations

from graph.context import Info
from graph.errors import Forbidden
from policies import resources as res


def require(info: Info, action: str, resource: res.Resource) -> None:
    """The policy must allow `action` on `resource`; a refusal is audited, then FORBIDDEN."""
    if not info.context.authorizer.allowed(info.context.principal, action, resource):
        info.context.audit.event(
            f"{action}_denied",
            type(resource).__name__,
            getattr(resource, "id", None),
            success=False,
            error="FORBIDDEN",
        )
        raise Forbidden("You may not do that to this record.")
