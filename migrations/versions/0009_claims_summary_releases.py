"""The employer's claims summary is released once per (employer, calendar month) and never
revised: claims_summary_releases keeps what was published.

Revision ID: 0009_claims_summary_releases
Revises: 0008_outbox_notify
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009_claims_summary_releases"
down_revision: str | None = "0008_outbox_notify"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "claims_summary_releases",
        sa.Column("employer_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("claim_type", sa.String(length=32), nullable=False),
        sa.Column("claim_count", sa.Integer(), nullable=True),
        sa.Column("paid_total", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("suppressed", sa.Boolean(), nullable=False),
        sa.Column(
            "released_at",
            sa.TIMESTAMP(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "extract(day FROM month) = 1", name=op.f("ck_claims_summary_releases_whole_month")
        ),
        sa.CheckConstraint(
            "claim_type IN ('medical', 'dental', 'vision', 'pharmacy', 'mental_health', 'all')",
            name=op.f("ck_claims_summary_releases_claim_type"),
        ),
        sa.CheckConstraint(
            "suppressed = (claim_count IS NULL) AND suppressed = (paid_total IS NULL)",
            name=op.f("ck_claims_summary_releases_withheld_together"),
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.id"],
            name=op.f("fk_claims_summary_releases_employer_id_employers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "employer_id", "month", "claim_type", name=op.f("pk_claims_summary_releases")
        ),
    )


def downgrade() -> None:
    op.drop_table("claims_summary_releases")
