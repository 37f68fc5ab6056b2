"""The auditor's tools (the audit trail, filtered and paged, and the chain check) and a
member's own accounting of disclosures."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import strawberry

from db import audit as audit_db
from db import audit_chain
from db.repos import Order
from domain.access import RowFilter, eq
from graph.audit_log.types import AuditChainReport, AuditEntry, AuditFilter, Disclosure
from graph.context import Info
from graph.errors import Forbidden
from graph.listing import Listing, all_of, date_range
from graph.relay import Connection, from_global_id
from graph.rows import build
from policies import resources as res

# seq: the order rows were written in (chain positions count within one partition)
TRAIL = Listing("audit_entry", [Order("seq", descending=True)])


def _filter(f: AuditFilter | None) -> RowFilter | None:
    if f is None:
        return None
    parts: list[RowFilter | None] = [
        eq("user_id", from_global_id(f.user_id, expected="User", field="filter.userId")[1])
        if f.user_id
        else None,
        eq(
            "subject_member_id",
            from_global_id(f.member_id, expected="Member", field="filter.memberId")[1],
        )
        if f.member_id
        else None,
        eq("resource_type", f.resource_type) if f.resource_type else None,
        eq("action", f.action) if f.action else None,
        eq("break_glass", f.break_glass) if f.break_glass is not None else None,
        *date_range("occurred_at", f.occurred_from, f.occurred_to, field="occurred"),
    ]
    if f.resource_id:
        type_name, db_id = from_global_id(f.resource_id, field="filter.resourceId")
        parts += [eq("resource_type", type_name), eq("resource_id", db_id)]
    return all_of(*parts)


@strawberry.type
class AuditQueries:
    @strawberry.field(description="The audit trail, newest first (auditors).")
    async def audit_log(
        self,
        info: Info,
        first: int = 50,
        after: str | None = None,
        filter: Annotated[
            AuditFilter | None,
            strawberry.argument(description="Only entries that match every field given."),
        ] = None,
    ) -> Connection[AuditEntry]:
        return await TRAIL.top_level(
            info.context,
            lambda r: build(AuditEntry, r),
            first=first,
            after=after,
            extra=_filter(filter),
        )

    @strawberry.field(
        description="Recompute the audit hash chains and report the first row that was "
        "edited, moved, unlinked or removed (auditors). Without a window and without `full`, "
        "only rows written since the last intact check are read: that check's positions are "
        "a checkpoint, and the rows before them are trusted (an edit there is found by "
        "`full: true`, which reads every row and checks every checkpoint). An intact check "
        "without a window becomes the next checkpoint. With `from` or `to`, rows written in "
        "that window are checked (with their links) and no checkpoint is used or written."
    )
    async def verify_audit_chain(
        self,
        info: Info,
        from_: Annotated[
            datetime | None,
            strawberry.argument(
                name="from",
                description="Check only rows recorded at or after this time (a window: no "
                "checkpoint is used or written).",
            ),
        ] = None,
        to: Annotated[
            datetime | None,
            strawberry.argument(
                description="Check only rows recorded at or before this time (a window, as "
                "with `from`)."
            ),
        ] = None,
        full: Annotated[
            bool,
            strawberry.argument(
                description="Read every row from the start of each chain and check every "
                "checkpoint, rather than resume from the last checkpoint: this finds an edit "
                "to a row an earlier check already passed."
            ),
        ] = False,
    ) -> AuditChainReport:
        ctx = info.context
        if not ctx.authorizer.allowed(ctx.principal, "verify_chain", res.AuditEntry()):
            raise Forbidden("Only an auditor verifies the audit chain.")
        if from_ is not None or to is not None:
            date_range(
                "occurred_at",
                from_ or datetime(1970, 1, 1, tzinfo=UTC),
                to or datetime.now(UTC),
                field="from",
            )
        report = await audit_chain.verify(ctx.db, full=full, start=from_, end=to)
        if report.anchor is not None:
            await ctx.db.commit()  # the checkpoint, whatever else the request does
        broken = report.broken
        return AuditChainReport(
            intact=broken is None,
            checked_rows=report.checked,
            first_broken_partition=broken["partition"] if broken else None,
            first_broken_position=broken["chain_pos"] if broken else None,
            first_broken_id=strawberry.ID(str(broken["id"])) if broken and broken["id"] else None,
            reason=broken["reason"] if broken else None,
            resumed_from_checkpoint=report.checkpoint is not None,
        )


@strawberry.type
class DisclosureQueries:
    @strawberry.field(
        description="Your accounting of disclosures (45 CFR 164.528): six years of reads of "
        "your health information by others, except for treatment, payment and operations."
    )
    async def my_disclosures(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> Connection[Disclosure]:
        from datetime import timedelta

        from graph.listing import check_first
        from graph.relay import connection, decode_cursor, encode_cursor

        ctx = info.context
        p = ctx.principal
        first = check_first(first, cap=ctx.settings.max_page_size)
        # keyed by seq since migration 0012 (a chain_pos cursor from before is refused)
        before = decode_cursor(after, "disclosures.seq", [int])[0] if after else None
        subject = _disclosure_subject(ctx)
        if subject is None:
            return connection([], [], str, has_next=False, has_previous=False, total=0)
        who = {
            "member_id": subject[0],
            "dependent_id": subject[1],
            "requester_id": p.user_id,
            "since": datetime.now(UTC) - timedelta(days=6 * 365 + 2),
        }
        rows = await audit_db.disclosures(ctx.db, first=first, before_seq=before, **who)
        page = rows[:first]
        nodes = [
            Disclosure(
                occurred_at=r["occurred_at"],
                recipient_role=r["role"] or "unknown",
                recipient_organisation=r["organisation"],
                record_type=r["resource_type"],
                disclosed=list(r["fields"]),
                purpose=r["purpose_of_use"],
            )
            for r in page
        ]
        return connection(
            nodes,
            page,
            lambda r: encode_cursor("disclosures.seq", [r["seq"]]),
            has_next=len(rows) > first,
            has_previous=after is not None,
            total=lambda: audit_db.count_disclosures(ctx.db, **who),
        )


def _disclosure_subject(ctx) -> tuple | None:
    """Whose accounting the principal may read: their own, as the policy says, else none."""
    p = ctx.principal
    if p.member_id is not None and ctx.authorizer.allowed(
        p, "read_disclosures", res.Member(id=p.member_id, employer_id=None)
    ):
        return p.member_id, None
    if p.dependent_id is not None and ctx.authorizer.allowed(
        p, "read_disclosures", res.Dependent(id=p.dependent_id, member_id=p.subscriber_id)
    ):
        return None, p.dependent_id
    return None
