"""Member and policy maintenance: a member's suspension date; dependents remember that
their coverage ended with the subscriber's (and the end they had before), so reinstating the
subscriber reinstates them; dependents keep a language and communication preferences of their
own; policies carry a version (optimistic updates; the expiry job bumps it).

Revision ID: 0017_member_maintenance
Revises: 0016_claim_corrections
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0017_member_maintenance"
down_revision: str | None = "0016_claim_corrections"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("members", sa.Column("suspended_from", sa.Date(), nullable=True))
    op.add_column(
        "dependents",
        sa.Column(
            "ended_with_member", sa.Boolean(), nullable=False, server_default=sa.text("false")
        ),
    )
    op.add_column("dependents", sa.Column("own_termination_date", sa.Date(), nullable=True))
    op.add_column(
        "dependents",
        sa.Column(
            "preferred_language",
            sa.String(length=8),
            nullable=False,
            server_default=sa.text("'en'"),
        ),
    )
    op.add_column(
        "dependents",
        sa.Column(
            "communication_preferences", postgresql.JSONB(astext_type=sa.Text()), nullable=True
        ),
    )
    op.add_column(
        "policies",
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
    )


def downgrade() -> None:
    op.drop_column("policies", "version")
    op.drop_column("dependents", "communication_preferences")
    op.drop_column("dependents", "preferred_language")
    op.drop_column("dependents", "own_termination_date")
    op.drop_column("dependents", "ended_with_member")
    op.drop_column("members", "suspended_from")
