"""Audit: its copy of directory's roster (learner id, institution, year group, on roll),
from which it counts each institution's year-group sizes.

The table is the ``audit-roster`` subscription's, new here: that subscription has no
position yet, so it fills the table from the start of directory's log (as ``waymark
replay audit-roster`` would). Nothing audit records itself is touched.

Revision ID: audit_0004
Revises: audit_0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "audit_0004"
down_revision = "audit_0003"
branch_labels = None
depends_on = None

SUBSCRIPTION = "audit-roster"


def upgrade() -> None:
    op.create_table(
        "roster_learners",
        sa.Column("learner_id", sa.String(36), primary_key=True),
        sa.Column("institution_id", sa.String(36), nullable=False),
        sa.Column("year_group", sa.Integer),
        sa.Column("on_roll", sa.Boolean, nullable=False),
        sa.Column("stream_version", sa.Integer, nullable=False),
    )
    op.create_index(
        "ix_roster_learners_institution", "roster_learners", ["institution_id", "on_roll", "year_group"]
    )


def downgrade() -> None:
    op.drop_index("ix_roster_learners_institution", table_name="roster_learners")
    op.drop_table("roster_learners")
    # The subscription's positions and parked events go with its table.
    for table in ("subscription_positions", "parked_events"):
        op.execute(sa.text(f"DELETE FROM {table} WHERE subscription = :name").bindparams(name=SUBSCRIPTION))
