"""`Idempotency-Key` for mutations: a retry with the same key and body gets the first answer
without the work being done twice; the same key with another body is CONFLICT.

The first request to claim a key (per user) runs; twins arriving while it runs wait for its
answer, up to a few seconds, then get CONFLICT (still in progress). An answer is kept only
when the request completed (no 5xx, no INTERNAL, SERVICE_UNAVAILABLE or RATE_LIMITED
error): after a crash, an outage or a rate limit a retry runs again."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Awaitable, Callable

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from db import audit as audit_db
from db import idempotency as store
from graph.context import Context
from graph.errors import error_body

HEADER = "idempotency-key"
WAIT_SECONDS = 10.0
_POLL = (0.02, 0.05, 0.1, 0.2)

ASGIApp = Callable[..., Awaitable[None]]


def _replay(body: bytes):
    sent = False

    async def receive():
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _is_mutation(operations: dict) -> bool:
    try:
        document = parse(operations.get("query") or "")
    except (GraphQLError, TypeError, RecursionError):
        return False  # GraphQL itself reports the syntax error (or the depth)
    operation = get_operation_ast(document, operations.get("operationName"))
    return operation is not None and operation.operation is OperationType.MUTATION


async def _fingerprint(scope, body: bytes) -> str | None:
    """A digest of what the request asks (None when it is not a mutation). Multipart bodies
    are digested by their operations and each file's bytes, not their boundaries."""
    request = Request(scope, _replay(body))
    content_type = request.headers.get("content-type", "")
    try:
        if content_type.startswith("multipart/form-data"):
            form = await request.form()
            operations = json.loads(form.get("operations") or "{}")
            files = {}
            for name, value in form.multi_items():
                if isinstance(value, UploadFile):
                    files[name] = hashlib.sha256(await value.read()).hexdigest()
            canonical = {"operations": operations, "map": json.loads(form.get("map") or "{}"),
                         "files": files}  # fmt: skip
        else:
            operations = json.loads(body or b"{}")
            canonical = operations
    except (ValueError, TypeError, RecursionError):
        return None  # malformed or nested too deeply: GraphQL answers it, nothing is stored
    if not isinstance(operations, dict) or not _is_mutation(operations):
        return None
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


class _Captured:
    def __init__(self, send) -> None:
        self._send = send
        self.status = 500
        self.chunks: list[bytes] = []

    async def send(self, message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))
        await self._send(message)


def _conflict(message: str) -> Response:
    return JSONResponse(error_body("CONFLICT", message, field="Idempotency-Key"), status_code=409)


async def run_once(app: ASGIApp, context: Context, scope, receive, send) -> None:
    """Run the request through `app` at most once per (user, key)."""
    request = Request(scope, receive)
    key = request.headers.get(HEADER)
    if key is None or request.method != "POST":
        await app(scope, receive, send)
        return
    if not 1 <= len(key) <= 128 or not key.isascii() or not key.isprintable():
        response = JSONResponse(
            error_body("BAD_USER_INPUT", "An Idempotency-Key is 1 to 128 printable ASCII "
                       "characters (a UUID is a good choice).", field="Idempotency-Key"),
            status_code=400,
        )  # fmt: skip
        await response(scope, receive, send)
        return
    body = await request.body()
    fingerprint = await _fingerprint(scope, body)
    if fingerprint is None:  # not a mutation: nothing to protect
        await app(scope, _replay(body), send)
        return
    db, user = context.db, context.principal.user_id
    for _ in range(2):  # a second round when the owner failed and let go of the key
        if await store.claim(db, user_id=user, key=key, request_hash=fingerprint):
            await _run_and_keep(app, context, scope, _replay(body), send, key)
            return
        response = await _await_answer(context, key, fingerprint)
        if response is not None:
            await response(scope, receive, send)
            return
    await _conflict("This Idempotency-Key is busy; retry shortly.")(scope, receive, send)


async def _run_and_keep(app, context: Context, scope, receive, send, key: str) -> None:
    captured = _Captured(send)
    db, user = context.db, context.principal.user_id
    try:
        await app(scope, receive, captured.send)
    except BaseException:
        await db.rollback()
        await store.release(db, user_id=user, key=key)
        raise
    await db.rollback()  # end whatever the request left open before keeping its answer
    body = b"".join(captured.chunks).decode()
    if _completed(captured.status, body):
        await store.answer(db, user_id=user, key=key, status=captured.status, body=body)
    else:
        await store.release(db, user_id=user, key=key)


# answers that say the work may not have happened: a retry must run again
_TRANSIENT = {"INTERNAL", "SERVICE_UNAVAILABLE", "RATE_LIMITED"}


def _completed(status: int, body: str) -> bool:
    if status >= 500:
        return False
    try:
        errors = json.loads(body).get("errors") or []
    except (ValueError, AttributeError):
        return False
    return not any((e.get("extensions") or {}).get("code") in _TRANSIENT for e in errors)


async def _await_answer(context: Context, key: str, fingerprint: str) -> Response | None:
    """The stored answer of the twin that owns the key, CONFLICT, or None when it let go."""
    db, user = context.db, context.principal.user_id
    deadline = time.monotonic() + WAIT_SECONDS
    for attempt in range(10_000):
        found = await store.find(db, user_id=user, key=key)
        if found is None:
            return None
        request_hash, answer = found
        if request_hash != fingerprint:
            return _conflict("This Idempotency-Key was used for a different request; use a "
                             "new key for a new request.")  # fmt: skip
        if answer is not None:
            status, body = answer
            context.audit.event("idempotent_replay", "Request", None,
                                new_values={"status": status})  # fmt: skip
            await audit_db.write(db, context.audit.drain(context, reads=False))
            await db.commit()
            return Response(body, status_code=status, media_type="application/json",
                            headers={"Idempotent-Replayed": "true"})  # fmt: skip
        if time.monotonic() > deadline:
            return _conflict("A request with this Idempotency-Key is still running; retry "
                             "shortly.")  # fmt: skip
        await asyncio.sleep(_POLL[min(attempt, len(_POLL) - 1)])
    return None
