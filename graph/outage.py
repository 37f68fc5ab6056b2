"""The database's outages, as clients see them: 503 SERVICE_UNAVAILABLE, a JSON body and a
Retry-After header, from every path; and the guard that makes it so for whatever a path
forgot.

`OutageGuard` sits inside Starlette's error middleware, around every route. Over HTTP, an
exception that escapes a route before its answer started becomes a JSON answer (503 when
db/faults.py says the database is unavailable or the statement was stopped, else 500
INTERNAL), never Starlette's plain-text 500 or a dropped connection; every 503 that leaves
carries Retry-After; and a whole request is bounded by the request deadline (plus a grace
for sign-in checks and bookkeeping), so nothing waits forever. Over a WebSocket, an
exception that escapes closes the connection with 1013 (try again later) and the reason
SERVICE_UNAVAILABLE, or 1011 INTERNAL, instead of dropping it."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging

from starlette.responses import JSONResponse

from db import faults
from graph.errors import ServiceUnavailable, error_body

log = logging.getLogger("claimgraph.outage")

DOWN = "The database is unavailable; please retry shortly."
TOO_SLOW = "The request took too long and was stopped; retry shortly, or ask for less."
RETRY_AFTER = str(faults.RETRY_AFTER_SECONDS)
GRACE_SECONDS = 5.0  # beyond the execution deadline: sign-in checks, audit, bookkeeping
TRY_AGAIN_LATER, INTERNAL_ERROR = 1013, 1011  # WebSocket close codes (RFC 6455, IANA)


def is_outage(exc: BaseException | None) -> bool:
    """The database is unavailable, or stopped the statement for its time or lock wait."""
    return faults.classify(exc) is not None


def message_for(exc: BaseException | None) -> str:
    return TOO_SLOW if faults.too_slow(exc) else DOWN


def unavailable_error(exc: BaseException | None = None) -> ServiceUnavailable:
    """The GraphQL error of an outage (or of a statement stopped)."""
    return ServiceUnavailable(message_for(exc))


def unavailable_response(exc: BaseException | None = None, *, message: str | None = None):
    """503, JSON, SERVICE_UNAVAILABLE, Retry-After."""
    return JSONResponse(
        error_body("SERVICE_UNAVAILABLE", message or message_for(exc)),
        status_code=503,
        headers={"Retry-After": RETRY_AFTER, "Cache-Control": "no-store"},
    )


def _unavailable_errors(data) -> bool:
    errors = data.get("errors") if isinstance(data, dict) else None
    return any(
        isinstance(e, dict) and (e.get("extensions") or {}).get("code") == "SERVICE_UNAVAILABLE"
        for e in errors or ()
    )


class OutageStatus:
    """Mixed into strawberry's ASGI view: an answer with a SERVICE_UNAVAILABLE error (the
    database went away, or a statement or the request was stopped for its time) leaves as
    503 with Retry-After, as every other path's outage does."""

    def create_response(self, response_data, sub_response):
        response = super().create_response(response_data, sub_response)  # type: ignore[misc]
        if _unavailable_errors(response_data):
            response.status_code = 503
            response.headers["Retry-After"] = RETRY_AFTER
        return response


def outages_coded(subscribe):
    """A subscription resolver whose outages end it with SERVICE_UNAVAILABLE (a GraphQL
    error the subscriber receives) instead of an exception strawberry would only log."""

    @functools.wraps(subscribe)
    async def coded(*args, **kwargs):
        try:
            async with contextlib.aclosing(subscribe(*args, **kwargs)) as events:
                async for event in events:
                    yield event
        except Exception as exc:
            if not is_outage(exc) or isinstance(exc, ServiceUnavailable):
                raise
            log.warning("database unavailable (subscription)", extra={"error": type(exc).__name__})
            raise unavailable_error(exc) from None

    return coded


def _internal_response() -> JSONResponse:
    return JSONResponse(error_body("INTERNAL", "Internal error."), status_code=500)


def _with_retry_after(message: dict) -> dict:
    headers = list(message.get("headers", []))
    if not any(k.lower() == b"retry-after" for k, _ in headers):
        headers.append((b"retry-after", RETRY_AFTER.encode()))
    return {**message, "headers": headers}


class OutageGuard:
    """ASGI middleware; see the module's description."""

    def __init__(self, app, deadline_seconds: float = 0.0) -> None:
        self.app = app
        self.deadline = deadline_seconds + GRACE_SECONDS if deadline_seconds else None

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope, receive, send) -> None:
        started = ended = False

        async def guarded_send(message) -> None:
            nonlocal started, ended
            if message["type"] == "http.response.start":
                started = True
                if message["status"] == 503:
                    message = _with_retry_after(message)
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                ended = True
            await send(message)

        loop = asyncio.get_running_loop()
        limit = asyncio.timeout(None)

        async def timed_receive():
            message = await receive()
            if self.deadline and message["type"] == "http.request":
                limit.reschedule(loop.time() + self.deadline)  # counted from the last byte in
            return message

        try:
            async with limit:
                if self.deadline:
                    limit.reschedule(loop.time() + self.deadline)
                await self.app(scope, timed_receive, guarded_send)
        except TimeoutError as exc:
            if limit.expired() and not started:  # the deadline, not a connect timing out
                log.warning("request stopped at its deadline", extra={"path": scope["path"]})
                await unavailable_response(message=TOO_SLOW)(scope, receive, send)
                return
            await self._failed(exc, scope, receive, send, started, ended)
        except Exception as exc:  # noqa: BLE001 - the point: nothing escapes as plain text
            await self._failed(exc, scope, receive, send, started, ended)

    async def _failed(self, exc, scope, receive, send, started: bool, ended: bool) -> None:
        outage = is_outage(exc)
        if outage:
            log.warning("database unavailable", extra={"error": type(exc).__name__})
        else:
            log.error("unexpected error", exc_info=exc)
        if started:
            if not ended:  # a half-sent answer cannot be mended: end it, never hang
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        response = unavailable_response(exc) if outage else _internal_response()
        await response(scope, receive, send)

    async def _websocket(self, scope, receive, send) -> None:
        closed = False

        async def guarded_send(message) -> None:
            nonlocal closed
            if message["type"] == "websocket.close":
                closed = True
            await send(message)

        try:
            await self.app(scope, receive, guarded_send)
        except Exception as exc:  # noqa: BLE001
            if closed:
                return
            outage = is_outage(exc)
            if outage:
                log.warning("database unavailable (websocket)", extra={"error": type(exc).__name__})
            else:
                log.error("unexpected error (websocket)", exc_info=exc)
            code, reason = (
                (TRY_AGAIN_LATER, "SERVICE_UNAVAILABLE") if outage else (INTERNAL_ERROR, "INTERNAL")
            )
            try:
                await send({"type": "websocket.close", "code": code, "reason": reason})
            except Exception:  # noqa: BLE001 - the client is gone already
                pass
