"""Filters and orderings read fields: each declares which, and the field policy decides.

A filter is an oracle. `members(filter: {ssn: "..."}) { totalCount }` answers "is there
someone with this SSN?" as surely as the SSN itself would. So every filter input field
declares the field group it reads (`reads(...)`), every ordering column is declared in
`COLUMN_READS`, and the field policy says whether the principal may search on it
(`may_search` in policies/fields.polar). A refusal is FORBIDDEN and audited; a search on
PHI that is allowed is audited as a search, naming the fields searched and never the values.

`guard_searches` puts the check on every field of the schema that takes a `filter`, so a
list added later is covered; tests/graph/test_search_guard.py fails for an input field
that declares nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.utils.str_converters import to_camel_case

from graph.errors import Forbidden

READS = "claimgraph_reads"

# What each ordering column of each listed resource reads: (GraphQL type, field group).
COLUMN_READS: dict[tuple[str, str], tuple[str, str]] = {
    ("member", "member_number"): ("Member", "identifier"),
    ("member", "enrollment_date"): ("Member", "enrolment_date"),
    ("member", "created_at"): ("Member", "record_date"),
    ("dependent", "created_at"): ("Dependent", "record_date"),
    ("policy", "effective_date"): ("Policy", "record_date"),
    ("claim", "submission_date"): ("Claim", "record_date"),
    ("claim", "service_date"): ("Claim", "record_date"),
    ("claim", "billed_amount"): ("Claim", "business"),
    ("claim", "claim_number"): ("Claim", "record_number"),
    ("claim", "priority_rank"): ("Claim", "business"),
    ("claim", "created_at"): ("Claim", "record_date"),
    ("appeal", "due_at"): ("Appeal", "record_date"),
    ("payment", "created_at"): ("Payment", "record_date"),
    ("provider", "npi"): ("Provider", "public"),
    ("credential", "created_at"): ("Credential", "business"),
    ("contract", "contract_number"): ("Contract", "business"),
    ("employer", "company_name"): ("Employer", "employer_name"),
    ("break_glass_grant", "opened_at"): ("BreakGlassGrant", "business"),
    ("validation_rule", "position"): ("ValidationRule", "business"),
    ("validation_run", "created_at"): ("ValidationRun", "business"),
    ("validation_result", "seq"): ("ValidationResult", "business"),
    ("audit_entry", "seq"): ("AuditEntry", "business"),
}


def reads(type_name: str, group: str, *, description: str | None = None) -> Any:
    """A filter input field that narrows a list by a field group of `type_name`."""
    return strawberry.field(
        default=None, description=description, metadata={READS: (type_name, group)}
    )


@cache
def declared(input_cls: type) -> tuple[tuple[str, str, str, str], ...]:
    """(python name, GraphQL name, type, group) of each field of a filter input class."""
    out = []
    for f in input_cls.__strawberry_definition__.fields:
        type_name, group = (f.metadata or {}).get(READS, (None, None))
        out.append(
            (f.python_name, f.graphql_name or to_camel_case(f.python_name), type_name, group)
        )
    return tuple(out)


def _sensitive_groups() -> dict[tuple[str, str], bool]:
    """(type, group) → whether that group holds PHI or restricted fields of the type."""
    from graph.fields import PHI, RESTRICTED, specs
    from graph.lookup import types

    out: dict[tuple[str, str], bool] = {}
    for name, (cls, _) in types().items():
        for spec in specs(cls).values():
            key = (name, spec.group)
            out[key] = out.get(key, False) or spec.field_class in (PHI, RESTRICTED)
    return out


_SENSITIVE: dict[tuple[str, str], bool] = {}


def check(ctx, searched: Iterable[tuple[str, str, str]]) -> None:
    """Refuse (FORBIDDEN, audited) a search on a field the principal may not read; note an
    allowed search on PHI in the audit. `searched`: (GraphQL field, type, group) triples."""
    if not _SENSITIVE:
        _SENSITIVE.update(_sensitive_groups())
    refused: dict[str, list[str]] = {}
    phi: dict[str, list[str]] = {}
    for field, type_name, group in searched:
        if not ctx.authorizer.may_search(ctx.principal, type_name, group):
            refused.setdefault(type_name, []).append(field)
        elif _SENSITIVE.get((type_name, group)):
            phi.setdefault(type_name, []).append(field)
    for type_name, fields in refused.items():
        ctx.audit.event("search_denied", type_name, None, fields=sorted(fields),
                        success=False, error="FORBIDDEN")  # fmt: skip
    if refused:
        names = ", ".join(sorted(f for fields in refused.values() for f in fields))
        raise Forbidden(f"You may not filter or order this list by: {names}.")
    for type_name, fields in phi.items():
        ctx.audit.event("search", type_name, None, fields=sorted(fields))


def _filter_reads(value: Any, argument: str) -> list[tuple[str, str, str]]:
    out = []
    for python_name, graphql_name, type_name, group in declared(type(value)):
        if getattr(value, python_name, None) is None:
            continue
        if type_name is None:  # fail closed: an undeclared filter field searches nothing
            raise Forbidden(f"'{argument}.{graphql_name}' declares no field it reads.")
        out.append((graphql_name, type_name, group))
    return out


class SearchGuard(FieldExtension):
    """Before a list with a `filter` argument runs, the field policy approves its filter."""

    def _check(self, info, kwargs) -> None:
        value = kwargs.get("filter")
        if value is not None:
            check(info.context, _filter_reads(value, "filter"))

    def resolve(self, next_, source, info, **kwargs):
        self._check(info, kwargs)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_, source, info, **kwargs):
        self._check(info, kwargs)
        return await next_(source, info, **kwargs)


def guard_searches(definitions: Iterable[Any]) -> None:
    """Put the SearchGuard on every field (of these type definitions) taking a `filter`."""
    for definition in definitions:
        for field in getattr(definition, "fields", ()):
            if any(a.python_name == "filter" for a in field.arguments) and not any(
                isinstance(e, SearchGuard) for e in field.extensions
            ):
                field.extensions.append(SearchGuard())
