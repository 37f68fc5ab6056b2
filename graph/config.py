"""Settings of the API process, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from domain.enums import Role


def _number(name: str, default, cast, kind: str):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return cast(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be {kind}, got {raw!r}") from exc


def _int(name: str, default: int) -> int:
    return _number(name, default, int, "an integer")


def _at_least_one(name: str, default: int) -> int:
    value = _int(name, default)
    if value < 1:
        raise SystemExit(f"{name} must be at least 1, got {value}")
    return value


def _float(name: str, default: float) -> float:
    return _number(name, default, float, "a number")


# Staff read queues and reports across many members, so their operations may cost more.
_STAFF_QUERY_COST = {"adjudicator": 20_000, "auditor": 20_000, "admin": 20_000}


def _query_costs() -> tuple[tuple[str, int], ...]:
    """Roles with a budget of their own: the staff defaults, and MAX_QUERY_COST_<ROLE>."""
    table = dict(_STAFF_QUERY_COST)
    for role in Role:
        if os.environ.get(f"MAX_QUERY_COST_{role.name}"):
            table[role.value] = _int(f"MAX_QUERY_COST_{role.name}", 0)
    return tuple(sorted(table.items()))


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
    max_directives_per_field: int = field(
        default_factory=lambda: _int("MAX_DIRECTIVES_PER_FIELD", 3)
    )
    max_directives: int = field(default_factory=lambda: _int("MAX_DIRECTIVES", 20))
    # An operation's worst-case rows (graph/cost.py) may not exceed its role's budget:
    # MAX_QUERY_COST for every role without one of its own in query_costs.
    # A budget is capacity, not permission (it says how much, never whether or which rows),
    # so it is configuration here rather than a Polar fact; see budget_for.
    max_query_cost: int = field(default_factory=lambda: _int("MAX_QUERY_COST", 5_000))
    query_costs: tuple[tuple[str, int], ...] = field(default_factory=_query_costs)
    # Every statement and lock wait is bounded by the server; every operation by a deadline.
    db_statement_timeout_ms: int = field(
        default_factory=lambda: _int("DB_STATEMENT_TIMEOUT_MS", 15_000)
    )
    db_lock_timeout_ms: int = field(default_factory=lambda: _int("DB_LOCK_TIMEOUT_MS", 5_000))
    db_pool_timeout_seconds: float = field(
        default_factory=lambda: _float("DB_POOL_TIMEOUT_SECONDS", 10.0)
    )
    request_deadline_seconds: float = field(
        default_factory=lambda: _float("REQUEST_DEADLINE_SECONDS", 30.0)
    )
    # A mutation with an Idempotency-Key holds the key in its own transaction; one whose
    # request died (its connection idle in that transaction this long) loses it, and a twin
    # waits this long (and a second) for the holder's outcome before CONFLICT.
    idempotency_lease_seconds: float = field(
        default_factory=lambda: _float("IDEMPOTENCY_LEASE_SECONDS", 10.0)
    )
    # Claim documents above this size are refused before they are read.
    max_document_bytes: int = field(
        default_factory=lambda: _int("MAX_DOCUMENT_BYTES", 10 * 1024 * 1024)
    )
    # Billing files above this size are refused before they are read (startValidationRun).
    max_upload_bytes: int = field(
        default_factory=lambda: _int("MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
    )
    # Browser apps on these origins may call the API (CORS, graph/cors.py): comma-separated
    # "scheme://host[:port]", ":*" for any port ("http://localhost:*"); empty: none.
    cors_origins: tuple[str, ...] = field(default_factory=lambda: _origins("CORS_ORIGINS"))
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
    # how often each process expires policies and ages out children (graph/upkeep.py)
    upkeep_seconds: int = field(default_factory=lambda: _int("UPKEEP_SECONDS", 3600))
    # how often each process folds the claims' status changes into their tally (db/tallies.py);
    # between folds a total reads the changes too, so this bounds the work, not correctness
    tally_fold_seconds: int = field(default_factory=lambda: _int("TALLY_FOLD_SECONDS", 5))
    # The employer's claims summary: months are published once closed and this many months
    # more (late claims), then never revised; subscribers' snapshots are looked at this often.
    claims_summary_runout_months: int = field(
        default_factory=lambda: _int("CLAIMS_SUMMARY_RUNOUT_MONTHS", 1)
    )
    claims_summary_snapshot_seconds: int = field(
        default_factory=lambda: _int("CLAIMS_SUMMARY_SNAPSHOT_SECONDS", 300)
    )
    db_pool_size: int = field(default_factory=lambda: _at_least_one("DB_POOL_SIZE", 20))
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
    # What the endpoint shows and accepts. Introspection (__schema, __type) for these roles
    # only: the plan's staff by default, "*" for everyone (`serve --demo`), empty for no one;
    # the policy decides with this list (may_introspect). The staff console (GraphiQL) at
    # /console, off unless turned on (`serve --demo` does). Queries over GET (mutations never).
    introspection_roles: tuple[str, ...] = field(
        default_factory=lambda: _roles("INTROSPECTION_ROLES", "admin,adjudicator,auditor")
    )
    console_enabled: bool = field(default_factory=lambda: _flag("CONSOLE_ENABLED", False))
    # The console's one-click sign-in as the demo personas (their password is public):
    # `serve --demo` only; /console/personas does not exist without it.
    console_personas: bool = field(default_factory=lambda: _flag("CONSOLE_PERSONAS", False))
    allow_get_queries: bool = field(default_factory=lambda: _flag("ALLOW_GET_QUERIES", False))
    # Leaf fields read in place by the compiled path (graph/compiled.py); false runs every
    # field through graphql-core's resolvers (the same answers, more slowly).
    compiled_reads: bool = field(default_factory=lambda: _flag("COMPILED_READS", True))
    # The young generation is collected after this many allocations once the app has
    # started (graph/runtime.py); 0 keeps Python's default of 700.
    gc_threshold: int = field(default_factory=lambda: _int("GC_THRESHOLD", 50_000))
    # JSON bodies above this are refused, announced or not (uploads: the limits above).
    max_json_body_bytes: int = field(
        default_factory=lambda: _int("MAX_JSON_BODY_BYTES", 1024 * 1024)
    )
    # Rate limits, per minute (0: none): sign-in attempts per email (or client id) and per
    # client address; and each bucket the policy names for GraphQL actions (rate_limit).
    signin_per_email_per_minute: int = field(
        default_factory=lambda: _int("SIGNIN_PER_EMAIL_PER_MINUTE", 10)
    )
    signin_per_ip_per_minute: int = field(
        default_factory=lambda: _int("SIGNIN_PER_IP_PER_MINUTE", 120)
    )
    patient_lookups_per_minute: int = field(
        default_factory=lambda: _int("PATIENT_LOOKUPS_PER_MINUTE", 60)
    )

    def rate_per_minute(self, bucket: str) -> int:
        """The rate of a bucket the policy names (policies/base.polar, rate_limit)."""
        return {"patient_lookup": self.patient_lookups_per_minute}[bucket]

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_jwks_url)

    def budget_for(self, role: str | None) -> int:
        """The largest worst-case row count an operation of this role may have."""
        return dict(self.query_costs).get(role or "", self.max_query_cost)


def load() -> Settings:
    return Settings()


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SystemExit(f"{name} must be 1/true/yes/on or 0/false/no/off, got {raw!r}")


def _roles(name: str, default: str) -> tuple[str, ...]:
    """A comma-separated list of role names, or "*" for every role."""

    raw = os.environ.get(name)
    names = tuple(r.strip().lower() for r in (default if raw is None else raw).split(","))
    names = tuple(r for r in names if r)
    known = {"*", *(r.value for r in Role)}
    unknown = [r for r in names if r not in known]
    if unknown:
        raise SystemExit(f"{name} names unknown roles: {', '.join(unknown)}")
    return names


def _origins(name: str) -> tuple[str, ...]:
    """Comma-separated origins: scheme://host[:port], the port may be "*"; never "*" alone."""
    import re

    names = tuple(o.strip().rstrip("/").lower() for o in os.environ.get(name, "").split(","))
    bad = [o for o in names if o and not re.fullmatch(r"https?://[^/:*\s]+(:(\d+|\*))?", o)]
    if bad:
        raise SystemExit(f"{name} takes origins like https://app.example.com or "
                         f"http://localhost:* (any port), got {', '.join(bad)}")  # fmt: skip
    return tuple(o for o in names if o)
