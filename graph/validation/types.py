"""Validation rules, runs over billing files, and their findings as GraphQL types."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

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


def _field(column: str, python_type, description: str):
    return classified(column, BUSINESS, "business", python_type, description=description)


@strawberry.type(description="A validation rule: data the plan tunes without a release.")
class ValidationRule(Node):
    name = _field("name", str, "The rule's fixed name, as its findings cite it (timely_filing).")
    category = _field(
        "category",
        str,
        "What it checks: format, coding, amounts, dates, eligibility, network or duplicate.",
    )
    severity = _field(
        "severity",
        enums.Severity,
        "What its findings weigh: an error refuses a claim, a warning is kept on it, info "
        "only informs.",
    )
    description = _field("description", str, "What the rule checks, in one sentence.")
    condition = _field(
        "condition",
        JSON,
        'The thresholds, a JSON object such as {"days": 365}; {} for a rule without any.',
    )
    enabled = _field("enabled", bool, "Whether the rule runs; a disabled rule finds nothing.")
    version = _field(
        "version",
        int,
        "1 at first, one more with each change; updateValidationRule takes the version you "
        "read and refuses it once another change came first.",
    )
    updated_at = _field("updated_at", datetime, "When the rule last changed.")

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="ValidationRule")


@strawberry.type(
    description="One finding of a run: the rule, how serious, what is wrong, and where — "
    "the file's row (CSV) or segment (837P), the claim's position and the column. Never "
    "a name, birth date or member number."
)
class ValidationResult(Node):
    rule = _field(
        "rule_name",
        str,
        "The name of the rule that found it; file_format for a problem reading the file, "
        "patient_lookup_limit for a claim left unchecked once too many patients were not found.",
    )
    severity = _field(
        "severity", enums.Severity, "How serious the finding is: error, warning or info."
    )
    message = _field("message", str, "What is wrong, in words for a biller; never carries PHI.")
    row = _field(
        "row_number",
        int,
        "The CSV row or 837P segment number it points at; null when it points at no one place.",
    )
    claim = _field(
        "claim_ref",
        str,
        "Which claim of the file: 'claim N' for the Nth claim from the top (not the biller's "
        "own claim id); null for a problem reading the file.",
    )
    field = _field(
        "field",
        str,
        "The file column it points at (charge_amount), or for an 837P problem the element "
        "(CLM02); null when none.",
    )

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="ValidationResult")


RESULTS = Listing("validation_result", [Order("seq")])
_SO_FAR = "so far (problems reading the file included)."


@strawberry.type(description="A validation run over an uploaded billing file.")
class ValidationRun(Node):
    status = _field(
        "status",
        enums.ValidationRunStatus,
        "pending (queued), processing, completed or failed; a run a stopped server left is "
        "queued again, up to three attempts.",
    )
    format = _field(
        "format",
        enums.ValidationRunFormat,
        "The file's format: CSV, one service line per row, or X12 837P.",
    )
    file_name = _field(
        "file_name", str, "The uploaded file's name (its first 200 characters; upload if none)."
    )
    file_size = _field("file_size", int, "The uploaded file's size in bytes.")
    progress = _field(
        "progress",
        int,
        "Percent done, 0 to 100: at most 99 while processing, 100 once completed; a failed "
        "run keeps what it reached.",
    )
    total_rows = _field(
        "total_rows",
        int,
        "Service lines in the file (at least 1); null until a worker has read the file.",
    )
    processed_rows = _field(
        "processed_rows", int, "Service lines checked so far; all of them once completed."
    )
    error_count = _field("error_count", int, "Findings of severity error " + _SO_FAR)
    warning_count = _field("warning_count", int, "Findings of severity warning " + _SO_FAR)
    info_count = _field("info_count", int, "Findings of severity info " + _SO_FAR)
    failure_reason = _field(
        "failure_reason", str, "Why the run failed, in words for the uploader; null otherwise."
    )
    created_at = _field("created_at", datetime, "When the file was uploaded.")
    started_at = _field(
        "started_at",
        datetime,
        "When a worker last began processing it; null while it has not begun.",
    )
    finished_at = _field("finished_at", datetime, "When it completed or failed; null until then.")

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="ValidationRun")

    @strawberry.field(description="The run's findings in file order, optionally one severity.")
    async def results(
        self,
        info: Info,
        severity: Annotated[
            enums.Severity | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only findings of this severity; all when null."),
        ] = None,
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
