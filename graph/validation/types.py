"""Validation rules, runs over billing files, and their findings as GraphQL types."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from db.repos import Order
from domain.access import Compare, eq
from graph import enums
from graph.context import Info
from graph.fields import BUSINESS, classified
from graph.listing import Listing, all_of
from graph.relay import Connection, Node
from graph.rows import build
from policies.resources import FieldView


@strawberry.type(description="A validation rule: data the plan tunes without a release.")
class ValidationRule(Node):
    name = classified("name", BUSINESS, "business", str)
    category = classified("category", BUSINESS, "business", str)
    severity = classified("severity", BUSINESS, "business", enums.Severity)
    description = classified("description", BUSINESS, "business", str)
    condition = classified("condition", BUSINESS, "business", JSON)
    enabled = classified("enabled", BUSINESS, "business", bool)
    version = classified("version", BUSINESS, "business", int)
    updated_at = classified("updated_at", BUSINESS, "business", datetime)

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="ValidationRule")


@strawberry.type(
    description="One finding of a run: the rule, how serious, what is wrong, and where — "
    "the file's row (CSV) or segment (837P), the claim's position and the column. Never "
    "a name, birth date or member number."
)
class ValidationResult(Node):
    rule = classified("rule_name", BUSINESS, "business", str)
    severity = classified("severity", BUSINESS, "business", enums.Severity)
    message = classified("message", BUSINESS, "business", str)
    row = classified("row_number", BUSINESS, "business", int)
    claim = classified("claim_ref", BUSINESS, "business", str)
    field = classified("field", BUSINESS, "business", str)

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="ValidationResult")


RESULTS = Listing("validation_result", [Order("seq")])


@strawberry.type(description="A validation run over an uploaded billing file.")
class ValidationRun(Node):
    status = classified("status", BUSINESS, "business", enums.ValidationRunStatus)
    format = classified("format", BUSINESS, "business", enums.ValidationRunFormat)
    file_name = classified("file_name", BUSINESS, "business", str)
    file_size = classified("file_size", BUSINESS, "business", int)
    progress = classified("progress", BUSINESS, "business", int)
    total_rows = classified("total_rows", BUSINESS, "business", int)
    processed_rows = classified("processed_rows", BUSINESS, "business", int)
    error_count = classified("error_count", BUSINESS, "business", int)
    warning_count = classified("warning_count", BUSINESS, "business", int)
    info_count = classified("info_count", BUSINESS, "business", int)
    failure_reason = classified("failure_reason", BUSINESS, "business", str)
    created_at = classified("created_at", BUSINESS, "business", datetime)
    started_at = classified("started_at", BUSINESS, "business", datetime)
    finished_at = classified("finished_at", BUSINESS, "business", datetime)

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="ValidationRun")

    @strawberry.field(description="The run's findings in file order, optionally one severity.")
    async def results(
        self,
        info: Info,
        severity: enums.Severity | None = None,  # type: ignore[valid-type]
        first: int = 50,
        after: str | None = None,
    ) -> Connection[ValidationResult]:
        return await results_of(info, self.db_id, severity, first, after)


async def results_of(info: Info, run_id, severity, first: int, after: str | None):
    extra = all_of(
        eq("run_id", run_id),
        Compare("severity", "=", severity.value) if severity is not None else None,
    )
    return await RESULTS.top_level(
        info.context, lambda r: build(ValidationResult, r), first=first, after=after, extra=extra
    )
