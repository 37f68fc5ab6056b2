"""The principal's facts (db/repos.py, principal_facts), kept per sign-in in this process so a
request need not read them again.

A cached entry is trusted only while it cannot be stale:

- A LISTEN connection hears every change to the tables the facts come from (migration 0010)
  and drops the entries resting on it. Before a request trusts the cache it waits for one
  round trip on that connection (shared by every request that waits at the same time): the
  notifications of every change committed before the request arrived have then been handled,
  whichever process or tool made the change, so a revoked consent, a logout or a removed tie
  takes effect on the very next request.
- While the listener is not connected (starting, reconnecting, stopped) or that round trip
  fails, nothing is cached or served from the cache: the facts are read per request, as
  before; a reconnect starts from an empty cache.
- A read that a notification overtook is not kept (it may predate the change).
- An entry ends when the first of its break-glass grants does (measured on the database's
  clock, so no clock skew lengthens it), and after MAX_AGE seconds in any case.
- Ages are not cached: the principal is rebuilt from the facts for each day.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from db import listener, repos
from db import principal_changes as changes
from domain.access import Principal
from domain.enums import PurposeOfUse
from graph.principals import principal_from

log = logging.getLogger("claimgraph.principals")

SIZE = 10_000  # sign-ins kept
MAX_AGE = 300.0  # seconds an entry is kept however quiet its tables are
BARRIER_TIMEOUT = 2.0  # seconds a request waits for the listener before reading for itself
HEARTBEAT = 1.0  # seconds between round trips on an idle listener (notices a dead socket)


@dataclass(slots=True)
class Facts:
    """One sign-in's facts (the user's row with them), and the principals built from them."""

    row: Any
    until: float = float("inf")  # time.monotonic() after which the entry is not served
    _principals: dict[tuple[date, PurposeOfUse | None], Principal] = field(default_factory=dict)

    def principal(self, *, today: date, purpose: PurposeOfUse | None) -> Principal:
        key = (today, purpose)
        built = self._principals.get(key)
        if built is None:
            if len(self._principals) > 8:  # a new day, or many purposes: start afresh
                self._principals.clear()
            built = self._principals[key] = principal_from(self.row, today=today, purpose=purpose)
        return built


class PrincipalCache:
    """One per process; see the module's description."""

    def __init__(self, engine: AsyncEngine, *, size: int = SIZE, max_age: float = MAX_AGE):
        self.engine = engine
        self.size, self.max_age = size, max_age
        self.connected = False
        self._entries: OrderedDict[tuple[UUID, UUID | None], Facts] = OrderedDict()
        self._index: dict[tuple[str, str], set[tuple[UUID, UUID | None]]] = {}
        self._epoch = 0  # bumped by every change heard and every (dis)connection
        self._flight: asyncio.Future | None = None  # the next round trip's waiters
        self._kick = asyncio.Event()
        self._task: asyncio.Task | None = None

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._listen(), name="principal-listen")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        self._disconnected()

    # --- reads -------------------------------------------------------------------------------
    async def facts(self, db, user_id: UUID, session_id: UUID | None) -> Facts | None:
        """The sign-in's facts: from the cache when it can be trusted, else read (and kept
        when that is safe). None: the user is unknown or inactive."""
        key = (user_id, session_id)
        if not await self._synced():
            row = await repos.principal_facts(db, user_id, session_id)
            return Facts(row) if row is not None else None
        entry = self._entries.get(key)
        if entry is not None and time.monotonic() < entry.until:
            self._entries.move_to_end(key)
            return entry
        epoch, started = self._epoch, time.monotonic()
        row = await repos.principal_facts(db, user_id, session_id)
        if row is None:
            self._drop(key)
            return None
        entry = Facts(row, started + self.max_age)
        if row["break_glass_left"] is not None:  # seconds left on the database's clock
            entry.until = min(entry.until, started + float(row["break_glass_left"]))
        if self.connected and epoch == self._epoch:  # no change was heard while it was read
            self._keep(key, entry)
        return entry

    def __len__(self) -> int:
        return len(self._entries)

    # --- the entries -------------------------------------------------------------------------
    @staticmethod
    def _deps(row) -> list[tuple[str, str]]:
        deps = [("user", str(row["id"]))]
        if row["member_id"] is not None:
            deps.append(("member", str(row["member_id"])))
        if row["dependent_id"] is not None:
            deps.append(("dependent", str(row["dependent_id"])))
        return deps

    def _keep(self, key, entry: Facts) -> None:
        self._drop(key)
        self._entries[key] = entry
        for dep in self._deps(entry.row):
            self._index.setdefault(dep, set()).add(key)
        while len(self._entries) > self.size:
            self._drop(next(iter(self._entries)))

    def _drop(self, key) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        for dep in self._deps(entry.row):
            keys = self._index.get(dep)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._index[dep]

    def _clear(self) -> None:
        self._entries.clear()
        self._index.clear()
        self._epoch += 1

    def _changed(self, _conn, _pid, _channel, payload: str) -> None:
        """A notification: drop every entry resting on the record it names."""
        self._epoch += 1
        kind, ident = changes.parse(payload)
        if kind == changes.EVERYONE:
            self._clear()
            return
        for key in list(self._index.get((kind, ident), ())):
            self._drop(key)

    # --- the listener and its round trips ----------------------------------------------------
    async def _synced(self) -> bool:
        """True once every change committed before this call has been heard."""
        if not self.connected:
            return False
        if self._flight is None:
            self._flight = asyncio.get_running_loop().create_future()
            self._kick.set()
        try:
            return await asyncio.wait_for(asyncio.shield(self._flight), BARRIER_TIMEOUT)
        except TimeoutError:
            return False

    def _disconnected(self) -> None:
        self.connected = False
        self._clear()
        flight, self._flight = self._flight, None
        if flight is not None and not flight.done():
            flight.set_result(False)

    async def _listen(self) -> None:
        await listener.hold(self.engine, name="claimgraph-principals", session=self._on_changes)

    async def _on_changes(self, driver) -> None:
        try:
            driver.add_termination_listener(lambda *_: self._disconnected())
            await changes.listen(driver, self._changed)
            self._clear()  # whatever changed while nobody listened
            self.connected = True
            await self._round_trips(driver)
        finally:
            self._disconnected()

    async def _round_trips(self, driver) -> None:
        """One round trip for each group of waiting requests, and one a second when idle."""
        while self.connected and not driver.is_closed():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._kick.wait(), HEARTBEAT)
            self._kick.clear()
            flight, self._flight = self._flight, None  # later arrivals wait for the next one
            try:
                await changes.barrier(driver)
            except BaseException:
                if flight is not None and not flight.done():
                    flight.set_result(False)
                raise
            if flight is not None and not flight.done():
                flight.set_result(self.connected)
