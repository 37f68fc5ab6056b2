"""Access tokens: ES256 JWTs signed with a key kept under $CLAIMGRAPH_HOME.

joserfc is the JOSE library of the authlib project (authlib.jose is deprecated in its favour).
Only ES256 is accepted, so `alg: none` and HS256-with-the-public-key tokens are refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from db import settings as db_settings
from graph.config import Settings

ALGORITHMS = ["ES256"]
LEEWAY = 30  # seconds of clock leeway on `exp` (and `nbf`, `iat`)


class InvalidToken(Exception):
    """The bearer token cannot be trusted; the message is safe to show."""


def _key_path() -> Path:
    return db_settings.home() / "keys" / "signing-es256.json"


def signing_key() -> ECKey:
    """The signing key, generated once and kept (owner-only) under $CLAIMGRAPH_HOME."""
    path = _key_path()
    if path.exists():
        return ECKey.import_key(json.loads(path.read_text()))
    path.parent.mkdir(parents=True, exist_ok=True)
    key = ECKey.generate_key("P-256", parameters={"kid": f"cg-{int(time.time())}"})
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(json.dumps(key.as_dict(private=True)))
    try:
        os.link(tmp, path)  # first writer wins when two processes start together
    except FileExistsError:
        pass
    tmp.unlink(missing_ok=True)
    return ECKey.import_key(json.loads(path.read_text()))


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    user_id: UUID
    session_id: UUID | None  # the sign-in (refresh-token family) it was issued under
    expires_at: float | None = None  # POSIX time of the token's `exp`


def issue_access_token(
    *,
    session_id: UUID | None = None,
    user_id: UUID,
    role: str,
    settings: Settings,
    key: ECKey | None = None,
    lifetime_seconds: int | None = None,
) -> str:
    """A signed access token for one user."""
    key = key or signing_key()
    now = int(time.time())
    lifetime = (
        lifetime_seconds if lifetime_seconds is not None else settings.access_token_minutes * 60
    )
    claims = {
        "iss": settings.issuer,
        "aud": settings.audience,
        "sub": str(user_id),
        "role": role,
        "iat": now,
        "nbf": now,
        "exp": now + lifetime,
    }
    if session_id is not None:
        claims["sid"] = str(session_id)
    header = {"alg": "ES256", "typ": "JWT"}
    if key.kid:
        header["kid"] = key.kid
    return jwt.encode(header, claims, key, algorithms=ALGORITHMS)


def validate_claims(claims: dict, *, issuer: str, audience: str) -> None:
    """Issuer, audience, subject and expiry, all required (30 s of clock leeway)."""
    registry = jwt.JWTClaimsRegistry(
        leeway=LEEWAY,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": audience},
        sub={"essential": True},
        exp={"essential": True},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise InvalidToken(f"the access token was refused: {exc.error}") from exc


def verify_access_token(token: str, *, settings: Settings, key: ECKey) -> VerifiedToken:
    """The user (and sign-in session) of a valid token; InvalidToken for anything else."""
    try:
        decoded = jwt.decode(token, key, algorithms=ALGORITHMS)
    except (JoseError, ValueError, TypeError) as exc:
        raise InvalidToken("the access token is malformed or its signature is invalid") from exc
    validate_claims(decoded.claims, issuer=settings.issuer, audience=settings.audience)
    try:
        user_id = UUID(str(decoded.claims["sub"]))
        sid = decoded.claims.get("sid")
        session_id = UUID(str(sid)) if sid is not None else None
    except ValueError as exc:
        raise InvalidToken("the access token names no valid subject") from exc
    exp = decoded.claims.get("exp")
    return VerifiedToken(
        user_id=user_id,
        session_id=session_id,
        expires_at=float(exp) if isinstance(exp, int | float) else None,
    )


class VerifiedTokens:
    """Tokens already verified, kept until their expiry so a repeated bearer token skips the
    signature check (bounded; the least recently used goes first). Only the token is cached:
    whether its sign-in has ended (logout) or its user is still active is a fact of the
    principal, looked at on every request (graph/principal_cache.py)."""

    def __init__(self, *, settings: Settings, key: ECKey, size: int = 10_000) -> None:
        self.settings, self.key, self.size = settings, key, size
        self._seen: OrderedDict[bytes, VerifiedToken] = OrderedDict()

    def verify(self, token: str) -> VerifiedToken:
        digest = hashlib.sha256(token.encode()).digest()  # no bearer token is kept in memory
        hit = self._seen.get(digest)
        if hit is not None:
            # the test validate_claims makes (joserfc: refused when exp <= now - leeway)
            if hit.expires_at is not None and hit.expires_at > int(time.time()) - LEEWAY:
                self._seen.move_to_end(digest)
                return hit
            del self._seen[digest]
        verified = verify_access_token(token, settings=self.settings, key=self.key)
        if verified.expires_at is not None:
            self._seen[digest] = verified
            if len(self._seen) > self.size:
                self._seen.popitem(last=False)
        return verified

    def __len__(self) -> int:
        return len(self._seen)
