"""Reporting: learners (from directory's roster), completed evaluations' benchmark
results (audit), plans, activities and participation (planner), destinations, and the
last event applied from each source (freshness).

The ``reporting`` subscription now also projects directory's learner events, which it
skipped before: its institutions, positions and parked events are emptied so it
rebuilds both from the start of directory's log, as ``waymark replay reporting`` does.
The new subscriptions start from the start of their sources' logs.

Revision ID: reporting_0003
Revises: reporting_0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "reporting_0003"
down_revision = "reporting_0002"
branch_labels = None
depends_on = None

ID = sa.String(36)
NEW_TABLES = (
    "source_freshness",
    "destinations",
    "participation_counts",
    "participation",
    "activities",
    "plans",
    "evaluation_benchmarks",
    "evaluations",
    "learners",
)
SUBSCRIPTIONS = ("reporting", "reporting-audit", "reporting-planner", "reporting-destinations")


def _rebuild_from_the_start() -> None:
    op.execute("DELETE FROM institutions")
    for table in ("subscription_positions", "parked_events"):
        for name in SUBSCRIPTIONS:
            op.execute(sa.text(f"DELETE FROM {table} WHERE subscription = :name").bindparams(name=name))


def upgrade() -> None:
    _rebuild_from_the_start()
    op.create_table(
        "learners",
        sa.Column("learner_id", ID, primary_key=True),
        sa.Column("institution_id", ID, nullable=False, index=True),
        sa.Column("year_group", sa.Integer, nullable=False),
        sa.Column("cohort", sa.String(7), nullable=False),
        sa.Column("form_group", sa.String(20)),
        sa.Column("on_roll", sa.Boolean, nullable=False),
        sa.Column("leaving_date", sa.String(10)),
        sa.Column("stream_version", sa.Integer, nullable=False),
    )
    op.create_table(
        "evaluations",
        sa.Column("evaluation_id", ID, primary_key=True),
        sa.Column("institution_id", ID, nullable=False, index=True),
        sa.Column("framework_id", sa.String(40), nullable=False),
        sa.Column("evaluation_type", sa.String(40), nullable=False),
        sa.Column("completed_at", sa.String(40), nullable=False),
        sa.Column("benchmarks_achieved", sa.Integer, nullable=False),
    )
    op.create_table(
        "evaluation_benchmarks",
        sa.Column("evaluation_id", ID, primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("percentage", sa.Integer),
        sa.Column("achieved", sa.Boolean, nullable=False),
    )
    op.create_table(
        "plans",
        sa.Column("plan_id", ID, primary_key=True),
        sa.Column("institution_id", ID, nullable=False, index=True),
        sa.Column("academic_year", sa.String(7), nullable=False),
    )
    op.create_table(
        "activities",
        sa.Column("activity_id", ID, primary_key=True),
        sa.Column("plan_id", ID, nullable=False),
        sa.Column("institution_id", ID, nullable=False, index=True),
        sa.Column("academic_year", sa.String(7), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("activity_type", sa.String(40), nullable=False),
        sa.Column("benchmarks", sa.String(40), nullable=False),
        sa.Column("year_groups", sa.String(40), nullable=False),
        sa.Column("term", sa.String(10), nullable=False),
        sa.Column("planned_date", sa.String(10)),
        sa.Column("provider_access", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("delivered_on", sa.String(10)),
        sa.Column("named", sa.Integer, nullable=False),
        sa.Column("counted", sa.Integer, nullable=False),
        sa.Column("average_rating", sa.Float),
        sa.Column("respondents", sa.Integer, nullable=False),
        sa.Column("stream_version", sa.Integer, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "participation",
        sa.Column("learner_id", ID, primary_key=True),
        sa.Column("activity_id", ID, primary_key=True),
        sa.Column("activity_type", sa.String(40), nullable=False),
        sa.Column("delivered_on", sa.String(10), nullable=False),
        sa.Column("provider_access", sa.Boolean, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "participation_counts",
        sa.Column("activity_id", ID, primary_key=True),
        sa.Column("year_group", sa.Integer, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_table(
        "destinations",
        sa.Column("learner_id", ID, primary_key=True),
        sa.Column("leaving_point", sa.String(10), primary_key=True),
        sa.Column("institution_id", ID, nullable=False, index=True),
        sa.Column("leaving_cohort", sa.String(7), nullable=False),
        sa.Column("intended_category", sa.String(40)),
        sa.Column("category", sa.String(40)),
        sa.Column("start_date", sa.String(10)),
        sa.Column("sustained", sa.Boolean),
        sa.Column("stream_version", sa.Integer, nullable=False),
    )
    op.create_table(
        "source_freshness",
        sa.Column("subscription", sa.String(100), primary_key=True),
        sa.Column("source", sa.String(40), primary_key=True),
        sa.Column("last_event_id", ID, nullable=False),
        sa.Column("last_event_type", sa.String(200), nullable=False),
        sa.Column("last_event_time", sa.String(40), nullable=False),
        sa.Column("commit_id", sa.BigInteger, nullable=False),
        sa.Column("position", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    for table in NEW_TABLES:
        op.drop_table(table)
    _rebuild_from_the_start()
