"""The grants of the token endpoint (RFC 6749): a password (with a second factor when the
account has one), a refresh token (rotated), a service client's credentials. Each returns
the grant or the OAuth error to answer with; graph/signin.py runs them in a transaction."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from authlib.oauth2.rfc6749.errors import (
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    OAuth2Error,
    UnauthorizedClientError,
)
from authlib.oauth2.rfc6749.util import extract_basic_authorization
from starlette.requests import Request

from db import accounts
from domain import signin as rules
from domain.signin import RefreshVerdict as Verdict
from graph import passwords

log = logging.getLogger("claimgraph.signin")

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
class Grant:
    """Who gets an access token, and the refresh token that goes with it (if any)."""

    user_id: UUID
    role: str
    refresh_token: str | None = None
    session_id: UUID | None = None  # the refresh-token family; logout ends its access tokens


Form = dict[str, str]
Outcome = Grant | OAuth2Error  # errors are returned, not raised, so the transaction commits


async def password_grant(conn, request: Request, form: Form, now: datetime) -> Outcome:
    email, password = required(form, "username"), required(form, "password")
    user = await accounts.user_for_signin(conn, email.strip())
    if user is None:
        # the same work as a wrong password: timing tells nothing
        await passwords.verify(None, password)
        log.info("sign-in refused: unknown account")
        return InvalidGrantError(BAD_CREDENTIALS)
    who = {"user_id": str(user["id"])}
    attempts = rules.Attempts(user["login_attempts"], user["locked_until"])
    if attempts.locked(now):
        # the check a wrong password gets, and its answer: the right password does not
        # show through a lock, and neither cost nor words tell that the account exists
        await passwords.verify(user["password_hash"], password)
        log.info("sign-in refused: account locked", extra=who)
        return InvalidGrantError(BAD_CREDENTIALS)
    ok, rehashed = await passwords.verify(user["password_hash"], password)
    if not ok:
        return await _fail(conn, user, attempts, now, BAD_CREDENTIALS)
    if user["status"] != "active":
        log.info("sign-in refused: account not active", extra=who)
        return InvalidGrantError(INACTIVE)
    step = None
    if user["mfa_enabled"]:
        if not form.get("totp"):
            return InvalidGrantError(MFA_REQUIRED)
        step = passwords.totp_step(user["mfa_secret"], form["totp"], user["mfa_last_step"], now)
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
    return Grant(
        user_id=user["id"], role=user["role"], refresh_token=refresh_token, session_id=family
    )


async def refresh_grant(conn, request: Request, form: Form, now: datetime) -> Outcome:
    row = await accounts.session_for_refresh(conn, required(form, "refresh_token"))
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
    return Grant(
        user_id=row["user_id"],
        role=row["role"],
        refresh_token=refresh_token,
        session_id=row["family_id"],
    )


async def client_credentials_grant(conn, request: Request, form: Form, now: datetime) -> Outcome:
    client_id, secret = client_auth(request, form)
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
    return Grant(user_id=client["user_id"], role=client["role"])


GRANTS = {
    "password": password_grant,
    "refresh_token": refresh_grant,
    "client_credentials": client_credentials_grant,
}


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


def client_auth(request: Request, form: Form) -> tuple[str, str]:
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


def required(form: Form, name: str) -> str:
    value = form.get(name)
    if value is None:
        raise InvalidRequestError(f"The parameter {name} is required.")
    return value


def _origin(request: Request) -> dict[str, str | None]:
    return {
        "ip_address": request.client.host if request.client else None,
        "user_agent": request.headers.get("user-agent"),
    }
