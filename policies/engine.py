"""The authorizer: the three questions the rest of the product may ask, answered by Polar.

1. may this principal do this action to this object?           -> `allowed`
2. which rows of this type may it read?                          -> `row_filter` (engine-neutral)
3. which fields of this kind of record may it read, and how?     -> `field_access`

Everything else in this package is the Polar files and the translation of oso's data
filter into `domain.access` row filters (which db/ turns into SQL).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from uuid import UUID

from oso import Oso
from polar import Variable
from polar.data.adapter.adapter import DataAdapter

from domain.access import Principal, RowFilter
from policies import resources as r
from policies.translate import to_row_filter

POLICY_DIR = Path(__file__).parent

# How permissive each decision is: the most permissive of the matching rules wins.
_RANK = {"visible": 3, "mask": 2}


@dataclass(frozen=True, slots=True)
class FieldDecision:
    """visible, masked (with `how`), or hidden."""

    kind: str  # "visible" | "masked" | "hidden"
    how: str | None = None

    @property
    def visible(self) -> bool:
        return self.kind == "visible"


VISIBLE = FieldDecision("visible")
HIDDEN = FieldDecision("hidden")


# The records related to the one being checked (a claim's provider, ...), handed in by the
# caller of `allowed`: a rule that follows a relation reads them, never the database.
_RELATED: ContextVar[dict[type, tuple] | None] = ContextVar("claimgraph_related", default=None)


class _Absent:
    """A related record the caller did not hand in: every attribute is absent and equal to
    nothing, so a rule that needs it does not match (closed, not an error)."""

    def __getattr__(self, name: str) -> _Absent:
        return self

    def __eq__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return 0

    def __iter__(self):
        return iter(())


class _FilterOnly(DataAdapter):
    """oso hands us its data filter; we keep it and translate it ourselves. Instance checks
    that follow a relation are answered from the related records the caller handed in."""

    def build_query(self, data_filter):
        return data_filter

    def execute_query(self, query):
        [[condition]] = query.conditions  # oso asks for one relation: other.field = value
        found = [
            o
            for o in (_RELATED.get() or {}).get(query.model, ())
            if getattr(o, condition.left.field, None) == condition.right
        ]
        return found or [_Absent()]


def _build_oso() -> Oso:
    oso = Oso()
    oso.register_class(Principal, name="User")
    oso.register_class(UUID, name="Uuid")
    oso.register_class(r.FieldView)
    for cls, fields in r.FIELDS.items():
        oso.register_class(cls, fields=fields)
    oso.set_data_filtering_adapter(_FilterOnly())
    oso.load_files(sorted(str(p) for p in POLICY_DIR.glob("*.polar")))
    return oso


class Authorizer:
    """One per process: the loaded policy and caches keyed by the principal's facts."""

    def __init__(self) -> None:
        self._oso = _build_oso()
        self._row_filter = lru_cache(maxsize=4096)(self._compute_row_filter)
        self._fields = lru_cache(maxsize=4096)(self._compute_field_access)
        self._search = lru_cache(maxsize=4096)(self._compute_search)

    # 1. actions on one object
    def allowed(
        self,
        principal: Principal,
        action: str,
        resource: r.Resource,
        *,
        related: tuple[r.Resource, ...] = (),
    ) -> bool:
        """`related`: the records rules may reach from `resource` (a claim's provider, ...);
        a rule needing one not handed in does not match."""
        by_type: dict[type, tuple] = {}
        for record in related:
            by_type[type(record)] = (*by_type.get(type(record), ()), record)
        token = _RELATED.set(by_type)
        try:
            return self._oso.is_allowed(principal, action, resource)
        finally:
            _RELATED.reset(token)

    # 2. rows
    def row_filter(self, principal: Principal, resource: str) -> RowFilter:
        """Which rows of `resource` (member, claim, ...) the principal may read."""
        return self._row_filter(principal, resource)

    def _compute_row_filter(self, principal: Principal, resource: str) -> RowFilter:
        cls = r.BY_NAME[resource]
        data_filter = self._oso.authorized_query(principal, "read", cls)
        return to_row_filter(data_filter, names={c: n for n, c in r.BY_NAME.items()})

    # 3. fields
    def field_access(self, principal: Principal, view: r.FieldView) -> Mapping[str, FieldDecision]:
        """Decision per field group for records seen through `view`; absent means hidden."""
        key = tuple(sorted(view.__dict__.items()))
        return self._fields(principal, key)

    def _compute_field_access(self, principal: Principal, key: tuple) -> dict[str, FieldDecision]:
        view = r.FieldView(**dict(key))
        best: dict[str, tuple[int, FieldDecision]] = {}
        results = self._oso.query_rule(
            "field_access", principal, view, Variable("group"), Variable("decision")
        )
        for result in results:
            group = result["bindings"]["group"]
            raw = result["bindings"]["decision"]
            kind, _, how = raw.partition(":")
            decision = VISIBLE if kind == "visible" else FieldDecision("masked", how)
            rank = _RANK["visible" if kind == "visible" else "mask"]
            if group not in best or rank > best[group][0]:
                best[group] = (rank, decision)
        return {group: decision for group, (_, decision) in best.items()}

    def may_search(self, principal: Principal, type_name: str, group: str) -> bool:
        """Whether the principal may filter or order a list of `type_name` on a field group."""
        return self._search(principal, type_name, group)

    def _compute_search(self, principal: Principal, type_name: str, group: str) -> bool:
        view = r.FieldView.guarded(type_name)
        return self._oso.query_rule_once("may_search", principal, view, group)

    def may_attempt(self, principal: Principal, action: str) -> bool:
        """Whether the role may attempt this kind of action at all (regulators: reads only)."""
        return self._oso.query_rule_once("within_role_limits", principal, action)

    def may_introspect(self, principal: Principal, roles: tuple[str, ...]) -> bool:
        """Whether the principal may read the schema by introspection (`roles`: the setting)."""
        return self._oso.query_rule_once("may_introspect", principal, list(roles))

    def rate_limit(self, principal: Principal, action: str) -> str | None:
        """The bucket this principal's `action` counts against, if it is rate limited."""
        return _rate_limit(self._oso, principal, action)

    # 4. identities forced by role
    def claim_provider(self, principal: Principal, requested: UUID | None) -> UUID | None:
        """The provider a claim this principal submits is billed under (None: none may be)."""
        for result in self._oso.query_rule(
            "claim_provider", principal, requested, Variable("provider")
        ):
            return result["bindings"]["provider"]
        return None

    def bills_as(self, principal: Principal, provider: r.Provider) -> bool:
        """Whether a billing file of this principal may name this provider."""
        return self._oso.query_rule_once("bills_as", principal, provider)

    # purposes of use
    def purpose_allowed(self, role: str, purpose: str) -> bool:
        return self._oso.query_rule_once("allowed_purpose", role, purpose)

    def default_purpose(self, role: str) -> str | None:
        return _default_purpose(self._oso, role)


@lru_cache(maxsize=64)
def _default_purpose(oso: Oso, role: str) -> str | None:
    # asked on every request that states no purpose: it depends on the role alone
    for result in oso.query_rule("default_purpose", role, Variable("purpose")):
        return result["bindings"]["purpose"]
    return None


@lru_cache(maxsize=4096)
def _rate_limit(oso: Oso, principal: Principal, action: str) -> str | None:
    # asked on every root field: cached per (policy, principal, action)
    for result in oso.query_rule("rate_limit", principal, action, Variable("bucket")):
        return result["bindings"]["bucket"]
    return None
