"""Sign-in: the OAuth 2 token endpoint (RFC 6749) and logout.

POST /auth/token, form-encoded, grant_type one of:
  password            username (email), password, totp when the account has MFA
  refresh_token       refresh_token; rotates it (the old one is then spent)
  client_credentials  a service client: HTTP Basic or client_id + client_secret in the body
POST /auth/logout, bearer access token and/or refresh_token in the body: ends the session.
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl
from uuid import UUID, uuid4

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from authlib.oauth2.rfc6749.errors import (
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    OAuth2Error,
    UnauthorizedClientError,
    UnsupportedGrantTypeError,
)
from authlib.oauth2.rfc6749.util import extract_basic_authorization
from authlib.oauth2.rfc6750.errors import InvalidTokenError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from db import accounts
from db import audit as audit_db
from db import workflows as wf
from domain import signin as rules
from domain.signin import RefreshVerdict as Verdict
from graph.auth import InvalidToken, issue_access_token, signing_key, verify_access_token
from graph.config import Settings
from graph.limits import Limiter
from graph.schema import _is_database_down

log = logging.getLogger("claimgraph.signin")

_FORM = "application/x-www-form-urlencoded"
_MAX_BODY = 8 * 1024
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_hasher = PasswordHasher()
# compared against when a client_id is unknown, so both paths do the same work
_DUMMY_DIGEST = rules.token_digest(secrets.token_urlsafe(32))

# An unknown email, a wrong password and a locked account get these same words, after the
# same password check (no account enumeration, and a lock does not confirm a password).
BAD_CREDENTIALS = "The email or password is incorrect."
INACTIVE = "This account is not active; contact the plan to restore access."
MFA_REQUIRED = "A second factor is required: send the 6-digit code of your authenticator as totp."
MFA_WRONG = "The second-factor code is wrong, expired or already used."
CLIENT_REFUSED = "Client authentication failed."
REFRESH_REFUSED = {
    None: "The refresh token is not valid; sign in again.",
    Verdict.REVOKED: "The refresh token was revoked; sign in again.",
    Verdict.REUSED: "The refresh token was already used; the session is ended.",
    Verdict.EXPIRED: "The session has expired; sign in again.",
    Verdict.IDLE: "The session expired after 30 minutes without use; sign in again.",
}


@dataclass(frozen=True, slots=True)
class _Grant:
    """Who gets an access token, and the refresh token that goes with it (if any)."""

    user_id: UUID
    role: str
    refresh_token: str | None = None
    session_id: UUID | None = None  # the refresh-token family; logout ends its access tokens


Form = dict[str, str]
Outcome = _Grant | OAuth2Error  # errors are returned, not raised, so the transaction commits


def routes(*, engine: AsyncEngine, settings: Settings) -> list[Route]:
    """The sign-in routes of one app."""
    endpoints = _SignIn(engine=engine, settings=settings)
    return [
        Route("/auth/token", endpoints.token, methods=["POST"]),
        Route("/auth/logout", endpoints.logout, methods=["POST"]),
    ]


def _oauth_errors(handler):
    """OAuth errors become RFC 6749 §5.2 answers; anything else a bare 500/503, never a trace."""

    @functools.wraps(handler)
    async def wrapped(self, request: Request) -> JSONResponse:
        try:
            return await handler(self, request)
        except OAuth2Error as error:
            status, body, headers = error()
            headers = {k: v for k, v in headers if k.lower() != "content-type"}
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
        _dummy_hash()  # made now, so the first unknown email costs no more than later ones

    @_oauth_errors
    async def token(self, request: Request) -> JSONResponse:
        grants = {
            "password": self._password,
            "refresh_token": self._refresh,
            "client_credentials": self._client_credentials,
        }
        form = await _form(request)
        grant_type = _required(form, "grant_type")
        if grant_type not in grants:
            error = UnsupportedGrantTypeError(grant_type)
            error.description = "Supported grant types: " + ", ".join(grants) + "."
            raise error
        wait = self._rate_limited(request, grant_type, form)
        if wait:
            return _slow_down(wait)
        now = datetime.now(UTC)
        async with self.engine.begin() as conn:
            outcome = await grants[grant_type](conn, request, form, now)
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
                who = "client:" + _client_auth(request, form)[0]
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

    def _tokens(self, grant: _Grant) -> JSONResponse:
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

    async def _password(self, conn, request: Request, form: Form, now: datetime) -> Outcome:
        email, password = _required(form, "username"), _required(form, "password")
        user = await accounts.user_for_signin(conn, email.strip())
        if user is None:
            await _verify(None, password)  # the same work as a wrong password: timing tells nothing
            log.info("sign-in refused: unknown account")
            return InvalidGrantError(BAD_CREDENTIALS)
        who = {"user_id": str(user["id"])}
        attempts = rules.Attempts(user["login_attempts"], user["locked_until"])
        if attempts.locked(now):
            # the check a wrong password gets, and its answer: the right password does not
            # show through a lock, and neither cost nor words tell that the account exists
            await _verify(user["password_hash"], password)
            log.info("sign-in refused: account locked", extra=who)
            return InvalidGrantError(BAD_CREDENTIALS)
        ok, rehashed = await _verify(user["password_hash"], password)
        if not ok:
            return await _fail(conn, user, attempts, now, BAD_CREDENTIALS)
        if user["status"] != "active":
            log.info("sign-in refused: account not active", extra=who)
            return InvalidGrantError(INACTIVE)
        step = None
        if user["mfa_enabled"]:
            if not form.get("totp"):
                return InvalidGrantError(MFA_REQUIRED)
            step = _totp_step(user["mfa_secret"], form["totp"], user["mfa_last_step"], now)
            if step is None:
                return await _fail(conn, user, attempts, now, MFA_WRONG)
        await accounts.record_success(
            conn, user_id=user["id"], now=now, password_hash=rehashed, mfa_step=step
        )
        family = uuid4()
        refresh_token = await accounts.open_session(
            conn,
            user_id=user["id"],
            expires_at=rules.session_expiry(now),
            now=now,
            family_id=family,
            **_origin(request),
        )
        log.info("sign-in by password", extra=who)
        return _Grant(
            user_id=user["id"], role=user["role"], refresh_token=refresh_token, session_id=family
        )

    async def _refresh(self, conn, request: Request, form: Form, now: datetime) -> Outcome:
        row = await accounts.session_for_refresh(conn, _required(form, "refresh_token"))
        if row is None:
            return InvalidGrantError(REFRESH_REFUSED[None])
        verdict = rules.judge_refresh(accounts.refresh_state(row), now)
        closed = row["status"] != "active" or row["deleted_at"] is not None
        if verdict is Verdict.VALID and closed:
            verdict = Verdict.REVOKED  # the account was closed since sign-in
            await accounts.revoke_family(conn, family_id=row["family_id"], now=now)
        if verdict is not Verdict.VALID:
            if rules.ends_session(verdict):
                await accounts.revoke_family(conn, family_id=row["family_id"], now=now)
            if verdict is Verdict.REUSED:
                log.warning(
                    "refresh token reused: session family revoked",
                    extra={"user_id": str(row["user_id"]), "family_id": str(row["family_id"])},
                )
            return InvalidGrantError(REFRESH_REFUSED[verdict])
        refresh_token = await accounts.rotate(conn, row, now=now, **_origin(request))
        return _Grant(
            user_id=row["user_id"],
            role=row["role"],
            refresh_token=refresh_token,
            session_id=row["family_id"],
        )

    async def _client_credentials(
        self, conn, request: Request, form: Form, now: datetime
    ) -> Outcome:
        client_id, secret = _client_auth(request, form)
        client = await accounts.service_client(conn, client_id)
        stored = client["secret_hash"] if client is not None else _DUMMY_DIGEST
        matches = rules.digests_match(rules.token_digest(secret), stored)
        if client is None or not matches or client["revoked_at"] is not None:
            log.info("client authentication failed")
            return InvalidClientError(CLIENT_REFUSED, status_code=401)
        if client["status"] != "active" or client["deleted_at"] is not None:
            return UnauthorizedClientError("The account this client acts as is not active.")
        await accounts.touch_service_client(conn, id=client["id"], now=now)
        log.info("sign-in by client credentials", extra={"user_id": str(client["user_id"])})
        return _Grant(user_id=client["user_id"], role=client["role"])


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """The argon2 hash of a new password, with the parameters sign-in verifies (CPU-bound)."""
    return _hasher.hash(password)


def _verify_sync(stored: str | None, password: str) -> tuple[bool, str | None]:
    """(password right?, a new hash when the stored one uses outdated parameters)."""
    try:
        _hasher.verify(stored or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False, None
    if stored is None:
        return False, None
    return True, (_hasher.hash(password) if _hasher.check_needs_rehash(stored) else None)


async def _verify(stored: str | None, password: str) -> tuple[bool, str | None]:
    # argon2 takes tens of milliseconds of CPU: off the event loop
    return await asyncio.to_thread(_verify_sync, stored, password)


async def _fail(conn, user, attempts: rules.Attempts, now: datetime, message: str) -> OAuth2Error:
    counted = rules.after_failure(attempts, now)
    await accounts.record_failure(
        conn, user_id=user["id"], attempts=counted.count, locked_until=counted.locked_until
    )
    if counted.locked(now):
        log.warning("account locked after failed sign-ins", extra={"user_id": str(user["id"])})
    else:
        log.info("sign-in refused: bad credentials", extra={"user_id": str(user["id"])})
    return InvalidGrantError(message)


def _totp_step(secret: str | None, code: str, last_step: int | None, now: datetime) -> int | None:
    """The time step a code belongs to (one step of clock drift allowed), None if no good."""
    code = code.replace(" ", "")
    if not secret or len(code) != 6 or not code.isdigit():
        return None
    try:
        totp = pyotp.TOTP(secret)
        current = totp.timecode(now)
        for step in (current - 1, current, current + 1):
            if hmac.compare_digest(totp.generate_otp(step), code):
                return step if rules.totp_step_acceptable(step, last_step) else None
    except (ValueError, TypeError):  # a malformed stored secret: refuse, do not crash
        log.error("unusable MFA secret on an account")
    return None


def _client_auth(request: Request, form: Form) -> tuple[str, str]:
    """RFC 6749 §2.3.1: HTTP Basic or client_id/client_secret in the body, never both."""
    try:
        basic_id, basic_secret = extract_basic_authorization(request.headers)
    except ValueError:  # Basic credentials that are not UTF-8
        raise InvalidClientError(CLIENT_REFUSED, status_code=401) from None
    if basic_id is not None:
        if "client_id" in form or "client_secret" in form:
            raise InvalidRequestError("Authenticate the client one way only: Basic or the body.")
        client_id, secret = basic_id, basic_secret
    else:
        client_id, secret = form.get("client_id"), form.get("client_secret")
    if not client_id or not secret:
        raise InvalidClientError(
            "Client authentication is required: HTTP Basic, or client_id and client_secret.",
            status_code=401,
        )
    return client_id, secret


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


def _required(form: Form, name: str) -> str:
    value = form.get(name)
    if value is None:
        raise InvalidRequestError(f"The parameter {name} is required.")
    return value


_AUDIT_ACTIONS = {
    "password": "sign_in",
    "refresh_token": "token_refresh",
    "client_credentials": "sign_in_service",
    "logout": "logout",
}


def _audit_row(request: Request, kind: str, outcome, *, user_id: UUID | None = None) -> dict:
    """The audit row of a sign-in, refresh or logout (no email, password or token in it)."""
    failed = isinstance(outcome, OAuth2Error)
    if isinstance(outcome, _Grant):
        user_id = outcome.user_id
    action = _AUDIT_ACTIONS[kind] + ("_failed" if failed else "")
    return {
        "user_id": user_id,
        "role": outcome.role if isinstance(outcome, _Grant) else None,
        "action": action,
        "resource_type": "User",
        "resource_id": user_id,
        "request_id": request.headers.get("x-request-id") or uuid4().hex,
        "client_ip": request.client.host if request.client else None,
        "user_agent": (request.headers.get("user-agent") or "")[:512] or None,
        "success": not failed,
        "error": outcome.error if failed else None,
    }


def _origin(request: Request) -> dict[str, str | None]:
    return {
        "ip_address": request.client.host if request.client else None,
        "user_agent": request.headers.get("user-agent"),
    }


def _slow_down(wait: int) -> JSONResponse:
    body = {
        "error": "temporarily_unavailable",
        "error_description": f"Too many sign-in attempts; retry in {wait} s.",
        "code": "RATE_LIMITED",
    }
    return JSONResponse(body, status_code=429, headers={"Retry-After": str(wait), **_NO_STORE})


def _failure(exc: Exception) -> JSONResponse:
    # only the type is logged: a driver's message can carry the bound parameters (an email)
    if _is_database_down(exc):
        log.warning("sign-in: database unavailable (%s)", type(exc).__name__)
        body = {"error": "temporarily_unavailable", "error_description": "Retry shortly."}
        return JSONResponse(body, status_code=503, headers={"Retry-After": "5", **_NO_STORE})
    log.error("sign-in failed unexpectedly (%s)", type(exc).__name__)
    body = {"error": "server_error", "error_description": "Internal error."}
    return JSONResponse(body, status_code=500, headers=_NO_STORE)
