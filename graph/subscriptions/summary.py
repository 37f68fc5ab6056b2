"""claimsSummaryChanged: an employer's published claims summary as period snapshots.

A snapshot is the last 12 released months, exactly as `claimsSummary` answers them. Which
months are released is a matter of the calendar (a month is released whole, once, when it is
closed and past its run-out), so the snapshot only moves at a month boundary. The
subscription looks every CLAIMS_SUMMARY_SNAPSHOT_SECONDS and sends a snapshot on subscribing
and then only when its newest month is newer than the last one sent (or than `after`): at
most once per month boundary. Claims changing never wake it; a push per claim would let two
snapshots be differenced down to that one claim."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator

import strawberry

from domain.aggregates import Month
from domain.errors import DomainError
from graph.access.queries import summary_months, summary_range
from graph.access.types import ClaimsSummaryMonth
from graph.errors import BadUserInput, NotFound
from graph.subscriptions.socket import Socket, SocketClosed
from policies import resources as res


@strawberry.type(
    description="An employer's published claims summary: the last 12 released months, as "
    "claimsSummary answers them. Sent on subscribing and when a month is released; never "
    "because a claim changed."
)
class ClaimsSummaryEvent:
    cursor: str = strawberry.field(
        description="The newest month in the snapshot (YYYY-MM); pass it as `after` to hear "
        "only of newer snapshots."
    )
    months: list[ClaimsSummaryMonth] = strawberry.field(
        description="The last 12 released months, oldest first, exactly as claimsSummary "
        "answers them (small cells suppressed)."
    )


def after_month(after: str | None) -> Month | None:
    """The cursor a subscriber resumes after (BAD_USER_INPUT when it is not YYYY-MM)."""
    if after is None:
        return None
    try:
        return Month.parse(after, field="after")
    except DomainError as exc:
        raise BadUserInput("The cursor is not one this API gave out.", field="after") from exc


async def snapshots(socket: Socket, employer, after: Month | None) -> AsyncIterator:
    """The employer's snapshots for this subscriber, each re-authorized when it is made."""
    sent = after
    every = socket.settings.claims_summary_snapshot_seconds
    while True:
        try:
            ctx = await socket.checked_context()
        except SocketClosed:
            return
        event = None
        try:
            if not ctx.authorizer.allowed(ctx.principal, "read_claims_summary",
                                          res.Employer(**employer._row)):  # fmt: skip
                raise NotFound("employer")  # access ended while subscribed
            months = summary_range(ctx, None, None)
            newest = months[-1]
            if sent is None or newest > sent:
                # released months never change: subscribers of one employer share one read
                key = ("claims_summary", employer.db_id, newest)
                load = functools.partial(summary_months, ctx, employer.db_id, months)
                released = await socket.hub.visible(key, load)
                event = ClaimsSummaryEvent(
                    cursor=str(newest), months=[ClaimsSummaryMonth.of(m) for m in released]
                )
                sent = newest
        finally:
            await ctx.db.close()
        if event is not None:
            yield event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(socket.closed.wait(), timeout=every)
        if socket.closed.is_set():
            return
