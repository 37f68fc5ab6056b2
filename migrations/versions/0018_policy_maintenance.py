"""Policy maintenance: a renewal is a new policy row for the next plan year, linked both ways
to the policy it continues (claims and accumulators belong to one policy and its plan years,
so the old year's terms stay with its claims). Each policy is renewed at most once.

Revision ID: 0018_policy_maintenance
Revises: 0017_member_maintenance
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0018_policy_maintenance"
down_revision: str | None = "0017_member_maintenance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LINKS = ("renews_policy_id", "renewed_by_policy_id")


def upgrade() -> None:
    for column in _LINKS:
        op.add_column("policies", sa.Column(column, postgresql.UUID(as_uuid=True)))
        op.create_foreign_key(
            op.f(f"fk_policies_{column}_policies"), "policies", "policies", [column], ["id"]
        )
        # renewed at most once; the unique index serves the foreign key
        op.create_unique_constraint(op.f(f"uq_policies_{column}"), "policies", [column])


def downgrade() -> None:
    for column in reversed(_LINKS):
        op.drop_constraint(op.f(f"uq_policies_{column}"), "policies", type_="unique")
        op.drop_constraint(op.f(f"fk_policies_{column}_policies"), "policies", type_="foreignkey")
        op.drop_column("policies", column)
