"""Code pickers search the code sets: each description's words as a stored tsvector under a
GIN index (full text), each code under a pattern index (prefix match), and a few knee codes
added to the HCPCS subset.

Revision ID: 0014_reference_search
Revises: 0013_drug_tier
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

revision: str = "0014_reference_search"
down_revision: str | None = "0013_drug_tier"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("ref_icd10_codes", "ref_procedure_codes")


def upgrade() -> None:
    from db.reference import HCPCS_KNEE

    for table in TABLES:
        # a stored generated column: its words are computed once per row, not per search
        op.add_column(table, sa.Column(
            "search_vector", TSVECTOR(),
            sa.Computed("to_tsvector('english'::regconfig, coalesce(description, ''))",
                        persisted=True),
            nullable=False,
        ))  # fmt: skip
        op.create_index(f"ix_{table}_search_vector", table, ["search_vector"],
                        postgresql_using="gin")  # fmt: skip
        op.create_index(f"ix_{table}_code_pattern", table, ["code"],
                        postgresql_ops={"code": "varchar_pattern_ops"})  # fmt: skip
    procedures = sa.table("ref_procedure_codes", sa.column("code"), sa.column("code_system"),
                          sa.column("description"))  # fmt: skip
    op.bulk_insert(procedures, [{"code": c, "code_system": "HCPCS", "description": d}
                                for c, d in HCPCS_KNEE.items()])  # fmt: skip
    for table in TABLES:
        op.execute(f"ANALYZE {table}")  # the planner's statistics for the new indexes


def downgrade() -> None:
    from db.reference import HCPCS_KNEE

    codes = ", ".join(f"'{c}'" for c in HCPCS_KNEE)
    op.execute(f"DELETE FROM ref_procedure_codes WHERE code IN ({codes})")
    for table in TABLES:
        op.drop_index(f"ix_{table}_code_pattern", table_name=table)
        op.drop_index(f"ix_{table}_search_vector", table_name=table)
        op.drop_column(table, "search_vector")
