"""Validation as data: rule order and history, uploads kept encrypted until their run ends,
run heartbeats, and the reference code sets (ICD-10-CM, place of service, HCPCS subset,
adjustment reason labels) with the rules the plan starts with.

Revision ID: 0007_validation
Revises: 0006_tax_id_index
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0007_validation"
down_revision: str | None = "0006_tax_id_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.TIMESTAMP(timezone=True)


def upgrade() -> None:
    op.add_column("validation_rules", sa.Column("position", sa.SmallInteger(), nullable=False,
                                                server_default=sa.text("0")))  # fmt: skip
    op.add_column("validation_rules", sa.Column("updated_by", UUID(as_uuid=True),
                                                sa.ForeignKey("users.id"), nullable=True))  # fmt: skip
    op.create_index(op.f("ix_validation_rules_updated_by"), "validation_rules", ["updated_by"])
    op.create_table(
        "validation_rule_versions",
        sa.Column(
            "rule_id",
            UUID(as_uuid=True),
            sa.ForeignKey("validation_rules.id", ondelete="CASCADE"),
            nullable=False,
        ),  # fmt: skip
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("severity", sa.String(32), nullable=False),
        sa.Column("condition", JSONB(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("changed_by", UUID(as_uuid=True), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("changed_at", TS, nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("rule_id", "version"),
    )
    op.create_index(op.f("ix_validation_rule_versions_changed_by"), "validation_rule_versions",
                    ["changed_by"])  # fmt: skip
    for column in (
        sa.Column("file_size", sa.BigInteger()),
        sa.Column("sha256", sa.String(64)),
        sa.Column("processed_rows", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("heartbeat_at", TS),
        sa.Column("attempts", sa.SmallInteger(), nullable=False, server_default=sa.text("0")),
    ):
        op.add_column("validation_runs", column)
    op.create_index(op.f("ix_validation_runs_owner_id_created_at"), "validation_runs",
                    ["owner_id", "created_at"])  # fmt: skip
    op.create_table(
        "validation_uploads",
        sa.Column(
            "run_id",
            UUID(as_uuid=True),
            sa.ForeignKey("validation_runs.id", ondelete="CASCADE"),
            primary_key=True,
        ),  # fmt: skip
        sa.Column("content", sa.LargeBinary(), nullable=False),  # AES-GCM sealed
    )
    op.add_column("validation_results", sa.Column("seq", sa.BigInteger(), sa.Identity(),
                                                  nullable=False))  # fmt: skip
    op.create_index(op.f("ix_validation_results_run_id_seq"), "validation_results",
                    ["run_id", "seq"])  # fmt: skip
    _load_reference()


def _load_reference() -> None:
    from db import reference
    from domain.validation import DEFAULT_RULES

    places = sa.table("ref_place_of_service_codes", sa.column("code"), sa.column("name"))
    op.bulk_insert(places, [{"code": c, "name": n} for c, n in
                            reference.PLACES_OF_SERVICE.items()])  # fmt: skip
    reasons = sa.table("ref_adjustment_reason_codes", sa.column("code"), sa.column("label"))
    op.bulk_insert(reasons, [{"code": c, "label": n} for c, n in
                             reference.ADJUSTMENT_REASONS.items()])  # fmt: skip
    procedures = sa.table("ref_procedure_codes", sa.column("code"), sa.column("code_system"),
                          sa.column("description"))  # fmt: skip
    op.bulk_insert(procedures, [{"code": c, "code_system": "HCPCS", "description": d}
                                for c, d in reference.HCPCS.items()])  # fmt: skip
    rules = sa.table(
        "validation_rules", sa.column("name"), sa.column("category"), sa.column("severity"),
        sa.column("description"), sa.column("condition", JSONB()), sa.column("position"),
    )  # fmt: skip
    op.bulk_insert(rules, [
        {"name": r.name, "category": r.category, "severity": r.severity.value,
         "description": r.description, "condition": dict(r.condition), "position": i}
        for i, r in enumerate(DEFAULT_RULES, start=1)
    ])  # fmt: skip
    op.execute(
        "INSERT INTO validation_rule_versions (rule_id, version, severity, condition, enabled) "
        "SELECT id, version, severity, condition, enabled FROM validation_rules"
    )
    _copy_icd10cm()


def _copy_icd10cm() -> None:
    """About 97,000 codes, by COPY on the migration's own (asyncpg) connection."""
    from sqlalchemy.util import await_

    from db.reference import icd10cm_rows

    driver = op.get_bind().connection.dbapi_connection.driver_connection
    await_(driver.copy_records_to_table(
        "ref_icd10_codes", records=list(icd10cm_rows()),
        columns=["code", "description", "billable"],
    ))  # fmt: skip


def downgrade() -> None:
    for table in ("ref_icd10_codes", "ref_procedure_codes", "ref_adjustment_reason_codes",
                  "ref_place_of_service_codes"):  # fmt: skip
        op.execute(f"DELETE FROM {table}")
    op.drop_index(op.f("ix_validation_results_run_id_seq"), table_name="validation_results")
    op.drop_column("validation_results", "seq")
    op.drop_table("validation_uploads")
    op.drop_index(op.f("ix_validation_runs_owner_id_created_at"), table_name="validation_runs")
    for column in ("attempts", "heartbeat_at", "processed_rows", "sha256", "file_size"):
        op.drop_column("validation_runs", column)
    op.drop_index(op.f("ix_validation_rule_versions_changed_by"),
                  table_name="validation_rule_versions")  # fmt: skip
    op.drop_table("validation_rule_versions")
    op.execute("DELETE FROM validation_rules")
    op.drop_index(op.f("ix_validation_rules_updated_by"), table_name="validation_rules")
    op.drop_column("validation_rules", "updated_by")
    op.drop_column("validation_rules", "position")
