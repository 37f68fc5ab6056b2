"""Encrypt PHI at rest: dates of birth and ZIP codes become text ciphertext, every PHI and
restricted column is encrypted (AES-256-GCM, key id in each value), blind indexes added.

Revision ID: 0004_encrypt_phi
Revises: 0003_audit_chain
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_encrypt_phi"
down_revision: str | None = "0003_audit_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXED = ("members", "dependents")


def upgrade() -> None:
    for table in _INDEXED:
        op.add_column(table, sa.Column("name_dob_index", sa.String(length=64), nullable=True))
        op.add_column(table, sa.Column("ssn_index", sa.String(length=64), nullable=True))
        op.create_index(op.f(f"ix_{table}_name_dob_index"), table, ["name_dob_index"])
        op.create_index(op.f(f"ix_{table}_ssn_index"), table, ["ssn_index"])
        op.alter_column(
            table,
            "date_of_birth",
            existing_type=sa.DATE(),
            type_=sa.Text(),
            postgresql_using="date_of_birth::text",
            existing_nullable=False,
        )
    op.alter_column(
        "members",
        "zip_code",
        existing_type=sa.VARCHAR(length=10),
        type_=sa.Text(),
        existing_nullable=True,
    )
    # rows written before this revision: encrypt them and index them now
    from db.reencrypt import reencrypt_sync

    reencrypt_sync(op.get_bind())


def downgrade() -> None:
    from db.reencrypt import decrypt_all_sync

    decrypt_all_sync(op.get_bind())
    op.alter_column(
        "members",
        "zip_code",
        existing_type=sa.Text(),
        type_=sa.VARCHAR(length=10),
        existing_nullable=True,
    )
    for table in _INDEXED:
        op.alter_column(
            table,
            "date_of_birth",
            existing_type=sa.Text(),
            type_=sa.DATE(),
            postgresql_using="date_of_birth::date",
            existing_nullable=False,
        )
        op.drop_index(op.f(f"ix_{table}_ssn_index"), table_name=table)
        op.drop_index(op.f(f"ix_{table}_name_dob_index"), table_name=table)
        op.drop_column(table, "ssn_index")
        op.drop_column(table, "name_dob_index")
