"""Adjudicator notes kept apart from the provider's: a claim's `notes` stay what the
provider submitted, and the adjudicator's notes on a decision go to `adjudicator_notes`,
which only the plan's staff read.

Revision ID: 0015_who_did_what
Revises: 0014_reference_search
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_who_did_what"
down_revision: str | None = "0014_reference_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("claims", sa.Column("adjudicator_notes", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("claims", "adjudicator_notes")
