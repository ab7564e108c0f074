"""Audit: evaluations (their list, the one in progress at each institution), the
evaluation types careers leaders chose, and each institution's Careers Hub and trust
(who may read its results).

The hub and trust come from directory's events, so, as in audit_0002, ``institutions``
and the ``audit`` subscription's positions and parked events are emptied and the
subscription rebuilds the table from the start of directory's log. The new tables hold
what audit records itself and are not touched by a rebuild.

Revision ID: audit_0003
Revises: audit_0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "audit_0003"
down_revision = "audit_0002"
branch_labels = None
depends_on = None

SUBSCRIPTION = "audit"


def _rebuild_from_the_start() -> None:
    op.execute("DELETE FROM institutions")
    for table in ("subscription_positions", "parked_events"):
        op.execute(sa.text(f"DELETE FROM {table} WHERE subscription = :name").bindparams(name=SUBSCRIPTION))


def upgrade() -> None:
    _rebuild_from_the_start()
    with op.batch_alter_table("institutions") as batch:
        batch.add_column(sa.Column("careers_hub", sa.String(200)))
        batch.add_column(sa.Column("trust", sa.String(200)))
    op.create_table(
        "evaluation_type_choices",
        sa.Column("institution_id", sa.String(36), primary_key=True),
        sa.Column("evaluation_type", sa.String(40), nullable=False),
        sa.Column("reason", sa.String(1000), nullable=False),
        sa.Column("changed_at", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "evaluations",
        sa.Column("evaluation_id", sa.String(36), primary_key=True),
        sa.Column("institution_id", sa.String(36), nullable=False),
        sa.Column("framework_id", sa.String(40), nullable=False),
        sa.Column("evaluation_type", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("started_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.Column("completed_at", sa.String(40)),
        sa.Column("copied_from", sa.String(36)),
        sa.Column("answered", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("benchmarks_achieved", sa.Integer),
        sa.Column("result", sa.JSON),
    )
    op.create_index("ix_evaluations_institution", "evaluations", ["institution_id", "started_at"])
    op.create_table(
        "open_evaluations",
        sa.Column("institution_id", sa.String(36), primary_key=True),
        sa.Column("evaluation_id", sa.String(36), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("open_evaluations")
    op.drop_index("ix_evaluations_institution", table_name="evaluations")
    op.drop_table("evaluations")
    op.drop_table("evaluation_type_choices")
    _rebuild_from_the_start()
    with op.batch_alter_table("institutions") as batch:
        batch.drop_column("trust")
        batch.drop_column("careers_hub")
