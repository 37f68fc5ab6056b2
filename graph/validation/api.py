"""The validation tools: the rules (admins tune them), and runs over billing files that any
biller uploads and follows (only the uploader and admins see a run)."""

from __future__ import annotations

import hashlib
from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload
from strawberry.scalars import JSON

from db import runs as runs_db
from db import validation as checks
from db.repos import Order
from domain import billing
from domain import validation as v
from domain.errors import DomainError
from graph import enums
from graph import loaders as ld
from graph.context import Info
from graph.guard import require
from graph.listing import Listing
from graph.lookup import by_global_id
from graph.relay import Connection
from graph.results import InvalidInput, RecordChanged, changed, invalid, invalid_field
from graph.rows import build
from graph.validation.types import ValidationResult, ValidationRule, ValidationRun, results_of
from policies import resources as res

RUNS = Listing("validation_run", [Order("created_at", descending=True)])
RULES = Listing("validation_rule", [Order("position")])


@strawberry.type(description="The rule as changed, at its new version.")
class ValidationRuleUpdated:
    rule: ValidationRule = strawberry.field(description="The rule after the change.")


@strawberry.type(description="The file is accepted; the run proceeds in the background.")
class ValidationRunStarted:
    run: ValidationRun = strawberry.field(
        description="The new run, pending until a worker takes it; follow its status and "
        "progress (or the validationRunProgress subscription)."
    )


UpdateValidationRuleResult = Annotated[
    ValidationRuleUpdated | InvalidInput | RecordChanged,
    strawberry.union("UpdateValidationRuleResult"),
]
StartValidationRunResult = Annotated[
    ValidationRunStarted | InvalidInput, strawberry.union("StartValidationRunResult")
]


@strawberry.type(description="A claim adjustment reason code with the plan's own short label.")
class AdjustmentReason:
    code: str = strawberry.field(
        description="The claim adjustment reason code (CARC, the X12 standard list), such as 45."
    )
    label: str = strawberry.field(description="The plan's own short wording of the code.")


@strawberry.type
class ValidationQueries:
    @strawberry.field(
        description="The claim adjustment reason codes a denial may carry, with our labels."
    )
    async def adjustment_reasons(self, info: Info) -> list[AdjustmentReason]:
        rows = await checks.adjustment_reasons(info.context.db)
        return [AdjustmentReason(code=r["code"], label=r["label"]) for r in rows]

    @strawberry.field(description="Every validation rule, in the order they run (admins).")
    async def validation_rules(
        self, info: Info, first: int = 100, after: str | None = None
    ) -> Connection[ValidationRule]:
        return await RULES.top_level(
            info.context, lambda r: build(ValidationRule, r), first=first, after=after
        )

    @strawberry.field(description="Your validation runs, newest first (admins: everyone's).")
    async def validation_runs(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> Connection[ValidationRun]:
        return await RUNS.top_level(
            info.context, lambda r: build(ValidationRun, r), first=first, after=after
        )

    @strawberry.field(description="One validation run.")
    async def validation_run(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The run's global id (`ValidationRun.id`)."),
        ],
    ) -> ValidationRun:
        return await by_global_id(info, id, expected="ValidationRun")

    @strawberry.field(description="A run's findings in file order, optionally one severity.")
    async def validation_results(
        self,
        info: Info,
        run_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The run's global id (`ValidationRun.id`)."),
        ],
        severity: Annotated[
            enums.Severity | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only findings of this severity; all when null."),
        ] = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[ValidationResult]:
        run = await by_global_id(info, run_id, expected="ValidationRun")
        return await results_of(info, run.db_id, severity, first, after)


