"""WebSocket connections: the gate in front of strawberry's protocol handlers (both
`graphql-transport-ws` and the legacy `graphql-ws`) and the state of one connection.

The gate refuses cross-origin handshakes unless the origin is configured, reads the bearer
token from `connection_init` (closing with 4401 when it is missing or invalid), limits
connections per user and subscriptions per connection, and watches the connection: when
the token expires or the sign-in ends it closes with 4401, when the user is deactivated
with 4403, within a second or two. Each event is delivered under a fresh per-event
context whose principal is re-read after every access change (consent, break-glass,
deactivation, logout) and at least every few seconds."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import time
from collections import Counter
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from db import access as access_db
from db import repos
from db.session import RequestConnection
from domain.enums import PurposeOfUse
from graph.auth import InvalidToken, verify_access_token
from graph.config import Settings
from graph.context import Context, current_context
from graph.principals import principal_from
from graph.subscriptions.hub import Hub
from policies.engine import Authorizer

log = logging.getLogger("claimgraph.subscriptions")

UNAUTHORIZED, FORBIDDEN, TOO_MANY = 4401, 4403, 4429
REFRESH_SECONDS = 5.0  # a principal is re-read at least this often
_ids = itertools.count(1)


class SocketClosed(Exception):
    """The connection was closed by the server (expired, logged out, deactivated)."""


class Socket:
    """One WebSocket connection: who it is, and the principal events are checked against."""

    def __init__(self, *, engine, settings, authorizer, hub, client_ip, user_agent) -> None:
        self.id = next(_ids)
        self.engine: AsyncEngine = engine
        self.settings: Settings = settings
        self.authorizer: Authorizer = authorizer
        self.hub: Hub = hub
        self.client_ip = client_ip
        self.user_agent = user_agent
        self.user_id: UUID | None = None
        self.session_id: UUID | None = None
        self.expires_at: float | None = None
        self.closed = asyncio.Event()
        self.close_code: int | None = None
        self._row: Any = None
        self._principal: Any = None  # built once per re-read, not per event
        self._read_at = 0.0
        self._glass_until: float | None = None  # when the first open break-glass grant ends
        self._generation = -1
        self._events = itertools.count(1)

    # --- identity ---------------------------------------------------------------------------
    async def authenticate(self, token: str | None, key) -> int | None:
        """None when the token is good; else the close code."""
        if not token:
            return UNAUTHORIZED
        try:
            verified = verify_access_token(token, settings=self.settings, key=key)
        except InvalidToken:
            return UNAUTHORIZED
        self.user_id, self.session_id = verified.user_id, verified.session_id
        self.expires_at = verified.expires_at
        return await self.refresh(force=True)

    async def refresh(self, *, force: bool = False) -> int | None:
        """Re-read the principal's facts when access may have changed; the close code when
        the connection may no longer stand."""
        if self.expires_at is not None and time.time() >= self.expires_at:
            return UNAUTHORIZED
        stale = time.monotonic() - self._read_at > REFRESH_SECONDS
        # A break-glass grant ends by the clock, with no event to announce it: the principal
        # that holds it is stale the moment it expires, not at the next periodic re-read
        # (issue 7: "a break-glass grant expired ... stops delivery at once").
        glass_over = self._glass_until is not None and time.time() >= self._glass_until
        if not (force or stale or glass_over or self._generation != self.hub.generation):
            return None
        generation = self.hub.generation
        # sockets of one sign-in share the read (one persona may hold many sockets); a
        # re-read for an ended grant must not be answered by a read from before its end
        key = ("principal", self.user_id, self.session_id, generation,
               int(time.monotonic() // REFRESH_SECONDS),
               self._glass_until if glass_over else None)  # fmt: skip
        row, glass_until = await self.hub.visible(key, self._read_facts)
        if row is None:
            return FORBIDDEN  # deactivated or gone
        if row["session_ended"]:
            return UNAUTHORIZED  # logged out
        self._row, self._read_at, self._generation = row, time.monotonic(), generation
        self._glass_until = glass_until
        # no header rides along a WebSocket: its reads are for the role's default purpose,
        # which every audit row of the connection carries (ACCESS.md, Purpose of use)
        purpose = self.authorizer.default_purpose(row["role"])
        self._principal = principal_from(
            row, today=date.today(), purpose=PurposeOfUse(purpose) if purpose else None
        )
        return None

    async def _read_facts(self) -> tuple[Any, float | None]:
        """The principal's facts, and when its first open break-glass grant ends."""
        async with self.engine.connect() as conn:
            row = await repos.principal_facts(conn, self.user_id, self.session_id)
            if row is None or not row["break_glass"]:
                return row, None
            until = await access_db.break_glass_until(conn, self.user_id)
            return row, until.timestamp() if until is not None else None

    def rule(self, resource: str):
        """The row rule of `resource` for this connection's principal (cached by policy)."""
        return self.authorizer.row_filter(self._principal, resource)

    def context(self) -> Context:
        """A fresh context for one event (or the start of a subscription)."""
        today = date.today()
        return Context(
            principal=self._principal,
            db=RequestConnection(self.engine),
            settings=self.settings,
            authorizer=self.authorizer,
            today=today,
            request_id=f"ws-{self.id}-{next(self._events)}",
            client_ip=self.client_ip,
            user_agent=self.user_agent,
        )

    async def checked_context(self) -> Context:
        """The per-event context, after the connection's right to go on is confirmed."""
        code = await self.refresh()
        if code is not None:
            await self.close(code)
            raise SocketClosed
        return self.context()

    async def close(self, code: int) -> None:
        if not self.closed.is_set():
            self.close_code = code
            self.closed.set()


