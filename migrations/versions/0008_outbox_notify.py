"""Outbox events announce themselves: NOTIFY claimgraph_outbox with the sequence number on
commit (listeners then read every event after the last one they handled, so a lost or
coalesced notification loses nothing). Appeals remember when their deadline was announced.

Revision ID: 0008_outbox_notify
Revises: 0007_validation
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_outbox_notify"
down_revision: str | None = "0007_validation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('claimgraph_outbox', NEW.seq::text);
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER outbox_notify AFTER INSERT ON outbox_events "
        "FOR EACH ROW EXECUTE FUNCTION outbox_notify()"
    )
    op.add_column("appeals", sa.Column("deadline_notified_at", sa.TIMESTAMP(timezone=True)))


def downgrade() -> None:
    op.drop_column("appeals", "deadline_notified_at")
    op.execute("DROP TRIGGER outbox_notify ON outbox_events")
    op.execute("DROP FUNCTION outbox_notify()")
