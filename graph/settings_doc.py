"""The README's table of settings, generated from `graph.config.Settings`.

`python -m graph.settings_doc` prints it; `--update README.md` rewrites the block between
the markers. Each field's environment variable and default are read from `Settings` itself
(its factories run against an empty, recording environment); what it does comes from
`DESCRIPTIONS` below, and `tests/test_docs.py` fails when a field has none or the README's
copy is stale.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from domain.enums import Role
from graph import config

START, END = "<!-- settings:start -->", "<!-- settings:end -->"

# Read outside Settings: (variable, default, what it does).
OTHER: tuple[tuple[str, str, str], ...] = (
    ("DATABASE_URL", "(unset)", "The PostgreSQL server to use (`postgresql://...`); unset, "
     "claimgraph starts an embedded PostgreSQL under `CLAIMGRAPH_HOME` (`db/settings.py`)."),
    ("CLAIMGRAPH_HOME", "the user data directory", "Where state lives (`claimgraph home` "
     "prints it; platformdirs' user data directory, e.g. `~/.local/share/claimgraph`): the "
     "embedded database "
     "(`pgdata/`), the token signing key and the encryption keys (`keys/`)."),
    ("LOG_LEVEL", "`INFO`", "Level of the API's JSON log lines (`graph/app.py`); under "
     "`serve` it also sets uvicorn's own level (default `warning` there)."),
    ("CLAIMGRAPH_KEYS", "(unset)", "PHI encryption keys as `kid:base64,kid:base64` (the "
     "last one encrypts); unset, `keys/data-keys.json` under `CLAIMGRAPH_HOME`, created on "
     "first use and extended by `claimgraph keys rotate`."),
    ("CLAIMGRAPH_<NAME>_KEY", "(unset)", "A 32-byte secret in hex, `NAME` one of `CURSOR` "
     "(sealed cursors) or `PSEUDONYM` (regulators' pseudonyms); unset, `keys/<name>.key` "
     "under `CLAIMGRAPH_HOME`, created on first use (`graph/keys.py`)."),
    ("FORWARDED_ALLOW_IPS", "`127.0.0.1`", "Read by uvicorn: the proxies whose "
     "`X-Forwarded-For` is trusted, so rate limits and audit rows see the client."),
)  # fmt: skip

# What each Settings field does, by field name (the comments of graph/config.py).
DESCRIPTIONS: dict[str, str] = {
    "issuer": "`iss` of the access tokens the API signs and accepts.",
    "audience": "`aud` of the access tokens the API signs and accepts.",
    "access_token_minutes": "Lifetime of an access token, in minutes.",
    "max_page_size": "The largest `first` a list accepts (fixed, not read from the environment).",
    "max_query_depth": "Deepest selection an operation may have (`QUERY_TOO_COMPLEX`).",
    "max_aliases": "Most aliases in one operation (`QUERY_TOO_COMPLEX`).",
    "max_directives_per_field": "Most directives on one field (`QUERY_TOO_COMPLEX`).",
    "max_directives": "Most directives in one operation (`QUERY_TOO_COMPLEX`).",
    "max_query_cost": "Budget of worst-case rows (`graph/cost.py`) of an operation, for "
    "every role without a budget of its own. A budget is capacity, not permission.",
    "query_costs": "One role's budget (`MAX_QUERY_COST_ADMIN=40000`); staff read queues and "
    "reports across many members, so theirs default higher.",
    "db_statement_timeout_ms": "PostgreSQL stops any statement after this long "
    "(`SERVICE_UNAVAILABLE`).",
    "db_lock_timeout_ms": "PostgreSQL stops a lock wait after this long (`SERVICE_UNAVAILABLE`).",
    "db_pool_timeout_seconds": "How long a request waits for a pooled connection.",
    "request_deadline_seconds": "Deadline of every operation; past it, it is cancelled in "
    "PostgreSQL too (`SERVICE_UNAVAILABLE`).",
    "idempotency_lease_seconds": "A mutation whose request died holds its Idempotency-Key "
    "this long idle; a twin waits this long (and a second) before `CONFLICT`.",
    "max_document_bytes": "Claim documents above this size are refused before they are read.",
    "max_upload_bytes": "Billing files (`startValidationRun`) above this size are refused "
    "before they are read.",
    "ws_allowed_origins": "Comma-separated origins whose browsers may open a WebSocket, "
    "besides the API's own.",
    "ws_max_connections_per_user": "Open WebSockets per user; beyond, closed with 4429.",
    "ws_max_subscriptions": "Subscriptions on one WebSocket.",
    "ws_queue_size": "Events queued for one subscriber.",
    "appeal_scan_seconds": "How often each process looks for open appeals coming due "
    "(`appealDeadlineApproaching`).",
    "upkeep_seconds": "How often each process moves what time alone changes: policies past "
    "their termination date to expired, children past the end of the month they turned 26 to "
    "aged out, dependents past their termination date to inactive (`graph/upkeep.py`); 0 "
    "turns it off.",
    "tally_fold_seconds": "How often each process folds the claims' status changes into their "
    "per-status tally (`db/tallies.py`, migration 0020), which answers the payer queue's "
    "`totalCount` without counting its rows; a total also reads the changes not yet folded, "
    "so this bounds that work, not correctness. 0 turns folding off.",
    "claims_summary_runout_months": "An employer's claims summary publishes a month once it "
    "closed and this many months more (late claims), then never revises it.",
    "claims_summary_snapshot_seconds": "How often `claimsSummaryChanged` looks for a newly "
    "released month.",
    "db_pool_size": "Connections in each process's pool for requests and background work, "
    "opened as needed and then kept (two more are its LISTEN connections); a request that "
    "finds them all busy waits for one (DB_POOL_TIMEOUT_SECONDS).",
    "oidc_issuer": "An external OpenID Connect provider's issuer; its tokens are accepted "
    "when this and `OIDC_JWKS_URL` are set.",
    "oidc_jwks_url": "Where that provider publishes its signing keys (JWKS).",
    "oidc_audience": "`aud` that provider's tokens must carry, when set.",
    "oidc_claim_prefix": "Prefix of the provider's claims carrying the role and the ids a "
    "user is tied to.",
    "introspection_roles": "Roles that may introspect (`__schema`, `__type`): "
    "comma-separated, `*` for everyone (`serve --demo`), empty for no one.",
    "console_enabled": "Serve the staff console (GraphiQL) at `/console` (`serve --demo` "
    "turns it on).",
    "console_personas": "The console's one-click sign-in as the demo personas (their "
    "password is public); `serve --demo` only.",
    "allow_get_queries": "Accept queries (never mutations) over `GET`.",
    "cors_origins": "Browser apps on these origins may call the API (CORS, `graph/cors.py`): "
    "comma-separated `scheme://host[:port]`, `:*` for any port; empty: none (`serve --demo`: "
    "localhost and 127.0.0.1 on any port). Credentials are never allowed for `*`.",
    "compiled_reads": "Read leaf fields in place (`graph/compiled.py`); false runs every "
    "field through graphql-core's resolvers (same answers, more slowly).",
    "gc_threshold": "Allocations between collections of the young generation after start-up "
    "(`graph/runtime.py`); 0 keeps Python's 700.",
    "max_json_body_bytes": "JSON bodies above this are refused (413), announced or not.",
    "signin_per_email_per_minute": "Sign-in attempts per email or client id per minute "
    "(0: no limit).",
    "signin_per_ip_per_minute": "Sign-in attempts per client address per minute (0: no limit).",
    "patient_lookups_per_minute": "Providers' patient lookups (`validateClaim`, "
    "`submitClaim`, billing files) per user per minute (0: no limit).",
}


class _Recorder(dict):
    """An empty environment that remembers which variables were asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.read: list[str] = []

    def get(self, key, default=None):
        self.read.append(key)
        return default

    def __contains__(self, key) -> bool:
        self.read.append(key)
        return False