@strawberry.type
class ValidationMutations:
    @strawberry.mutation(
        description="Enable, disable, change the severity or re-threshold a rule (admins). "
        "Every change is a new version, kept with who made it."
    )
    async def update_validation_rule(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The rule's global id (`ValidationRule.id`)."),
        ],
        version: Annotated[
            int,
            strawberry.argument(
                description="The version you read; when the rule has changed since, nothing "
                "is written and the answer is RecordChanged."
            ),
        ],
        enabled: Annotated[
            bool | None,
            strawberry.argument(description="Run the rule (true) or stop it (false); null: as is."),
        ] = None,
        severity: Annotated[
            enums.Severity | None,  # type: ignore[valid-type]
            strawberry.argument(description="The severity its findings get; null: as is."),
        ] = None,
        condition: Annotated[
            JSON | None,
            strawberry.argument(
                description="Thresholds to change, as a JSON object: only keys the rule has, and "
                "only those given change. A count is a whole number from 1 to 100000, an amount "
                'a decimal string with cents ("5000.00"), a switch true or false.'
            ),
        ] = None,
    ) -> UpdateValidationRuleResult:
        rule = await by_global_id(info, id, expected="ValidationRule")
        row = rule._row
        require(info, "update", res.ValidationRule(**row))
        if row["version"] != version:
            return changed(row["version"], "rule")
        current = checks.rule_of(row)
        values: dict = {}
        try:
            if condition is not None:
                if not isinstance(condition, dict):
                    raise DomainError("The condition is an object of thresholds.",
                                      field="condition")  # fmt: skip
                values["condition"] = v.check_condition(current, condition)
        except DomainError as exc:
            return invalid(exc)
        if enabled is not None:
            values["enabled"] = enabled
        if severity is not None:
            values["severity"] = severity.value
        if not values:
            return invalid_field("id", "Say what to change: enabled, severity or condition.")
        ctx = info.context
        async with ctx.unit_of_work() as db:
            updated = await checks.update_rule(
                db, rule_id=row["id"], version=version, values=values,
                changed_by=ctx.principal.user_id,
            )  # fmt: skip
            if updated is None:
                return changed(None, "rule")
            ctx.audit.event(
                "update_validation_rule", "ValidationRule", row["id"],
                old_values={k: row[k] for k in values} | {"version": row["version"]},
                new_values={k: updated[k] for k in values} | {"version": updated["version"]},
            )  # fmt: skip
        return ValidationRuleUpdated(rule=build(ValidationRule, updated))

    @strawberry.mutation(
        description="Upload a billing file (CSV, one service line per row, or X12 837P "
        "005010X222A1) for validation. Returns at once; follow the run's status and "
        "progress, then read its findings."
    )
    async def start_validation_run(
        self,
        info: Info,
        file: Annotated[
            Upload,
            strawberry.argument(
                description="The billing file, sent as a multipart upload; a file over the "
                "server's size limit (50 MB unless configured) is refused."
            ),
        ],
        format: Annotated[
            enums.ValidationRunFormat,  # type: ignore[valid-type]
            strawberry.argument(description="What the file is: CSV or X12 837P."),
        ],
    ) -> StartValidationRunResult:
        ctx = info.context
        require(info, "start", res.ValidationRun(id=None, owner_id=ctx.principal.user_id))
        limit = ctx.settings.max_upload_bytes
        size = getattr(file, "size", None)
        if size is not None and size > limit:  # before the file is read into memory
            return invalid_field("file", f"The file is larger than {limit // 2**20} MB; split "
                                 "it into smaller files.")  # fmt: skip
        content = await file.read(limit + 1)
        if len(content) > limit:
            return invalid_field("file", f"The file is larger than {limit // 2**20} MB; split "
                                 "it into smaller files.")  # fmt: skip
        if not content.strip():
            return invalid_field("file", "The file is empty.")
        if billing.decode(content) is None:
            return invalid_field("file", "The file is not text: send a CSV or an X12 837P file.")
        name = (getattr(file, "filename", None) or "upload")[:200]
        async with ctx.unit_of_work() as db:
            run = await runs_db.create(db, values={
                "owner_id": ctx.principal.user_id, "format": format.value, "file_name": name,
                "file_size": len(content), "sha256": hashlib.sha256(content).hexdigest(),
                "status": "pending",
            }, content=content)  # fmt: skip
            ctx.audit.event("start_validation_run", "ValidationRun", run["id"],
                            new_values={"format": format.value, "size": len(content)})  # fmt: skip
        ctx.loader(ld.ValidationRunByIdLoader).prime(run["id"], run)
        return ValidationRunStarted(run=build(ValidationRun, run))
