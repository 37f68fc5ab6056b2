"""Tokens from an external OpenID Connect provider (production sign-in).

Enabled when OIDC_ISSUER and OIDC_JWKS_URL are set. Only asymmetric algorithms are
accepted; the issuer and audience must match; the role and the ids the role is tied to
come from the provider's claims (`<prefix>role`, `<prefix>member_id`, ...).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from db import accounts, repos
from domain.access import ROLE_TIES
from domain.enums import Role
from graph.auth import InvalidToken, validate_claims
from graph.config import Settings
from graph.principal_cache import Facts

ALGORITHMS = ["RS256", "ES256", "PS256"]
_NAMESPACE = uuid.UUID("2f1d7c1e-2b9a-4d35-8d0b-6c2a3a1f0e11")


@dataclass(frozen=True, slots=True)
class ExternalIdentity:
    user_id: uuid.UUID  # stable per issuer and subject
    email: str
    role: Role
    member_id: uuid.UUID | None
    dependent_id: uuid.UUID | None
    provider_id: uuid.UUID | None
    employer_id: uuid.UUID | None
    jurisdiction: str | None


class Jwks:
    """The provider's signing keys, fetched when first needed and refreshed on a new key id."""

    def __init__(self, url: str, *, ttl: float = 600, min_refresh: float = 30) -> None:
        self.url = url
        self.ttl = ttl
        self.min_refresh = min_refresh
        self._keys: KeySet | None = None
        self._fetched = 0.0

    def _load(self) -> KeySet:
        parsed = urlparse(self.url)
        if parsed.scheme == "file":
            data = json.loads(Path(parsed.path).read_text())
        elif parsed.scheme == "https" or (
            parsed.scheme == "http" and parsed.hostname in ("127.0.0.1", "localhost")
        ):
            import httpx

            data = httpx.get(self.url, timeout=5).raise_for_status().json()
        else:
            raise InvalidToken("the OIDC JWKS URL must be https (or file:// for tests)")
        return KeySet.import_key_set(data)

    def keys(self, *, kid: str | None) -> KeySet:
        now = time.monotonic()
        stale = self._keys is None or now - self._fetched > self.ttl
        unknown = (
            kid is not None
            and self._keys is not None
            and not any(k.kid == kid for k in self._keys.keys)
        )
        if stale or (unknown and now - self._fetched > self.min_refresh):
            self._keys = self._load()
            self._fetched = now
        return self._keys


def unverified_issuer(token: str) -> str | None:
    """Which issuer a token claims, to pick the keys that must then verify it."""
    import base64

    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        issuer = claims.get("iss")
        return issuer if isinstance(issuer, str) else None
    except (IndexError, ValueError, AttributeError):
        return None


def _uuid_claim(claims: dict, name: str) -> uuid.UUID | None:
    raw = claims.get(name)
    if raw is None:
        return None
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise InvalidToken(f"the token's claim {name!r} is not an id") from None


def verify_external(token: str, *, settings: Settings, jwks: Jwks) -> ExternalIdentity:
    """An external provider's token, verified, as the identity it asserts."""
    import base64

    try:
        header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
        kid = header.get("kid")
        decoded = jwt.decode(token, jwks.keys(kid=kid), algorithms=ALGORITHMS)
    except (JoseError, ValueError, IndexError, AttributeError) as exc:
        raise InvalidToken("the access token is malformed or its signature is invalid") from exc
    validate_claims(
        decoded.claims,
        issuer=settings.oidc_issuer,
        audience=settings.oidc_audience or settings.audience,
    )
    claims, prefix = decoded.claims, settings.oidc_claim_prefix
    try:
        role = Role(str(claims.get(f"{prefix}role")))
    except ValueError:
        raise InvalidToken("the token carries no role claimgraph knows") from None
    identity = ExternalIdentity(
        user_id=uuid.uuid5(_NAMESPACE, f"{settings.oidc_issuer}#{claims['sub']}"),
        email=str(claims.get("email") or claims["sub"]),
        role=role,
        member_id=_uuid_claim(claims, f"{prefix}member_id"),
        dependent_id=_uuid_claim(claims, f"{prefix}dependent_id"),
        provider_id=_uuid_claim(claims, f"{prefix}provider_id"),
        employer_id=_uuid_claim(claims, f"{prefix}employer_id"),
        jurisdiction=claims.get(f"{prefix}jurisdiction"),
    )
    _check_ties(identity)
    return identity


def _check_ties(identity: ExternalIdentity) -> None:
    needed = ROLE_TIES.get(identity.role)
    if needed and getattr(identity, needed) is None:
        raise InvalidToken(f"a {identity.role.value} token must carry its {needed} claim")


async def external_facts(token: str, db, *, settings: Settings, jwks: Jwks) -> Facts | None:
    """The facts of a user signed in at the external provider (never cached: there is no
    sign-in of ours to key them by); None when its shadow account was deactivated here."""
    # the first use may fetch the provider's keys: keep that off the event loop
    identity = await asyncio.to_thread(verify_external, token, settings=settings, jwks=jwks)
    facts = await repos.external_facts(
        db,
        user_id=identity.user_id,
        member_id=identity.member_id,
        dependent_id=identity.dependent_id,
    )
    if facts["account"] is None:  # first sight: a shadow account to write as
        shadowed = await accounts.add_shadow_user(
            db, user_id=identity.user_id, email=identity.email, role=identity.role.value,
            ties={"member_id": identity.member_id, "dependent_id": identity.dependent_id,
                  "provider_id": identity.provider_id,
                  "employer_id": identity.employer_id,
                  "jurisdiction": identity.jurisdiction},
        )  # fmt: skip
        await db.commit()
        facts = {**facts, "account": "active" if shadowed else None}
    elif facts["account"] != "active":
        return None  # deactivated here: the provider's token no longer opens the API
    return Facts({
        "id": identity.user_id,
        "email": identity.email,
        "display_name": None,
        "role": identity.role.value,
        "member_id": identity.member_id,
        "dependent_id": identity.dependent_id,
        "provider_id": identity.provider_id,
        "employer_id": identity.employer_id,
        "jurisdiction": identity.jurisdiction,
        "mfa_enabled": False,
        # with a shadow account its id can be named (audit, authorship); without, not
        "external": facts["account"] is None,
        **facts,
    })  # fmt: skip
