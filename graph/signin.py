"""Sign-in: the OAuth 2 token endpoint (RFC 6749) and logout.

POST /auth/token, form-encoded, grant_type one of:
  password            username (email), password, totp when the account has MFA
  refresh_token       refresh_token; rotates it (the old one is then spent)
  client_credentials  a service client: HTTP Basic or client_id + client_secret in the body
POST /auth/logout, bearer access token and/or refresh_token in the body: ends the session.

The grants themselves are in graph/grants.py, passwords and one-time codes in
graph/passwords.py; this module is the HTTP side: the form, the transaction, the audit row,
the rate limit and the RFC 6749 answers.
"""

from __future__ import annotations

import functools
import logging
from datetime import UTC, datetime
from urllib.parse import parse_qsl
from uuid import UUID, uuid4

from authlib.oauth2.rfc6749.errors import (
    InvalidRequestError,
    OAuth2Error,
    UnsupportedGrantTypeError,
)
from authlib.oauth2.rfc6750.errors import InvalidTokenError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from db import accounts
from db import audit as audit_db
from db import workflows as wf
from graph import passwords
from graph.auth import InvalidToken, issue_access_token, signing_key, verify_access_token
from graph.config import Settings
from graph.errors import error_body
from graph.grants import GRANTS, Form, Grant, client_auth, required
from graph.limits import Limiter
from graph.outage import RETRY_AFTER, is_outage, message_for

log = logging.getLogger("claimgraph.signin")

_FORM = "application/x-www-form-urlencoded"
_MAX_BODY = 8 * 1024
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def routes(*, engine: AsyncEngine, settings: Settings) -> list[Route]:
    """The sign-in routes of one app."""
    endpoints = _SignIn(engine=engine, settings=settings)
    return [
        Route("/auth/token", endpoints.token, methods=["POST"]),
        Route("/auth/logout", endpoints.logout, methods=["POST"]),
    ]


# RFC 6749's error, and the `extensions.code` every other answer of this API carries
_OAUTH_CODES = {"invalid_client": "UNAUTHENTICATED", "invalid_grant": "UNAUTHENTICATED",
                "invalid_token": "UNAUTHENTICATED", "access_denied": "FORBIDDEN",
                "unauthorized_client": "FORBIDDEN"}  # fmt: skip


def _coded(body: dict, code: str, message: str) -> dict:
    """An RFC 6749 error body that also carries the API's `code` and `errors`."""
    return body | {"code": code, "errors": error_body(code, message)["errors"]}


def _oauth_errors(handler):
    """OAuth errors become RFC 6749 §5.2 answers; anything else a bare 500/503, never a trace."""

    @functools.wraps(handler)
    async def wrapped(self, request: Request) -> JSONResponse:
        try:
            return await handler(self, request)
        except OAuth2Error as error:
            status, body, headers = error()
            headers = {k: v for k, v in headers if k.lower() != "content-type"}
            code = _OAUTH_CODES.get(error.error, "BAD_USER_INPUT")
            body = _coded(dict(body), code, body.get("error_description") or error.error)
            return JSONResponse(body, status_code=status, headers=headers)
        except Exception as exc:  # noqa: BLE001
            return _failure(exc)

    return wrapped


