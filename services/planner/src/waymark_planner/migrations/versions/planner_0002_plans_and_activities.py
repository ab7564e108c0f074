"""Planner: its own records, kept in the same transaction as the events they follow:
plans (one per institution per academic year) with their objectives and suggestions,
and activities with who took part (by learner id and by count per year group) and
their evaluation (feedback and outcomes against the plan's objectives).

Revision ID: planner_0002
Revises: planner_0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "planner_0002"
down_revision = "planner_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("plan_id", sa.String(36), primary_key=True),
        sa.Column("institution_id", sa.String(36), nullable=False),
        sa.Column("academic_year", sa.String(7), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("copied_from_plan_id", sa.String(36)),
        sa.Column("evaluation_id", sa.String(36)),
        sa.Column("framework_id", sa.String(40)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("institution_id", "academic_year", name="uq_plans_institution_year"),
    )
    op.create_table(
        "plan_objectives",
        sa.Column("plan_id", sa.String(36), primary_key=True),
        sa.Column("objective_id", sa.String(36), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("text", sa.String(500), nullable=False),
    )
    op.create_table(
        "suggestions",
        sa.Column("suggestion_id", sa.String(36), primary_key=True),
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("benchmark", sa.Integer, nullable=False),
        sa.Column("criterion_id", sa.String(10), nullable=False),
        sa.Column("criterion_title", sa.String(200), nullable=False),
        sa.Column("criterion_status", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("activity_type", sa.String(40), nullable=False),
        sa.Column("year_groups", sa.JSON, nullable=False),
        sa.Column("achieve_by", sa.String(10), nullable=False),
        sa.Column("term", sa.String(10), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("activity_id", sa.String(36)),
        sa.Column("reason", sa.String(1000)),
    )
    op.create_index("ix_suggestions_plan", "suggestions", ["plan_id", "position"])
    op.create_table(
        "activities",
        sa.Column("activity_id", sa.String(36), primary_key=True),
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("institution_id", sa.String(36), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("activity_type", sa.String(40), nullable=False),
        sa.Column("benchmarks", sa.JSON, nullable=False),
        sa.Column("criteria", sa.JSON, nullable=False),
        sa.Column("year_groups", sa.JSON, nullable=False),
        sa.Column("subjects", sa.JSON, nullable=False),
        sa.Column("provider_id", sa.String(36)),
        sa.Column("provider_name", sa.String(200)),
        sa.Column("date", sa.String(10)),
        sa.Column("term", sa.String(10), nullable=False),
        sa.Column("delivery", sa.String(20), nullable=False),
        sa.Column("provider_access_encounter", sa.Boolean, nullable=False),
        sa.Column("meaningful", sa.JSON, nullable=False),
        sa.Column("owner", sa.String(200)),
        sa.Column("objective_ids", sa.JSON, nullable=False),
        sa.Column("achieve_by", sa.String(10)),
        sa.Column("description", sa.String(5000)),
        sa.Column("suggestion_id", sa.String(36)),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("delivered_on", sa.String(10)),
        sa.Column("delivered_meaningful", sa.JSON),
        sa.Column("notes", sa.String(5000)),
        sa.Column("participant_count", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("cancel_reason", sa.String(1000)),
        sa.Column("evaluated", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("average_rating", sa.Float),
        sa.Column("feedback_count", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("evaluation_summary", sa.String(5000)),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_activities_plan", "activities", ["plan_id", "date"])
    op.create_table(
        "participation",
        sa.Column("activity_id", sa.String(36), primary_key=True),
        sa.Column("learner_id", sa.String(36), primary_key=True),
        sa.Column("year_group", sa.Integer),
        sa.Column("form_group", sa.String(40)),
    )
    op.create_index("ix_participation_learner", "participation", ["learner_id"])
    op.create_table(
        "participation_counts",
        sa.Column("activity_id", sa.String(36), primary_key=True),
        sa.Column("year_group", sa.Integer, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_table(
        "activity_feedback",
        sa.Column("activity_id", sa.String(36), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("respondent", sa.String(20), nullable=False),
        sa.Column("rating", sa.Integer, nullable=False),
        sa.Column("responses", sa.Integer, nullable=False),
        sa.Column("comment", sa.String(2000)),
    )
    op.create_table(
        "activity_outcomes",
        sa.Column("activity_id", sa.String(36), primary_key=True),
        sa.Column("objective_id", sa.String(36), primary_key=True),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("note", sa.String(2000)),
    )


def downgrade() -> None:
    op.drop_table("activity_outcomes")
    op.drop_table("activity_feedback")
    op.drop_table("participation_counts")
    op.drop_index("ix_participation_learner", table_name="participation")
    op.drop_table("participation")
    op.drop_index("ix_activities_plan", table_name="activities")
    op.drop_table("activities")
    op.drop_index("ix_suggestions_plan", table_name="suggestions")
    op.drop_table("suggestions")
    op.drop_table("plan_objectives")
    op.drop_table("plans")
