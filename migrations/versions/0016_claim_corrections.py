"""Claims the provider corrects: a corrected claim (X12 frequency code 7) names the claim it
replaces and the replaced claim its replacement; claims may be REPLACED or VOIDED (code 8).

Revision ID: 0016_claim_corrections
Revises: 0015_who_did_what
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016_claim_corrections"
down_revision: str | None = "0015_who_did_what"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUSES = (
    "'submitted', 'under_review', 'approved', 'partially_approved', 'denied', 'appealed', 'paid'"
)


def upgrade() -> None:
    op.add_column(
        "claims",
        sa.Column(
            "frequency_code", sa.String(length=32), server_default=sa.text("'original'"),
            nullable=False,
        ),
    )  # fmt: skip
    op.add_column("claims", sa.Column("replaces_claim_id", postgresql.UUID(as_uuid=True)))
    op.add_column("claims", sa.Column("replaced_by_claim_id", postgresql.UUID(as_uuid=True)))
    op.create_check_constraint(
        op.f("ck_claims_frequency_code"), "claims", "frequency_code IN ('original', 'replacement')"
    )
    op.create_check_constraint(
        op.f("ck_claims_replacement_names_original"),
        "claims",
        "(frequency_code = 'replacement') = (replaces_claim_id IS NOT NULL)",
    )
    for column in ("replaces_claim_id", "replaced_by_claim_id"):
        op.create_foreign_key(
            op.f(f"fk_claims_{column}_claims"), "claims", "claims", [column], ["id"]
        )
        # each claim is replaced at most once; the unique index serves the foreign key
        op.create_unique_constraint(op.f(f"uq_claims_{column}"), "claims", [column])
    op.drop_constraint(op.f("ck_claims_status"), "claims", type_="check")
    op.create_check_constraint(
        op.f("ck_claims_status"), "claims", f"status IN ({_STATUSES}, 'replaced', 'voided')"
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_claims_status"), "claims", type_="check")
    op.create_check_constraint(op.f("ck_claims_status"), "claims", f"status IN ({_STATUSES})")
    for column in ("replaced_by_claim_id", "replaces_claim_id"):
        op.drop_constraint(op.f(f"uq_claims_{column}"), "claims", type_="unique")
        op.drop_constraint(op.f(f"fk_claims_{column}_claims"), "claims", type_="foreignkey")
    op.drop_constraint(op.f("ck_claims_replacement_names_original"), "claims", type_="check")
    op.drop_constraint(op.f("ck_claims_frequency_code"), "claims", type_="check")
    op.drop_column("claims", "replaced_by_claim_id")
    op.drop_column("claims", "replaces_claim_id")
    op.drop_column("claims", "frequency_code")