class SocketContext:
    """strawberry's context for a WebSocket: the connection, and for everything else the
    per-event context the running subscription has entered (graph.context)."""

    def __init__(self, socket: Socket) -> None:
        self.socket = socket
        self.connection_params: Any = None

    def __getattr__(self, name: str) -> Any:
        try:
            ctx = current_context()
        except LookupError:  # between events: there is no reader to speak of
            raise AttributeError(name) from None
        return getattr(ctx, name)


class SocketGate:
    """ASGI in front of strawberry for `websocket` scopes."""

    def __init__(self, app, *, engine, settings, authorizer, hub, key) -> None:
        self.app = app
        self.engine, self.settings, self.authorizer = engine, settings, authorizer
        self.hub, self.key = hub, key
        self.per_user: Counter[UUID] = Counter()

    async def __call__(self, scope, receive, send) -> None:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        if not self._origin_allowed(headers):
            await send({"type": "websocket.close", "code": FORBIDDEN})  # handshake refused
            return
        client = scope.get("client")
        socket = Socket(engine=self.engine, settings=self.settings, authorizer=self.authorizer,
                        hub=self.hub, client_ip=client[0] if client else None,
                        user_agent=headers.get("user-agent"))  # fmt: skip
        scope.setdefault("state", {})["socket"] = socket
        active: set[str] = set()
        counted = False
        watchdog: asyncio.Task | None = None

        async def closing(code: int) -> dict:
            with contextlib.suppress(Exception):
                await send({"type": "websocket.close", "code": code})
            return {"type": "websocket.disconnect", "code": code}

        async def gated_receive() -> dict:
            nonlocal counted, watchdog
            while True:
                message = await _first(receive(), socket.closed.wait())
                if message is None:  # the server closed it (watchdog or a delivery check)
                    return await closing(socket.close_code or UNAUTHORIZED)
                data = _json(message)
                kind = data.get("type") if data else None
                if kind == "connection_init" and counted:
                    # A connection is initialised once. Re-running the checks below would count
                    # the user twice (a slot lost for good when it closes), start a second
                    # watchdog and, on graphql-ws, switch the identity of a live connection.
                    return await closing(TOO_MANY)
                if kind == "connection_init":
                    code = await socket.authenticate(_token(data.get("payload")), self.key)
                    if code is None and self.per_user[socket.user_id] >= (
                        self.settings.ws_max_connections_per_user
                    ):
                        code = TOO_MANY
                    if code is not None:
                        return await closing(code)
                    self.per_user[socket.user_id] += 1
                    counted = True
                    watchdog = asyncio.create_task(_watch(socket))
                elif kind in ("subscribe", "start"):
                    if len(active) >= self.settings.ws_max_subscriptions:
                        await send(_too_many(data, scope))
                        continue  # strawberry never sees it; the connection stays up
                    active.add(str(data.get("id")))
                elif kind in ("complete", "stop"):
                    active.discard(str(data.get("id")))
                return message

        async def gated_send(message: dict) -> None:
            if socket.closed.is_set() and message["type"] != "websocket.close":
                return
            data = _json({"text": message.get("text")}) if message.get("text") else None
            if data and data.get("type") in ("complete", "error"):
                active.discard(str(data.get("id")))
            with contextlib.suppress(Exception):
                await send(message)

        try:
            await self.app(scope, gated_receive, gated_send)
        finally:
            if watchdog is not None:
                watchdog.cancel()
            if counted:
                self.per_user[socket.user_id] -= 1

    def _origin_allowed(self, headers: dict[str, str]) -> bool:
        origin = headers.get("origin")
        if origin is None:
            return True  # not a browser: nothing cross-site to fear
        host = headers.get("host", "")
        if origin.split("://", 1)[-1] == host:
            return True
        return origin in self.settings.ws_allowed_origins


async def _watch(socket: Socket) -> None:
    """Close the connection within a second or two of its token expiring, its sign-in
    ending or its user being deactivated."""
    while not socket.closed.is_set():
        await asyncio.sleep(1.0)
        try:
            code = await socket.refresh()
        except Exception as exc:  # noqa: BLE001 - a database hiccup is not a reason to close
            log.warning("socket check failed", extra={"error": type(exc).__name__})
            continue
        if code is not None:
            await socket.close(code)


async def _first(message_coro, closed_coro) -> dict | None:
    """The next message, or None when the server closes the connection first."""
    receiving = asyncio.ensure_future(message_coro)
    closing = asyncio.ensure_future(closed_coro)
    done, _ = await asyncio.wait({receiving, closing}, return_when=asyncio.FIRST_COMPLETED)
    if receiving in done:
        closing.cancel()
        return receiving.result()
    receiving.cancel()
    return None


def _json(message: dict) -> dict | None:
    text = message.get("text")
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _token(payload: Any) -> str | None:
    if not isinstance(payload, dict):
        return None
    for key in ("Authorization", "authorization", "token", "accessToken"):
        value = payload.get(key)
        if isinstance(value, str) and value.strip():
            scheme, _, rest = value.strip().partition(" ")
            return rest.strip() if scheme.lower() == "bearer" and rest else value.strip()
    return None


def _too_many(data: dict, scope) -> dict:
    error = {"message": "Too many subscriptions on this connection; complete one first.",
             "extensions": {"code": "TOO_MANY_SUBSCRIPTIONS"}}  # fmt: skip
    legacy = "graphql-ws" in scope.get("subprotocols", []) and (
        "graphql-transport-ws" not in scope.get("subprotocols", [])
    )
    body = ({"type": "error", "id": data.get("id"), "payload": error} if legacy
            else {"type": "error", "id": data.get("id"), "payload": [error]})  # fmt: skip
    return {"type": "websocket.send", "text": json.dumps(body)}
