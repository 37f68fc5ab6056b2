"""Blind indexes of provider and employer tax ids, so a duplicate tax id is found without
decrypting every row (admin mutations refuse one).

Revision ID: 0006_tax_id_index
Revises: 0004_encrypt_phi
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_tax_id_index"
down_revision: str | None = "0004_encrypt_phi"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("providers", "employers")


def upgrade() -> None:
    for table in _TABLES:
        op.add_column(table, sa.Column("tax_id_index", sa.String(length=64), nullable=True))
        op.create_index(op.f(f"ix_{table}_tax_id_index"), table, ["tax_id_index"])
    # rows written before this revision: index their tax ids now
    from db.reencrypt import index_tax_ids_sync

    index_tax_ids_sync(op.get_bind())


def downgrade() -> None:
    for table in _TABLES:
        op.drop_index(op.f(f"ix_{table}_tax_id_index"), table_name=table)
        op.drop_column(table, "tax_id_index")
