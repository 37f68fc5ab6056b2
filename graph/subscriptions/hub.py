"""The fan-out of one server process: one LISTEN connection, one reader of the outbox, and
the in-process subscribers each event goes to.

NOTIFY carries only a sequence number and is a hint: on any notification (or every few
seconds without one) the hub reads every event after the last one it handled, so a lost or
coalesced notification loses nothing. After a database restart it reconnects by itself and
catches up from where it was. Each subscriber has a bounded queue; one that stops reading
is dropped when its queue fills, and the others do not wait for it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from db import audit as audit_db
from db import listener, outbox

log = logging.getLogger("claimgraph.subscriptions")

# topics whose events change who may see what: cached principals are re-read after them
ACCESS_TOPICS = frozenset({"access.changed", "user.changed", "session.ended"})
SEEN_SIZE = 10_000  # shared reads kept (recent events only)
DEADLINE_BATCH = 500  # appeals announced per statement
GAP_WAIT = 2.0  # seconds a missing sequence number is waited for before it is passed over


@dataclass(frozen=True, slots=True)
class Event:
    seq: int
    topic: str
    payload: dict[str, Any]
    created_at: datetime


class Dropped(Exception):
    """The subscriber fell too far behind and was dropped."""


class Gate(Protocol):
    """What a subscriber lets through, asked once per group of alike subscribers: those
    whose `key` for an event is equal (the same record under the same row rule) share
    one `check`. Subscribers that see nothing of an event are not even woken."""

    async def key(self, event: Event) -> Hashable | None: ...

    async def check(self, event: Event) -> bool: ...


@dataclass(eq=False)
class Subscriber:
    topics: frozenset[str]
    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(maxsize=1000))
    dropped: bool = False
    gate: Gate | None = None

    def offer(self, event: Event) -> bool:
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.dropped = True
            return False
        return True


class Hub:
    """One per process; see the module's description."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        queue_size: int = 1000,
        poll: float = 5.0,
        appeal_scan: float = 60.0,
    ):
        self.engine = engine
        self.audit = audit_db.Appender(engine)  # what deliveries read, written together
        self.appeal_scan = appeal_scan
        self.queue_size = queue_size
        self.poll = poll
        self.last_seq: int | None = None
        self.generation = 0  # bumped by every access-changing event
        self._subscribers: set[Subscriber] = set()
        self._wake = asyncio.Event()
        self._started = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self._gap_since: float | None = None
        # what one event's record looks like under one row rule: subscribers whose rules are
        # the same (many users of one employer, one persona on many sockets) share one read
        self._seen: OrderedDict[tuple, asyncio.Future] = OrderedDict()

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        if not self._tasks:
            self._tasks = [
                asyncio.create_task(self._listen(), name="outbox-listen"),
                asyncio.create_task(self._read(), name="outbox-read"),
                asyncio.create_task(self._deadlines(), name="appeal-deadlines"),
            ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []

    async def ready(self) -> None:
        """Wait until the hub knows where the outbox ends (subscriptions start from there)."""
        self.start()
        await self._started.wait()

    # --- subscribers ------------------------------------------------------------------------
    async def stream(
        self, topics: frozenset[str], *, after: int | None, gate: Gate | None = None
    ) -> AsyncIterator[Event]:
        """Events of `topics`: first those after `after` (a replay from the outbox), then live
        ones, with no gap and no duplicate at the seam. `gate` filters live events before
        they are queued (the subscriber still checks each one it gets)."""
        await self.ready()
        sub = Subscriber(topics, asyncio.Queue(maxsize=self.queue_size), gate=gate)
        self._subscribers.add(sub)  # live events queue up while the replay runs
        horizon = self.last_seq or 0  # the hub dispatches in order: live events come after it
        # A cursor may be ahead of this hub (handed out by another replica, or a mutation's
        # eventSequence, before this process has read that far): what the subscriber already
        # has must not come again when the hub catches up (no duplicate at the seam).
        floor = max(horizon, after or 0)
        try:
            if after is not None:
                async for event in self._replay(topics, after, horizon):
                    yield event
            while True:
                if sub.dropped:
                    raise Dropped
                event = await sub.queue.get()
                if event.seq > floor:
                    yield event
        finally:
            self._subscribers.discard(sub)

    async def _replay(self, topics, after: int, horizon: int) -> AsyncIterator[Event]:
        while after < horizon:
            async with self.engine.connect() as conn:
                rows = await outbox.after(conn, after, topics=tuple(topics), upto=horizon)
            for row in rows:
                yield _event(row)
            if len(rows) < outbox.PAGE:
                return
            after = rows[-1]["seq"]

    async def _dispatch(self, event: Event) -> None:
        if event.topic in ACCESS_TOPICS:
            self.generation += 1
        groups: dict[Hashable, list[Subscriber]] = {}
        for sub in list(self._subscribers):
            if event.topic in sub.topics:
                key = await _key(sub, event)
                groups.setdefault(key, []).append(sub)
        for key, subs in groups.items():
            if key is not None and not await _check(subs[0], event):
                continue
            for sub in subs:
                if not sub.offer(event):
                    self._subscribers.discard(sub)  # too slow: its stream raises Dropped
                    log.warning("subscriber dropped", extra={"topic": event.topic})

    async def visible(self, key: tuple, load: Callable[[], Awaitable[Any]]) -> Any:
        """`load()` once per key (event, type, id, row rule) however many subscribers ask;
        concurrent askers wait for the first. The first asker being stopped (its subscription
        completed, its socket closed) stops only it: another asker then loads it itself."""
        while True:
            future = self._seen.get(key)
            if future is None:
                return await self._load_first(key, load)
            try:
                return await asyncio.shield(future)
            except asyncio.CancelledError:
                if future.cancelled() and not _being_cancelled():
                    continue  # the loader was cancelled, not this asker
                raise

    async def _load_first(self, key: tuple, load: Callable[[], Awaitable[Any]]) -> Any:
        future = asyncio.get_running_loop().create_future()
        self._seen[key] = future
        if len(self._seen) > SEEN_SIZE:
            self._seen.popitem(last=False)
        try:
            value = await load()
        except asyncio.CancelledError:
            self._seen.pop(key, None)
            future.cancel()  # askers waiting on it load it again themselves
            raise
        except BaseException as exc:
            self._seen.pop(key, None)
            future.set_exception(exc)
            future.exception()  # retrieved here: askers who wait get it, none need to
            raise
        future.set_result(value)
        return value

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    # --- the outbox reader and its listener -------------------------------------------------
    async def _listen(self) -> None:
        await listener.hold(self.engine, name="claimgraph-listener", session=self._on_outbox)

    async def _on_outbox(self, driver) -> None:
        await outbox.listen(driver, lambda *_: self._wake.set())
        self._wake.set()  # catch up on whatever came while we were away
        while not driver.is_closed():
            await asyncio.sleep(1.0)
            await driver.execute("SELECT 1")  # notices a dead socket

    async def _read(self) -> None:
        while True:
            try:
                await self._catch_up()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the next wake-up tries again
                log.warning("outbox read failed", extra={"error": type(exc).__name__})
                await asyncio.sleep(1.0)
                continue
            self._wake.clear()
            wait = GAP_WAIT / 4 if self._gap_since is not None else self.poll
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    async def _catch_up(self) -> None:
        """Dispatch every committed event after the last one, in sequence order. A gap (a
        transaction that took its number but has not committed) is waited for up to
        GAP_WAIT seconds, then passed over (it rolled back)."""
        async with self.engine.connect() as conn:
            if self.last_seq is None:
                self.last_seq = await outbox.newest(conn)
                self._started.set()
                return
            while True:
                rows = await outbox.after(conn, self.last_seq)
                await conn.rollback()  # the next read sees newer commits
                for row in rows:
                    if row["seq"] != self.last_seq + 1:
                        now = asyncio.get_running_loop().time()
                        self._gap_since = self._gap_since or now
                        if now - self._gap_since < GAP_WAIT:
                            return  # wait for the missing number (the loop rereads soon)
                    self._gap_since = None
                    self.last_seq = row["seq"]
                    await self._dispatch(_event(row))
                if len(rows) < outbox.PAGE:
                    return

    async def _deadlines(self, *, within: timedelta = timedelta(hours=24)) -> None:
        """Every `appeal_scan` seconds, announce appeals due within 24 hours (each once, by
        one replica), DEADLINE_BATCH to a statement and a transaction: a backlog of
        thousands (a first start on a large database) is many short statements, not one
        long transaction of one statement per appeal."""
        while True:
            try:
                announced = DEADLINE_BATCH
                while announced == DEADLINE_BATCH:
                    async with self.engine.begin() as conn:
                        announced = await outbox.announce_due_appeals(
                            conn, within=within, now=datetime.now(UTC), limit=DEADLINE_BATCH
                        )
                    await asyncio.sleep(0)  # requests go on between batches
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - try again next minute
                log.warning("deadline scan failed", extra={"error": type(exc).__name__})
            await asyncio.sleep(self.appeal_scan)


async def _key(sub: Subscriber, event: Event) -> Hashable | None:
    if sub.gate is None:
        return None
    try:
        return (type(sub.gate).__name__, await sub.gate.key(event))
    except Exception:  # noqa: BLE001 - ungated: the subscriber's own check decides
        return None


async def _check(sub: Subscriber, event: Event) -> bool:
    try:
        return await sub.gate.check(event)
    except Exception:  # noqa: BLE001 - let it through: the subscriber's own check decides
        return True


def _event(row) -> Event:
    return Event(row["seq"], row["topic"], dict(row["payload"]), row["created_at"])


def _being_cancelled() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
