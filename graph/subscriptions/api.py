"""The subscription topics. Each event is authorized for this subscriber when it is
delivered (the row rules and field rules of an ordinary read, under a principal re-read
after any access change) and every PHI value pushed is audited like an HTTP read.

Every event carries a cursor (its outbox sequence number); a subscription started with
`after:` first replays what this subscriber may see since that cursor, then goes live."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import Annotated
from uuid import UUID

import strawberry

from db import outbox
from graph import loaders as ld
from graph.claim.types import Appeal, Claim
from graph.context import Context, Info, current_context, enter, leave
from graph.errors import ApiError, BadUserInput, Forbidden, NotFound
from graph.lookup import by_global_id
from graph.member.types import Dependent, Member
from graph.outage import outages_coded
from graph.policy.types import Policy
from graph.relay import decode_cursor, encode_cursor, identity_decision
from graph.rows import build, build_optional
from graph.subscriptions.events import (
    AppealDeadlineEvent,
    ClaimStatusEvent,
    EnrollmentEvent,
    ValidationRunEvent,
)
from graph.subscriptions.hub import Dropped, Event
from graph.subscriptions.socket import Socket, SocketClosed
from graph.subscriptions.summary import ClaimsSummaryEvent, after_month, snapshots
from graph.validation.types import ValidationRun
from policies import resources as res


class TooSlow(ApiError):
    """The subscriber fell behind by a whole queue and was dropped (hub.Dropped): said with a
    code a client can act on, instead of an empty, uncoded error."""

    code = "SUBSCRIBER_TOO_SLOW"

    def __init__(self) -> None:
        super().__init__(
            "This subscription fell too far behind and was ended; subscribe again with "
            "`after:` the last cursor you received."
        )


def _after(info: Info, after: str | None) -> int | None:
    """Where to resume: an event's sequence number (a mutation's eventSequence, a cursor
    handed out), or a sealed cursor this subscriber was handed (see `_cursor`)."""
    if after is None:
        return None
    if after.isdigit() and len(after) <= 19:
        return int(after)
    try:
        return decode_cursor(after, "events", [int], owner=_socket(info).user_id)[0]
    except BadUserInput:
        raise BadUserInput("The cursor is not one this API gave out.", field="after") from None


def _cursor(seq: int) -> str:
    """An event's cursor: its sequence number, sealed for a principal who is given
    pseudonyms (a regulator), to whom the outbox numbers would link its events to those of
    every other persona (the same numbers come back as mutations' eventSequence) and
    whose gaps would count the events it may not see."""
    ctx = current_context()
    decision = identity_decision(ctx, "Event")
    if decision is not None and decision.how == "pseudonym":
        return encode_cursor("events", [seq])
    return str(seq)


def _socket(info: Info) -> Socket:
    socket = getattr(info.context, "socket", None)
    if socket is None:
        raise BadUserInput("Subscriptions run over a WebSocket (graphql-transport-ws).")
    return socket


async def _start(info: Info) -> tuple[Socket, Context]:
    socket = _socket(info)
    return socket, await socket.checked_context()


async def _finish(socket: Socket, ctx: Context) -> None:
    """Give the connection back, then write the audit rows of what was read and not yet
    written: the write takes a pooled connection of its own, which many deliveries waiting
    on it while holding theirs could leave none for."""
    try:
        rows = ctx.audit.drain(ctx)
    finally:
        await ctx.db.close()
    await socket.hub.audit.append(rows)


class RowGate:
    """Lets an event through to the subscribers who may see the record it names: alike
    subscribers (the same row rule) are asked once per event, together."""

    def __init__(self, socket: Socket, resource: str, loader, field: str) -> None:
        self.socket, self.resource, self.loader, self.field = socket, resource, loader, field

    async def key(self, event: Event):
        await self.socket.refresh()  # an access change re-reads the principal first
        return (event.payload.get(self.field), self.socket.rule(self.resource))

    async def check(self, event: Event) -> bool:
        ctx = self.socket.context()
        try:
            row = await _visible(self.socket, ctx, event, self.loader, self.resource,
                                 event.payload.get(self.field))  # fmt: skip
        finally:
            await ctx.db.close()
        return row is not None


async def deliveries(
    socket: Socket, topics: frozenset[str], after: int | None, gate: RowGate | None = None
) -> AsyncIterator[tuple[Context, Event]]:
    """Each event with a fresh context entered for it; the caller yields what the
    subscriber sees, which GraphQL resolves (and audits) before the next event."""
    try:
        async for event in socket.hub.stream(topics, after=after, gate=gate):
            try:
                ctx = await socket.checked_context()
            except SocketClosed:
                return
            token = enter(ctx)
            try:
                yield ctx, event
            finally:
                leave(token)
                await _finish(socket, ctx)
    except Dropped:  # only the hub raises it: this subscriber's queue overflowed
        raise TooSlow() from None


async def _scoped(info: Info, global_id: str, expected: str):
    """The object a subscription is scoped to, read under the subscriber's rules."""
    socket, ctx = await _start(info)
    token = enter(ctx)
    try:
        return socket, await by_global_id(info, global_id, expected=expected), ctx
    finally:
        leave(token)
        await _finish(socket, ctx)


# Where a topic resumes: an event's cursor or a mutation's eventSequence.
After = Annotated[
    str | None,
    strawberry.argument(
        description="Resume after this cursor (an event's cursor, or a mutation's "
        "eventSequence): the events since then that you may see come first, then live ones. "
        "Left out: live events only."
    ),
]


@strawberry.type(
    description="Live events over a WebSocket (graphql-transport-ws or graphql-ws; the token "
    "goes in connection_init). Each event is checked against your access when it is "
    "delivered, and carries a cursor to resume from."
)
class Subscription:
    @strawberry.subscription(
        description="Claims you may see changing status: members their own (and their minor "
        "children's), providers their organisation's, plan staff all."
    )
    @outages_coded
    async def claim_status_changed(
        self, info: Info, after: After = None
    ) -> AsyncGenerator[ClaimStatusEvent, None]:
        start = _after(info, after)
        socket = _socket(info)
        gate = RowGate(socket, "claim", ld.ClaimByIdLoader, "claim_id")
        topics = frozenset({"claim.status_changed"})
        async for ctx, event in deliveries(socket, topics, start, gate):
            row = await _visible(socket, ctx, event, ld.ClaimByIdLoader, "claim",
                                 event.payload["claim_id"])  # fmt: skip
            if row is not None:  # not visible to this subscriber: not sent
                yield ClaimStatusEvent(
                    cursor=_cursor(event.seq), old_status=event.payload.get("old_status"),
                    new_status=event.payload["new_status"], claim=build(Claim, row),
                )  # fmt: skip

    @strawberry.subscription(
        description="Enrolment changes of one employer's employees (that employer's portal, "
        "admins): enrolment fields only."
    )
    @outages_coded
    async def enrollment_changed(
        self,
        info: Info,
        employer_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The employer whose employees to follow (an Employer id): your "
                "own, or any for admins."
            ),
        ],
        after: After = None,
    ) -> AsyncGenerator[EnrollmentEvent, None]:
        start = _after(info, after)
        socket, employer, ctx = await _scoped(info, employer_id, "Employer")
        if not ctx.authorizer.allowed(ctx.principal, "follow_enrollment",
                                      res.Employer(**employer._row)):  # fmt: skip
            raise NotFound("employer")
        wanted = str(employer.db_id)
        async for ctx, event in deliveries(socket, frozenset({"enrollment.changed"}), start):
            if event.payload.get("employer_id") != wanted:
                continue
            p = event.payload
            member = await _load(ctx, ld.MemberByIdLoader, p.get("member_id"))
            dependent = await _load(ctx, ld.DependentByIdLoader, p.get("dependent_id"))
            policy = await _load(ctx, ld.PolicyByIdLoader, p.get("policy_id"))
            yield EnrollmentEvent(
                cursor=_cursor(event.seq), change=p.get("change", "changed"),
                member=build_optional(Member, member),
                dependent=build_optional(Dependent, dependent),
                policy=build_optional(Policy, policy), at=event.created_at,
            )  # fmt: skip

    @strawberry.subscription(
        description="An employer's published claims summary (claimsSummary's last 12 months), "
        "sent on subscribing and again only when a month is released: at most once per month, "
        "looked for every CLAIMS_SUMMARY_SNAPSHOT_SECONDS. Never per claim, never a claim."
    )
    @outages_coded
    async def claims_summary_changed(
        self,
        info: Info,
        employer_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The employer whose summary to follow (an Employer id): your own, "
                "or any for plan staff."
            ),
        ],
        after: Annotated[
            str | None,
            strawberry.argument(
                description="The newest month you already have (YYYY-MM, a snapshot's "
                "cursor): nothing is sent until a newer month is released. Left out: the "
                "current snapshot first."
            ),
        ] = None,
    ) -> AsyncGenerator[ClaimsSummaryEvent, None]:
        start = after_month(after)
        socket, employer, ctx = await _scoped(info, employer_id, "Employer")
        if not ctx.authorizer.allowed(ctx.principal, "read_claims_summary",
                                      res.Employer(**employer._row)):  # fmt: skip
            raise NotFound("employer")
        async for event in snapshots(socket, employer, start):
            yield event

    @strawberry.subscription(
        description="Open appeals coming due (24 hours ahead), for those who decide them."
    )
    @outages_coded
    async def appeal_deadline_approaching(
        self, info: Info, after: After = None
    ) -> AsyncGenerator[AppealDeadlineEvent, None]:
        start = _after(info, after)
        socket, ctx = await _start(info)
        allowed = ctx.authorizer.allowed(ctx.principal, "decide", res.Appeal(id=None))
        await _finish(socket, ctx)
        if not allowed:
            raise Forbidden("Only those who decide appeals follow their deadlines.")
        topics = frozenset({outbox.DEADLINE_TOPIC})
        async for ctx, event in deliveries(socket, topics, start):
            row = await ctx.loader(ld.AppealByIdLoader).load(UUID(event.payload["appeal_id"]))
            if row is not None and ctx.authorizer.allowed(ctx.principal, "decide",
                                                          res.Appeal(**row)):  # fmt: skip
                yield AppealDeadlineEvent(cursor=_cursor(event.seq), due_at=row["due_at"],
                                          appeal=build(Appeal, row))  # fmt: skip

    @strawberry.subscription(description="Progress of one of your validation runs.")
    @outages_coded
    async def validation_run_progress(
        self,
        info: Info,
        run_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The run to follow (a ValidationRun id): one you started, or any "
                "for admins."
            ),
        ],
        after: After = None,
    ) -> AsyncGenerator[ValidationRunEvent, None]:
        start = _after(info, after)
        socket, run, _ = await _scoped(info, run_id, "ValidationRun")
        wanted = str(run.db_id)
        topics = frozenset({"validation_run.progress"})
        async for ctx, event in deliveries(socket, topics, start):
            if event.payload.get("run_id") != wanted:
                continue
            row = await ctx.loader(ld.ValidationRunByIdLoader).load(run.db_id)
            if row is None:
                continue
            yield ValidationRunEvent(cursor=_cursor(event.seq), run=build(ValidationRun, row))
            if row["status"] in ("completed", "failed"):
                return


async def _load(ctx: Context, loader, raw_id: str | None):
    return None if raw_id is None else await ctx.loader(loader).load(UUID(raw_id))


async def _visible(socket: Socket, ctx: Context, event: Event, loader, resource: str, raw_id):
    """The record an event names, as this subscriber may see it (None: not at all). The
    read is shared with every subscriber under the same row rule for this event."""
    rule = ctx.row_filter(resource)
    key = (event.seq, resource, raw_id, rule)
    return await socket.hub.visible(key, lambda: _load(ctx, loader, raw_id))
