"""The ASGI app: health probes, authentication in front of GraphQL, one context per request."""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL

from db import tallies
from db.engine import make_engine
from db.session import RequestConnection
from domain.enums import PurposeOfUse
from graph import cors, gate, health, limits, logs
from graph.auth import InvalidToken, VerifiedTokens, signing_key
from graph.config import Settings
from graph.console import routes as console_routes
from graph.context import Context, enter, leave
from graph.encoding import OrjsonAnswers
from graph.errors import error_body
from graph.idempotency import run_once
from graph.inputs import CodedAnswers
from graph.loaders import UserByIdLoader
from graph.logs import RequestTimer
from graph.oidc import Jwks, external_facts, unverified_issuer
from graph.outage import OutageGuard, OutageStatus, is_outage, unavailable_response
from graph.principal_cache import Facts, PrincipalCache
from graph.runtime import settle_heap
from graph.schema import build_schema
from graph.signin import routes as signin_routes
from graph.subscriptions.hub import Hub
from graph.subscriptions.socket import SocketContext, SocketGate
from graph.upkeep import Upkeep
from graph.validation.worker import RunWorker
from policies.engine import Authorizer

log = logging.getLogger("claimgraph.app")


class _GraphQL(CodedAnswers, OutageStatus, OrjsonAnswers, GraphQL):
    """Every refusal leaves as coded JSON; an outage as 503 with Retry-After."""

    async def get_context(self, request: Request, response: Any) -> Context | None:
        socket = getattr(request.state, "socket", None)
        if socket is not None:  # a WebSocket: each event gets its own context
            return SocketContext(socket)
        # every operation that gets this far has a principal (graph/gate.py, _authenticate)
        return getattr(request.state, "context", None)


# The LISTEN connections each process holds for its life (the outbox's, graph/subscriptions/
# hub.py, and the principal cache's), taken from the pool on top of DB_POOL_SIZE.
LISTENERS = 2


