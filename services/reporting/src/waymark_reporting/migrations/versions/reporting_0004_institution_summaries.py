"""Per-institution summaries for the roll-ups (``institution_summaries``) and the
institutions whose summary is out of date (``stale_summaries``). Both start empty: an
institution without a summary counts as stale, so the first refresh computes them all.

Revision ID: reporting_0004
Revises: reporting_0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "reporting_0004"
down_revision = "reporting_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "institution_summaries",
        sa.Column("institution_id", sa.String(36), primary_key=True),
        sa.Column("learners", sa.Integer, nullable=False),
        sa.Column("refreshed_at", sa.String(40), nullable=False, index=True),
        sa.Column("figures", sa.Text, nullable=False),
    )
    op.create_table("stale_summaries", sa.Column("institution_id", sa.String(36), primary_key=True))


def downgrade() -> None:
    op.drop_table("stale_summaries")
    op.drop_table("institution_summaries")
