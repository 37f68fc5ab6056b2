"""The audit buffer: every PHI value that leaves, every denial and every write, per request.

Resolvers note what they return; before the response is sent the buffer is written in one
statement. If that write fails the client gets an error and no data (fail closed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from graph.errors import ApiError


class AuditUnavailable(ApiError):
    code = "INTERNAL"


@dataclass
class _Read:
    resource_type: str
    resource_id: UUID | None
    subject_member_id: UUID | None
    subject_dependent_id: UUID | None
    fields: set[str] = field(default_factory=set)
    rules: set[str] = field(default_factory=set)
    denied: set[str] = field(default_factory=set)


@dataclass
class AuditBuffer:
    reads: dict[tuple[str, Any], _Read] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    operation_name: str | None = None

    def read(self, key: tuple, name: str, rule: str, *, allowed: bool) -> None:
        """A PHI or restricted field of one record was returned (or refused)."""
        resource_type, resource_id, subject, dependent = key
        entry = self.reads.get((resource_type, resource_id))
        if entry is None:
            entry = _Read(resource_type, resource_id, subject, dependent)
            self.reads[(resource_type, resource_id)] = entry
        if allowed:
            entry.fields.add(name)
            entry.rules.add(rule)
        else:
            entry.denied.add(name)

    def event(self, action: str, resource_type: str, resource_id: Any, **values: Any) -> None:
        """A write, a refusal or a sign-in: one row of its own."""
        self.events.append(
            {"action": action, "resource_type": resource_type, "resource_id": resource_id} | values
        )

    def drain(self, ctx, *, reads: bool = True) -> list[dict[str, Any]]:
        """The rows to write, with who, why and from where; what is drained is emptied."""
        p = ctx.principal
        common = {
            "user_id": p.user_id if ctx.local_user else None,
            "role": p.role.value,
            "organisation": _organisation(p),
            "purpose_of_use": p.purpose_of_use.value if p.purpose_of_use else None,
            "operation_name": self.operation_name,
            "request_id": ctx.request_id,
            "client_ip": ctx.client_ip,
            "user_agent": (ctx.user_agent or "")[:512] or None,
        }
        glass = set(p.break_glass_member_ids)
        rows = []
        for r in self.reads.values() if reads else ():
            broke = r.subject_member_id in glass
            if r.fields:
                rows.append(
                    common
                    | {
                        "action": "read",
                        "resource_type": r.resource_type,
                        "resource_id": r.resource_id,
                        "subject_member_id": r.subject_member_id,
                        "subject_dependent_id": r.subject_dependent_id,
                        "fields": sorted(r.fields),
                        "policy_rule": ", ".join(sorted(r.rules)),
                        "break_glass": broke,
                    }
                )
            if r.denied:
                rows.append(
                    common
                    | {
                        "action": "read_denied",
                        "resource_type": r.resource_type,
                        "resource_id": r.resource_id,
                        "subject_member_id": r.subject_member_id,
                        "subject_dependent_id": r.subject_dependent_id,
                        "fields": sorted(r.denied),
                        "success": False,
                        "break_glass": broke,
                    }
                )
        for e in self.events:
            rows.append(common | {"break_glass": e.get("subject_member_id") in glass} | e)
        if reads:
            self.reads.clear()
        self.events.clear()
        return rows


def _organisation(p) -> str | None:
    for label, value in (
        ("provider", p.provider_id),
        ("employer", p.employer_id),
        ("jurisdiction", p.jurisdiction),
    ):
        if value is not None:
            return f"{label}:{value}"
    return None


class AuditTrail(SchemaExtension):
    """Writes the request's audit rows before the response leaves; fails closed.

    A query that only read (db/session.py, `pending`) has nothing to commit with its rows:
    its connection goes back, and the rows are written together with those of every other
    answer made at the same time (db/audit.Appender); the answer waits for that commit.
    Anything else (a mutation, a query that wrote) writes them in its own transaction,
    which then commits."""

    def _alone(self, ctx) -> bool:
        ec = self.execution_context
        return (
            ctx.appender is not None
            and ec.graphql_document is not None
            and ec.operation_type is OperationType.QUERY
            and not ctx.db.pending
        )

    async def on_operation(self):
        yield
        ctx = self.execution_context.context
        result = self.execution_context.result
        # subscriptions audit what they push, event by event (graph/subscriptions)
        if ctx is None or result is None or getattr(ctx, "audit", None) is None:
            return
        ctx.audit.operation_name = self.execution_context.operation_name
        rows = ctx.audit.drain(ctx)
        if not rows:
            return
        from db import audit as audit_db

        try:
            if self._alone(ctx):
                await ctx.db.close()  # nothing to commit with the rows: give it back first
                await ctx.appender.append(rows)
            else:
                await audit_db.write(ctx.db, rows)
                await ctx.db.commit()
        except Exception:  # noqa: BLE001 - any failure: no PHI leaves unaudited
            import logging

            logging.getLogger("claimgraph.audit").exception(
                "audit write failed", extra={"request_id": ctx.request_id}
            )
            result.data = None
            result.errors = [
                AuditUnavailable(
                    "The audit trail could not be written, so no data was returned.",
                    requestId=ctx.request_id,
                )
            ]