class AuthenticatedGraphQL:
    """Verifies the bearer token and loads the principal before any GraphQL runs."""

    def __init__(
        self, *, engine: AsyncEngine, settings: Settings, authorizer: Authorizer, hub: Hub
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.authorizer = authorizer
        self.jwks = Jwks(settings.oidc_jwks_url) if settings.oidc_enabled else None
        self.key = signing_key()
        self.tokens = VerifiedTokens(settings=settings, key=self.key)
        self.principals = PrincipalCache(engine)  # started and stopped by the app's lifespan
        self.appender = hub.audit  # the audit rows of answers made at the same time, together
        self.graphql = _GraphQL(
            build_schema(settings),
            graphql_ide=None,  # no HTML here: the staff console is graph/console.py
            allow_queries_via_get=settings.allow_get_queries,
            # claim documents arrive as multipart uploads; bearer tokens (never cookies)
            # authenticate every request, and graph/gate.py wants a preflight header too
            multipart_uploads_enabled=True,
        )
        self.sockets = SocketGate(
            self.graphql, engine=engine, settings=settings, authorizer=authorizer, hub=hub,
            key=self.key,
        )  # fmt: skip

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "websocket":
            await self.sockets(scope, receive, send)
            return
        request = Request(scope, receive)
        refusal, body_limit = gate.check(request, self.settings)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        receive = gate.capped(receive, body_limit)
        request = Request(scope, receive)
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        db = RequestConnection(self.engine)
        timer, status = RequestTimer(), [500]
        retry_after = limits.watch_retry_after()
        started = [False]

        async def send_and_note(message) -> None:
            if message["type"] == "http.response.start":
                status[0], started[0] = message["status"], True
                if retry_after:  # a rate-limited field: say when to come back
                    wait = str(max(retry_after)).encode()
                    message = {**message, "headers": [*message.get("headers", []),
                                                      (b"retry-after", wait)]}  # fmt: skip
            await send(message)

        context = None
        try:
            response = await self._authenticate(request, db, request_id)
            if response is not None:
                await response(scope, receive, send_and_note)
                return
            context = request.state.context
            token = enter(context)
            try:
                await run_once(self.graphql, context, scope, receive, send_and_note)
            finally:
                leave(token)
        except gate.BodyTooLarge as exc:  # streamed past its limit, before any answer
            if started[0]:
                raise
            await gate.too_large(exc.limit)(scope, receive, send_and_note)
        finally:
            await db.close()
            if context is not None:
                context.release()
            timer.done(
                request_id=request_id,
                principal=context.principal if context else None,
                operation=context.audit.operation_name if context else None,
                status=status[0],
                cost=context.cost if context else None,
            )

    async def _authenticate(self, request: Request, db: RequestConnection, request_id: str):
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _unauthenticated("Sign in first: send 'Authorization: Bearer <access token>'.")
        try:
            facts = await self._identify(token.strip(), db)
        except InvalidToken as exc:
            return _unauthenticated(str(exc))
        except Exception as exc:
            if not is_outage(exc):
                raise
            log.warning("database unavailable during sign-in check")
            return unavailable_response(exc)
        if facts is None:
            return _unauthenticated("The access token's user is unknown or inactive.")
        row = facts.row
        if row["session_ended"]:
            return _unauthenticated("The access token's sign-in has ended (logged out).")
        purpose, refusal = self._purpose(request, row["role"])
        if refusal is not None:
            return refusal
        today = date.today()
        context = Context(
            principal=facts.principal(today=today, purpose=purpose),
            db=db,
            settings=self.settings,
            authorizer=self.authorizer,
            today=today,
            request_id=request_id,
            client_ip=request.client.host if request.client else None,
            user_agent=request.headers.get("user-agent"),
            local_user=not row.get("external", False),
            appender=self.appender,
        )
        # the principal's own row is already here: `me` needs no second read
        context.loader(UserByIdLoader).prime(row["id"], row)
        request.state.context = context
        return None

    async def _identify(self, token: str, db: RequestConnection) -> Facts | None:
        """The user's row and facts, from our own token or the external provider's."""
        if self.jwks is not None and unverified_issuer(token) == self.settings.oidc_issuer:
            return await external_facts(token, db, settings=self.settings, jwks=self.jwks)
        verified = self.tokens.verify(token)
        return await self.principals.facts(db, verified.user_id, verified.session_id)

    def _purpose(self, request: Request, role: str):
        """The purpose of use stated in X-Purpose-Of-Use, or the role's default."""
        stated_all = request.headers.getlist("x-purpose-of-use")
        if len(stated_all) > 1 or any("," in s for s in stated_all):
            body = error_body("BAD_USER_INPUT", "State one purpose of use, in one "
                              "X-Purpose-Of-Use header.", field="X-Purpose-Of-Use")  # fmt: skip
            return None, JSONResponse(body, status_code=400)
        stated = stated_all[0] if stated_all else None
        if stated is None or not stated.strip():
            default = self.authorizer.default_purpose(role)
            return (PurposeOfUse(default) if default else None), None
        try:
            purpose = PurposeOfUse(stated.strip().upper())
        except ValueError:
            allowed = ", ".join(p.value for p in PurposeOfUse)
            body = error_body("BAD_USER_INPUT", f"X-Purpose-Of-Use must be one of {allowed}.")
            return None, JSONResponse(body, status_code=400)
        if not self.authorizer.purpose_allowed(role, purpose.value):
            body = error_body(
                "FORBIDDEN", f"The purpose of use {purpose.value} is not allowed for your role."
            )
            return None, JSONResponse(body, status_code=403)
        return purpose, None


def _unauthenticated(message: str) -> JSONResponse:
    return JSONResponse(
        error_body("UNAUTHENTICATED", message),
        status_code=401,
        headers={"WWW-Authenticate": 'Bearer realm="claimgraph"'},
    )


def create_app(database_url: str | None = None, settings: Settings | None = None) -> Starlette:
    """The app for one process; the engine is made at startup, never at import."""
    from db.embedded import resolve_url

    settings = settings or Settings()
    logs.configure(os.environ.get("LOG_LEVEL", "INFO").upper())
    url = database_url or resolve_url()
    # A pool of fixed size, opened as needed and kept: a request that finds every connection
    # busy waits for one (DB_POOL_TIMEOUT_SECONDS). Overflow connections, opened and closed
    # again under load (a new backend, SSL, every statement prepared again), took two thirds
    # of a small read's throughput at 32 concurrent requests.
    engine = make_engine(
        url,
        pool_size=settings.db_pool_size + LISTENERS,
        max_overflow=0,
        statement_timeout_ms=settings.db_statement_timeout_ms,
        lock_timeout_ms=settings.db_lock_timeout_ms,
        pool_timeout=settings.db_pool_timeout_seconds,
    )
    authorizer = Authorizer()
    hub = Hub(engine, queue_size=settings.ws_queue_size, appeal_scan=settings.appeal_scan_seconds)
    graphql = AuthenticatedGraphQL(engine=engine, settings=settings, authorizer=authorizer, hub=hub)

    runs = RunWorker(engine, authorizer, settings=settings)
    upkeep = Upkeep(engine, every=settings.upkeep_seconds)
    folding = Upkeep(engine, every=settings.tally_fold_seconds, job=tallies.fold)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        runs.start()  # validation runs, in the background of every replica
        hub.start()  # the outbox listener that feeds this replica's subscribers
        upkeep.start()  # policies expire and children age out as the days pass
        folding.start()  # the claims' status changes into their tally
        graphql.principals.start()  # the listener that keeps cached principals true
        settle_heap(settings.gc_threshold)  # start-up is done: freeze what it made
        try:
            yield
        finally:
            await graphql.principals.stop()
            await hub.stop()
            await upkeep.stop()
            await folding.stop()
            await runs.stop()
            await engine.dispose()

    app = Starlette(
        routes=[
            *health.routes(engine),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            *signin_routes(engine=engine, settings=settings),
            *console_routes(settings),
        ],
        # CORS first (a preflight is answered before anything else); then, inside
        # Starlette's own error middleware (whose 500 is plain text), every outage, whatever
        # path it strikes, leaves as 503 JSON with Retry-After (graph/outage.py)
        middleware=[
            *cors.middleware(settings.cors_origins),
            Middleware(OutageGuard, deadline_seconds=settings.request_deadline_seconds),
        ],
        exception_handlers={HTTPException: gate.coded_http_error},  # 404, 405: coded JSON
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.settings = settings
    app.state.authorizer = authorizer
    app.state.runs = runs
    app.state.hub = hub
    app.state.principals = graphql.principals
    return app
