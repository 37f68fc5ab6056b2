"""The appeal deadline scan's own index: open appeals not yet announced, by due date.

The scan (db/outbox.announce_due_appeals, every APPEAL_SCAN_SECONDS on every replica) walked
the due-date index past every appeal already announced or closed: on 200,000 members, 84,000
index entries read and dropped for each batch of 500, 0.15 s a batch and 15 s for a first
start's backlog of 27,000. This partial index holds only what the scan looks for, so it
reads what it takes.

Revision ID: 0021_appeal_deadline_index
Revises: 0020_claim_status_tally
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_appeal_deadline_index"
down_revision: str | None = "0020_claim_status_tally"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_appeals_deadline_unannounced",
        "appeals",
        ["due_at", "id"],
        postgresql_where=sa.text(
            "deadline_notified_at IS NULL AND status IN ('submitted', 'under_review')"
        ),
    )


def downgrade() -> None:
    op.drop_index("ix_appeals_deadline_unannounced", table_name="appeals")
