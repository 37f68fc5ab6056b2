"""Settings of the API process, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    issuer: str = field(default_factory=lambda: os.environ.get("CLAIMGRAPH_ISSUER", "claimgraph"))
    audience: str = field(
        default_factory=lambda: os.environ.get("CLAIMGRAPH_AUDIENCE", "claimgraph-api")
    )
    access_token_minutes: int = field(default_factory=lambda: _int("ACCESS_TOKEN_MINUTES", 15))
    max_page_size: int = 100
    max_query_depth: int = field(default_factory=lambda: _int("MAX_QUERY_DEPTH", 10))
    max_aliases: int = field(default_factory=lambda: _int("MAX_ALIASES", 30))
    # Claim documents above this size are refused before they are read.
    max_document_bytes: int = field(
        default_factory=lambda: _int("MAX_DOCUMENT_BYTES", 10 * 1024 * 1024)
    )
    # Billing files above this size are refused before they are read (startValidationRun).
    max_upload_bytes: int = field(
        default_factory=lambda: _int("MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
    )
    # WebSockets: origins allowed besides the API's own, and the limits of one user.
    ws_allowed_origins: tuple[str, ...] = field(
        default_factory=lambda: tuple(
            o.strip() for o in os.environ.get("WS_ALLOWED_ORIGINS", "").split(",") if o.strip()
        )
    )
    ws_max_connections_per_user: int = field(
        default_factory=lambda: _int("WS_MAX_CONNECTIONS_PER_USER", 5)
    )
    ws_max_subscriptions: int = field(default_factory=lambda: _int("WS_MAX_SUBSCRIPTIONS", 20))
    ws_queue_size: int = field(default_factory=lambda: _int("WS_QUEUE_SIZE", 1000))
    # how often each process looks for open appeals coming due (appealDeadlineApproaching)
    appeal_scan_seconds: int = field(default_factory=lambda: _int("APPEAL_SCAN_SECONDS", 60))
    db_pool_size: int = field(default_factory=lambda: _int("DB_POOL_SIZE", 10))
    # An external OpenID Connect provider (production sign-in), when both are set.
    oidc_issuer: str | None = field(default_factory=lambda: os.environ.get("OIDC_ISSUER") or None)
    oidc_jwks_url: str | None = field(
        default_factory=lambda: os.environ.get("OIDC_JWKS_URL") or None
    )
    oidc_audience: str | None = field(
        default_factory=lambda: os.environ.get("OIDC_AUDIENCE") or None
    )
    # Which claims of the provider's tokens carry the role and the ids it is tied to.
    oidc_claim_prefix: str = field(
        default_factory=lambda: os.environ.get("OIDC_CLAIM_PREFIX", "claimgraph_")
    )

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_jwks_url)


def load() -> Settings:
    return Settings()
