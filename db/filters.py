"""The data-filtering adapter: a policy's engine-neutral row filter becomes a SQL WHERE."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import ColumnElement, Table, and_, false, func, or_, select, true

from db import tables as t
from domain.access import AllOf, AnyOf, Compare, Everything, Nothing, Related, RowFilter

# resource type -> table
TABLES: dict[str, Table] = {
    "member": t.members,
    "dependent": t.dependents,
    "policy": t.policies,
    "claim": t.claims,
    "claim_line": t.claim_lines,
    "claim_event": t.claim_events,
    "appeal": t.appeals,
    "payment": t.payments,
    "provider": t.providers,
    "credential": t.provider_credentials,
    "contract": t.contracts,
    "fee_schedule_item": t.fee_schedule_items,
    "employer": t.employers,
    "user": t.users,
    "break_glass_grant": t.break_glass_grants,
    "validation_rule": t.validation_rules,
    "validation_run": t.validation_runs,
    "validation_result": t.validation_results,
    "audit_entry": t.audit_log,
}

# (table name, relation) -> (local column, target table, target column).
# Many-to-one links point at the target's id; one-to-many links go the other way.
RELATIONS: dict[tuple[str, str], tuple[str, Table, str]] = {
    ("claims", "member"): ("member_id", t.members, "id"),
    ("claims", "dependent"): ("dependent_id", t.dependents, "id"),
    ("claims", "provider"): ("provider_id", t.providers, "id"),
    ("claims", "policy"): ("policy_id", t.policies, "id"),
    ("claim_lines", "claim"): ("claim_id", t.claims, "id"),
    ("claim_events", "claim"): ("claim_id", t.claims, "id"),
    ("payments", "policy"): ("policy_id", t.policies, "id"),
    ("fee_schedule_items", "contract"): ("contract_id", t.contracts, "id"),
    ("appeals", "claim"): ("claim_id", t.claims, "id"),
    ("payments", "claim"): ("claim_id", t.claims, "id"),
    ("policies", "member"): ("member_id", t.members, "id"),
    ("dependents", "member"): ("member_id", t.members, "id"),
    ("members", "employer"): ("employer_id", t.employers, "id"),
    ("members", "dependents"): ("id", t.dependents, "member_id"),
    ("members", "claims"): ("id", t.claims, "member_id"),
    ("dependents", "claims"): ("id", t.claims, "dependent_id"),
    ("provider_credentials", "provider"): ("provider_id", t.providers, "id"),
    ("contracts", "provider"): ("provider_id", t.providers, "id"),
    ("providers", "parent"): ("parent_id", t.providers, "id"),
    ("validation_results", "run"): ("run_id", t.validation_runs, "id"),
}

_OPS = {
    "=": lambda c, v: c == v,
    "!=": lambda c, v: c != v,
    "<": lambda c, v: c < v,
    "<=": lambda c, v: c <= v,
    ">": lambda c, v: c > v,
    ">=": lambda c, v: c >= v,
    "in": lambda c, v: c.in_(list(v)),
    "not_in": lambda c, v: c.not_in(list(v)),
    "is_null": lambda c, v: c.is_(None),
    "not_null": lambda c, v: c.is_not(None),
    # searches: the value is literal text (LIKE's % and _ in it are escaped)
    "contains_ci": lambda c, v: c.icontains(v, autoescape=True),
    "starts_with": lambda c, v: c.startswith(v, autoescape=True),
    "has_ci": lambda c, v: _has_ci(c, v),
}


def _has_ci(column, value: str) -> ColumnElement[bool]:
    """An array of texts holds `value`, case ignored."""
    item = func.unnest(column).column_valued("item")
    return select(item).where(func.lower(item) == value.lower()).exists()


def where(table: Table, rule: RowFilter) -> ColumnElement[bool]:
    """The SQL condition on `table` that keeps exactly the rows `rule` allows."""
    match rule:
        case Everything():
            return true()
        case Nothing():
            return false()
        case Compare(field=name, op=op, value=value):
            if value is None and op == "=":
                return false()  # a tie that is missing grants nothing
            return _OPS[op](table.c[name], value)
        case AnyOf(parts=parts):
            return or_(false(), *(where(table, p) for p in parts))
        case AllOf(parts=parts):
            return and_(true(), *(where(table, p) for p in parts))
        case Related(relation=relation, where=inner):
            local, target, target_col = RELATIONS[(table.name, relation)]
            return table.c[local].in_(select(target.c[target_col]).where(where(target, inner)))
    raise TypeError(f"not a row filter: {rule!r}")


@lru_cache(maxsize=4096)
def _shared(table: Table, rule: RowFilter) -> ColumnElement[bool]:
    return where(table, rule)


def scoped(table: Table, rule: RowFilter) -> ColumnElement[bool]:
    """`where`, built once per (table, rule) and shared by every request that asks for it.

    A principal's row filter is the same on every request (its ids are values in it), and
    a SQL expression does not change once built, so the same condition serves them all;
    the cache is bounded, and a rule that cannot be hashed is built each time."""
    try:
        return _shared(table, rule)
    except TypeError:
        return where(table, rule)


@lru_cache(maxsize=4096)
def _narrowed(table: Table, condition: ColumnElement[bool], extra: RowFilter):
    return condition & where(table, extra)


def narrowed(table: Table, condition: ColumnElement[bool], extra: RowFilter | None):
    """`condition` and the client's own filter `extra`, built once per pair like `scoped`:
    the same condition object lets the statement over it be built and compiled once."""
    if extra is None:
        return condition
    try:
        return _narrowed(table, condition, extra)
    except TypeError:
        return condition & where(table, extra)
