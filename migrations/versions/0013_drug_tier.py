"""A pharmacy claim line carries its drug's formulary tier, which picks the prescription
copay (generic, brand, specialty) the policy stores; an index for summing one person's
accumulators; and aged-out children's termination dates made the first day without coverage.

Revision ID: 0013_drug_tier
Revises: 0012_audit_partitions
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_drug_tier"
down_revision: str | None = "0012_audit_partitions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("claim_lines", sa.Column("drug_tier", sa.String(length=32), nullable=True))
    op.create_check_constraint(
        op.f("ck_claim_lines_drug_tier"),
        "claim_lines",
        "drug_tier IN ('generic', 'brand', 'specialty')",
    )
    # the accumulators of one person in one plan year are summed at every adjudication
    op.create_index(
        op.f("ix_claims_policy_id_dependent_id_service_date"),
        "claims",
        ["policy_id", "dependent_id", "service_date"],
    )

    # an aged-out child's termination date was its last day covered, where every other
    # termination date (and the eligibility check) means the first day without coverage: a
    # claim on the last day of the month they turned 26 was refused
    op.execute(
        "UPDATE dependents SET termination_date = termination_date + 1 "
        "WHERE status = 'aged_out' AND termination_date = "
        "(date_trunc('month', termination_date) + interval '1 month - 1 day')::date"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE dependents SET termination_date = termination_date - 1 "
        "WHERE status = 'aged_out' AND extract(day FROM termination_date) = 1"
    )
    op.drop_index(op.f("ix_claims_policy_id_dependent_id_service_date"), table_name="claims")
    op.drop_constraint(op.f("ck_claim_lines_drug_tier"), "claim_lines", type_="check")
    op.drop_column("claim_lines", "drug_tier")
