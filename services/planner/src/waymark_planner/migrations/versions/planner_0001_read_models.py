"""Planner: its copies of directory's institutions, roster and providers, and of
audit's completed evaluations, each kept by its subscription (new here, so each fills
its table from the start of its source's log).

Revision ID: planner_0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "planner_0001"
down_revision = None
branch_labels = ("planner",)
depends_on = ("backbone_0001",)

SUBSCRIPTIONS = ("planner-institutions", "planner-roster", "planner-providers", "planner-audit")


def upgrade() -> None:
    op.create_table(
        "institutions",
        sa.Column("institution_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("institution_type", sa.String(40), nullable=False),
        sa.Column("status", sa.String(10), nullable=False, server_default=sa.text("'open'")),
        sa.Column("careers_hub", sa.String(200)),
        sa.Column("trust", sa.String(200)),
        sa.Column("stream_version", sa.Integer, nullable=False),
    )
    op.create_table(
        "roster_learners",
        sa.Column("learner_id", sa.String(36), primary_key=True),
        sa.Column("institution_id", sa.String(36), nullable=False),
        sa.Column("year_group", sa.Integer),
        sa.Column("form_group", sa.String(40)),
        sa.Column("cohort", sa.String(7)),
        sa.Column("on_roll", sa.Boolean, nullable=False),
        sa.Column("leaving_date", sa.String(10)),
        sa.Column("stream_version", sa.Integer, nullable=False),
    )
    op.create_index(
        "ix_roster_learners_institution",
        "roster_learners",
        ["institution_id", "on_roll", "year_group", "form_group"],
    )
    op.create_table(
        "providers",
        sa.Column("provider_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("provider_type", sa.String(40), nullable=False),
        sa.Column("benchmarks", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("listed", sa.Boolean, nullable=False),
        sa.Column("stream_version", sa.Integer, nullable=False),
    )
    op.create_index("ix_providers_listed", "providers", ["listed", "name"])
    op.create_table(
        "completed_evaluations",
        sa.Column("evaluation_id", sa.String(36), primary_key=True),
        sa.Column("institution_id", sa.String(36), nullable=False),
        sa.Column("framework_id", sa.String(40), nullable=False),
        sa.Column("evaluation_type", sa.String(40), nullable=False),
        sa.Column("completed_at", sa.String(40), nullable=False),
        sa.Column("benchmarks_achieved", sa.Integer, nullable=False),
        sa.Column("benchmarks", sa.JSON, nullable=False),
        sa.Column("criteria", sa.JSON, nullable=False),
    )
    op.create_index(
        "ix_completed_evaluations_institution", "completed_evaluations", ["institution_id", "completed_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_completed_evaluations_institution", table_name="completed_evaluations")
    op.drop_table("completed_evaluations")
    op.drop_index("ix_providers_listed", table_name="providers")
    op.drop_table("providers")
    op.drop_index("ix_roster_learners_institution", table_name="roster_learners")
    op.drop_table("roster_learners")
    op.drop_table("institutions")
    for table in ("subscription_positions", "parked_events"):
        for name in SUBSCRIPTIONS:
            op.execute(sa.text(f"DELETE FROM {table} WHERE subscription = :name").bindparams(name=name))
