"""`Idempotency-Key` for mutations: a retry with the same key and body gets the first answer
without the work being done twice; the same key with another body is CONFLICT.

A mutation with a key runs as one transaction, from the key to the answer: the request's
connection is held (db/session.py) and, in that transaction, claims the key (inserts its row),
runs the operation (each unit of work a savepoint, its audit rows with it), writes the audit
rows of what it read, stores the answer on the key and commits; only then is the answer
sent. So a committed mutation always has its answer, sealed next to it, and a mutation that
did not commit (connection lost, server stopped, request aborted, commit failed) leaves no
key behind: its retry runs again. Storing the answer body itself, rather than deriving it
again on replay, gives the client byte for byte what the first run said (a re-read would
show later states of the claim) and costs one UPDATE of a row the transaction already locks.

Twins (same user and key) queue on the key's uncommitted row: the second waits for the
first's outcome and gets its answer when it committed, runs itself when it did not, or,
after waiting IDEMPOTENCY_LEASE_SECONDS and a second, CONFLICT (still in progress; retry).
It never runs while the first may still commit. A request that died without closing its
connection holds the key until its transaction has been idle for the lease, when PostgreSQL
ends it; a dropped connection or a stopped server lets go at once.

What is kept: the answer when the request completed (no 5xx, no INTERNAL,
SERVICE_UNAVAILABLE or RATE_LIMITED error), and any answer once one of its units of work
committed (a retry must not do that work twice). Otherwise the key is let go in the same
commit as the audit rows, and a retry runs again. When the final commit fails the client
gets SERVICE_UNAVAILABLE (or INTERNAL), never an answer whose changes are not committed:
a retry with the key then either replays (the commit did happen) or runs again."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from db import audit as audit_db
from db import idempotency as store
from graph.context import Context
from graph.cost import took_too_long
from graph.errors import error_body
from graph.schema import _is_database_down

log = logging.getLogger("claimgraph.idempotency")

HEADER = "idempotency-key"
_POLL = 0.2  # how often a twin of an earlier version's request looks again

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


class _Held:
    """The answer, kept back until the transaction that produced it has committed."""

    def __init__(self) -> None:
        self.status = 500
        self.messages: list[dict] = []

    async def send(self, message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        self.messages.append(message)

    def body(self) -> str:
        chunks = (m.get("body", b"") for m in self.messages if m["type"] == "http.response.body")
        return b"".join(chunks).decode()

    async def release(self, send) -> None:
        for message in self.messages:
            await send(message)


_RUNNING = "A request with this Idempotency-Key is still running; retry shortly."
_OTHER = ("This Idempotency-Key was used for a different request; use a new key for a new "
          "request.")  # fmt: skip
_RETRY = "retry it with the same Idempotency-Key"


def _conflict(message: str) -> Response:
    return JSONResponse(error_body("CONFLICT", message, field="Idempotency-Key"), status_code=409)


def _not_done(exc: Exception, db) -> Response:
    """The answer when the key's transaction failed: nothing of it may be taken as done."""
    if took_too_long(exc) or _is_database_down(exc) or db.lost:
        body = error_body("SERVICE_UNAVAILABLE", f"The database is unavailable; {_RETRY}.")
        return JSONResponse(body, status_code=503, headers={"Retry-After": "1"})
    log.error("idempotent request failed", exc_info=exc)
    return JSONResponse(error_body("INTERNAL", f"Internal error; {_RETRY}."), status_code=500)


def _waited_too_long(exc: BaseException | None) -> bool:
    """PostgreSQL's lock timeout (55P03): a twin's transaction still holds the key."""
    for _ in range(5):
        if exc is None or getattr(exc, "sqlstate", None) == "55P03":
            return exc is not None
        exc = getattr(exc, "orig", None) or exc.__cause__
    return False


async def _abandon(db) -> None:
    with contextlib.suppress(Exception):  # a broken connection has nothing left to undo
        await db.finish(commit=False)


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
    lease = max(context.settings.idempotency_lease_seconds, 0.5)
    deadline = time.monotonic() + lease + 1.0
    while True:
        try:
            await db.commit()  # what authentication did ends here; the key's transaction starts
            db.hold()
            wait = max(deadline - time.monotonic(), 0.05)
            taken = await store.claim(db, user_id=user, key=key, request_hash=fingerprint,
                                      lease=lease, wait=wait)  # fmt: skip
        except Exception as exc:
            response = _conflict(_RUNNING) if _waited_too_long(exc) else _not_done(exc, db)
            await _abandon(db)
            await response(scope, receive, send)
            return
        if taken is None:
            await _run_and_keep(app, context, scope, _replay(body), send, key)
            return
        if taken.request_hash != fingerprint:
            await _abandon(db)
            response = _conflict(_OTHER)
        elif taken.answer is not None:
            response = await _replayed(context, taken.answer)
        else:  # an earlier version's request, its key committed while it runs
            await _abandon(db)
            if time.monotonic() < deadline:
                await asyncio.sleep(_POLL)
                continue
            response = _conflict(_RUNNING)
        await response(scope, receive, send)
        return


async def _run_and_keep(app, context: Context, scope, receive, send, key: str) -> None:
    held = _Held()
    db, user = context.db, context.principal.user_id
    try:
        await app(scope, receive, held.send)
    except BaseException:
        await _abandon(db)  # nothing was sent and nothing commits: the key is free again
        raise
    body = held.body()
    try:
        if _completed(held.status, body) or db.units:
            owned = await store.keep(db, user_id=user, key=key, status=held.status, body=body)
        else:  # nothing was done: let go of the key, keep the audit rows
            owned = await store.forget(db, user_id=user, key=key)
        if not owned:
            raise RuntimeError("the Idempotency-Key's transaction ended before its answer")
        await db.finish(commit=True)
    except Exception as exc:
        response = _not_done(exc, db)
        await _abandon(db)
        await response(scope, receive, send)
        return
    await held.release(send)


async def _replayed(context: Context, answer: tuple[int, str]) -> Response:
    status, body = answer
    db = context.db
    context.audit.event("idempotent_replay", "Request", None, new_values={"status": status})
    try:
        await audit_db.write(db, context.audit.drain(context, reads=False))
        await db.finish(commit=True)
    except Exception as exc:
        response = _not_done(exc, db)
        await _abandon(db)
        return response
    return Response(body, status_code=status, media_type="application/json",
                    headers={"Idempotent-Replayed": "true"})  # fmt: skip


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