@contextmanager
def _empty_environment() -> Iterator[_Recorder]:
    recorder = _Recorder()
    real = config.os
    config.os = types.SimpleNamespace(environ=recorder)
    try:
        yield recorder
    finally:
        config.os = real


def _variable(names: list[str]) -> str | None:
    if not names:
        return None
    if len(names) == 1:
        return names[0]
    prefix = os.path.commonprefix(names)
    if {n[len(prefix) :] for n in names} == {r.name for r in Role}:
        return f"{prefix}<ROLE>"
    return ", ".join(names)


def _shown(name: str, value) -> str:
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, tuple):
        parts = ["=".join(map(str, p)) if isinstance(p, tuple) else str(p) for p in value]
        return f"`{','.join(parts)}`" if parts else "(empty)"
    shown = f"`{value}`"
    if name.endswith("_bytes") and isinstance(value, int) and value % (1024 * 1024) == 0:
        shown += f" ({value // (1024 * 1024)} MiB)"
    return shown


def settings_rows() -> list[tuple[str, str, str, str]]:
    """(field, variable, default, what it does) for every Settings field, in order."""
    rows = []
    for f in dataclasses.fields(config.Settings):
        if f.default_factory is dataclasses.MISSING:
            names, value = [], f.default
        else:
            with _empty_environment() as env:
                value = f.default_factory()
            names = list(dict.fromkeys(env.read))
        variable = _variable(names)
        rows.append((f.name, variable, _shown(f.name, value), DESCRIPTIONS.get(f.name, "")))
    return rows


def table() -> str:
    lines = ["| variable | default | what it does |", "|---|---|---|"]
    for name, default, doc in OTHER:
        lines.append(f"| `{name}` | {default} | {doc} |")
    for field, variable, default, doc in settings_rows():
        shown = f"`{variable}`" if variable else f"— (`{field}`)"
        lines.append(f"| {shown} | {default} | {doc} |")
    return "\n".join(lines) + "\n"


def block() -> str:
    return f"{START}\n{table()}{END}"


def current(readme: str) -> str:
    """The README's block, markers included ('' when it has none)."""
    start, end = readme.find(START), readme.find(END)
    if start < 0 or end < start:
        return ""
    return readme[start : end + len(END)]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m graph.settings_doc", description=__doc__)
    p.add_argument("--update", metavar="README", help="rewrite the block between the markers")
    args = p.parse_args(argv)
    if not args.update:
        sys.stdout.write(table())
        return 0
    path = Path(args.update)
    text = path.read_text()
    old = current(text)
    if not old:
        print(f"{path}: no {START} ... {END} block", file=sys.stderr)
        return 1
    path.write_text(text.replace(old, block()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