class _SignIn:
    def __init__(self, *, engine: AsyncEngine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.key = signing_key()
        self.limiter = Limiter()  # this process's sign-in attempts (graph/limits.py)
        passwords.dummy_hash()  # made now, so the first unknown email costs no more than later ones

    @_oauth_errors
    async def token(self, request: Request) -> JSONResponse:
        form = await _form(request)
        grant_type = required(form, "grant_type")
        if grant_type not in GRANTS:
            error = UnsupportedGrantTypeError(grant_type)
            error.description = "Supported grant types: " + ", ".join(GRANTS) + "."
            raise error
        wait = self._rate_limited(request, grant_type, form)
        if wait:
            return _slow_down(wait)
        now = datetime.now(UTC)
        async with self.engine.begin() as conn:
            outcome = await GRANTS[grant_type](conn, request, form, now)
            # in the same transaction: a sign-in is never granted unaudited
            await audit_db.write(conn, [_audit_row(request, grant_type, outcome)])
        # raised only after commit: a failed-attempt count or a revocation must persist
        if isinstance(outcome, OAuth2Error):
            raise outcome
        return self._tokens(outcome)

    @_oauth_errors
    async def logout(self, request: Request) -> JSONResponse:
        form = await _form(request)
        refresh_token = form.get("refresh_token")
        user_id = None
        scheme, _, bearer = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and bearer.strip():
            try:
                verified = verify_access_token(bearer.strip(), settings=self.settings, key=self.key)
                user_id = verified.user_id
            except InvalidToken:
                if refresh_token is None:
                    raise InvalidTokenError("The access token is not valid.") from None
        if refresh_token is None and user_id is None:
            raise InvalidRequestError("Send the access token as a bearer token, or refresh_token.")
        now = datetime.now(UTC)
        async with self.engine.begin() as conn:
            if refresh_token is not None:
                # RFC 7009 §2.2: an unknown token is no error, there is nothing left to end
                family = await accounts.family_of(conn, refresh_token)
                if family is not None:
                    await accounts.revoke_family(conn, family_id=family, now=now)
            else:
                # an access token names no session: without a refresh token, end them all
                await accounts.revoke_user_sessions(conn, user_id=user_id, now=now)
            await audit_db.write(conn, [_audit_row(request, "logout", None, user_id=user_id)])
            # open WebSockets of this sign-in close within seconds (graph/subscriptions)
            await wf.publish(conn, topic="session.ended", payload={
                "user_id": str(user_id) if user_id else None})  # fmt: skip
        return JSONResponse({"revoked": True}, headers=_NO_STORE)

    def _rate_limited(self, request: Request, grant_type: str, form: Form) -> int:
        """Seconds to wait when this attempt is one too many for its email (or client id) or
        its address; 0 when it may go on. Unknown and known emails count alike."""
        if grant_type == "password":
            who = form.get("username", "").strip().lower()
        elif grant_type == "client_credentials":
            try:
                who = "client:" + client_auth(request, form)[0]
            except OAuth2Error:
                who = ""  # refused by the grant itself, after the address's count
        else:
            return 0  # a refresh token is 256 random bits: nothing to guess
        s = self.settings
        address = request.client.host if request.client else ""
        wanted = [("signin_address", address, s.signin_per_ip_per_minute)]
        if who:
            wanted.append(("signin_account", who, s.signin_per_email_per_minute))
        wait = self.limiter.take(*wanted)
        if wait:
            log.warning("sign-in rate limited", extra={"client_ip": address})
        return wait

    def _tokens(self, grant: Grant) -> JSONResponse:
        """RFC 6749 §5.1."""
        access_token = issue_access_token(
            user_id=grant.user_id,
            role=grant.role,
            settings=self.settings,
            key=self.key,
            session_id=grant.session_id,
        )
        body: dict = {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": self.settings.access_token_minutes * 60,
        }
        if grant.refresh_token is not None:
            body["refresh_token"] = grant.refresh_token
        return JSONResponse(body, headers=_NO_STORE)


async def _form(request: Request) -> Form:
    """The form parameters; empty values count as absent, repeats are refused (RFC 6749 §3.1)."""
    too_large = InvalidRequestError("The request body is too large.")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > _MAX_BODY:
        raise too_large
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > _MAX_BODY:
            raise too_large
    if not body:  # nothing sent: each missing parameter is then named
        return {}
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != _FORM:
        raise InvalidRequestError(
            "Send the parameters form-encoded (Content-Type: application/x-www-form-urlencoded)."
        )
    try:
        pairs = parse_qsl(body.decode(), keep_blank_values=True, max_num_fields=32, errors="strict")
    except ValueError:  # also UnicodeDecodeError
        raise InvalidRequestError("The form body is malformed.") from None
    form: Form = {}
    for name, value in pairs:
        if name in form:
            raise InvalidRequestError("A parameter is repeated; send each one at most once.")
        if value:
            form[name] = value
    return form


_AUDIT_ACTIONS = {
    "password": "sign_in",
    "refresh_token": "token_refresh",
    "client_credentials": "sign_in_service",
    "logout": "logout",
}


def _audit_row(request: Request, kind: str, outcome, *, user_id: UUID | None = None) -> dict:
    """The audit row of a sign-in, refresh or logout (no email, password or token in it)."""
    failed = isinstance(outcome, OAuth2Error)
    if isinstance(outcome, Grant):
        user_id = outcome.user_id
    action = _AUDIT_ACTIONS[kind] + ("_failed" if failed else "")
    return {
        "user_id": user_id,
        "role": outcome.role if isinstance(outcome, Grant) else None,
        "action": action,
        "resource_type": "User",
        "resource_id": user_id,
        "request_id": request.headers.get("x-request-id") or uuid4().hex,
        "client_ip": request.client.host if request.client else None,
        "user_agent": (request.headers.get("user-agent") or "")[:512] or None,
        "success": not failed,
        "error": outcome.error if failed else None,
    }


def _slow_down(wait: int) -> JSONResponse:
    message = f"Too many sign-in attempts; retry in {wait} s."
    body = _coded({"error": "temporarily_unavailable", "error_description": message},
                  "RATE_LIMITED", message)  # fmt: skip
    return JSONResponse(body, status_code=429, headers={"Retry-After": str(wait), **_NO_STORE})


def _failure(exc: Exception) -> JSONResponse:
    # only the type is logged: a driver's message can carry the bound parameters (an email)
    if is_outage(exc):
        log.warning("sign-in: database unavailable (%s)", type(exc).__name__)
        message = message_for(exc)
        # RFC 6749's fields, and the code every other answer of this API carries
        body = _coded({"error": "temporarily_unavailable", "error_description": message},
                      "SERVICE_UNAVAILABLE", message)  # fmt: skip
        headers = {"Retry-After": RETRY_AFTER, **_NO_STORE}
        return JSONResponse(body, status_code=503, headers=headers)
    log.error("sign-in failed unexpectedly (%s)", type(exc).__name__)
    body = _coded({"error": "server_error", "error_description": "Internal error."},
                  "INTERNAL", "Internal error.")  # fmt: skip
    return JSONResponse(body, status_code=500, headers=_NO_STORE)
