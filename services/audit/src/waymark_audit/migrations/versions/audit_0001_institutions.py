"""Audit: the institutions it has heard of and their evaluation types.

Revision ID: audit_0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "audit_0001"
down_revision = None
branch_labels = ("audit",)
depends_on = ("backbone_0001",)


def upgrade() -> None:
    op.create_table(
        "institutions",
        sa.Column("institution_id", sa.String(36), primary_key=True),
        sa.Column("institution_type", sa.String(40), nullable=False),
        sa.Column("evaluation_type", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("institutions")
