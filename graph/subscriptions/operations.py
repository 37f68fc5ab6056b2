"""Queries and mutations sent over a WebSocket, and the audit of every delivery: the schema
extension that gives each its own context, as over HTTP, and writes what a result read
before the result leaves."""

from __future__ import annotations

import logging

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from db import faults
from graph.context import current_context, enter, leave

log = logging.getLogger("claimgraph.subscriptions")

_DELIVERY = "subscription_delivery"


class SocketOperations(SchemaExtension):
    """A query or mutation sent over a WebSocket runs under its own context, as over HTTP
    (subscriptions make one per event instead)."""

    async def on_operation(self):
        socket = getattr(self.execution_context.context, "socket", None)
        if socket is None or _is_subscription(self.execution_context):
            yield
            return
        ctx = await socket.checked_context()
        token = enter(ctx)
        try:
            yield
        finally:
            leave(token)
            await ctx.db.close()

    async def get_results(self) -> dict:
        """Before each result leaves the server (every event of a subscription), write the
        audit rows of what it reads; if that fails, the exception ends the subscription
        and the result is never sent (fail closed, as over HTTP)."""
        if getattr(self.execution_context.context, "socket", None) is None:
            return {}
        try:
            ctx = current_context()
        except LookupError:
            return {}
        if _is_subscription(self.execution_context):
            # every delivery leaves a row, even one that carries no PHI: who was told what
            name = self.execution_context.operation_name or "subscription"
            ctx.audit.event(_DELIVERY, "Subscription", None, fields=[name[:64]])
        rows = ctx.audit.drain(ctx)
        # the result is complete: its connection goes back before the audit write (which
        # takes one of its own) is waited for (graph/subscriptions/api.py, _finish)
        await ctx.db.close()
        if rows:
            try:  # with the rows of every other delivery being written at the same time
                await self.execution_context.context.socket.hub.audit.append(rows)
            except Exception as exc:
                # A result that read no PHI still leaves: the coded error that ends a
                # subscription whose delivery could not be audited (SERVICE_UNAVAILABLE in an
                # outage, INTERNAL otherwise), instead of a bare `complete`. Anything that
                # read PHI fails closed.
                if any(r["action"] != _DELIVERY for r in rows):
                    raise
                cause = "database unavailable" if faults.unavailable(exc) else "write refused"
                log.warning("delivery not audited (no PHI in it): %s", cause)
        return {}


def _is_subscription(execution_context) -> bool:
    try:
        return execution_context.operation_type is OperationType.SUBSCRIPTION
    except Exception:  # noqa: BLE001 - an unparsable document: GraphQL reports it
        return False
