"""Reporting: the institutions read model.

Revision ID: reporting_0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "reporting_0001"
down_revision = None
branch_labels = ("reporting",)
depends_on = ("backbone_0001",)


def upgrade() -> None:
    op.create_table(
        "institutions",
        sa.Column("institution_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("institution_type", sa.String(40), nullable=False),
        sa.Column("local_authority", sa.String(100)),
        sa.Column("region", sa.String(100)),
        sa.Column("registered_at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("institutions")
