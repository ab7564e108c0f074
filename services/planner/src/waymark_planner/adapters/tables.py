"""Planner's tables.

Copies of what other services' events say (each emptied and rebuilt by a replay of its
subscription): ``institutions``, ``roster_learners`` (no name, UPN or date of birth:
directory's events carry none), ``providers`` and ``completed_evaluations``.

Planner's own records, written in the same transaction as the events they follow and
never touched by a replay: plans, their objectives and suggestions, activities with
their participation and evaluation. The pages read these, never the event streams.
"""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    text,
)

metadata = MetaData()

# -- from directory and audit ---------------------------------------------------------------

institutions = Table(
    "institutions",
    metadata,
    Column("institution_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("institution_type", String(40), nullable=False),
    Column("status", String(10), nullable=False, server_default=text("'open'")),
    Column("careers_hub", String(200)),
    Column("trust", String(200)),
    # The institution stream's version last applied: an older event changes nothing.
    Column("stream_version", Integer, nullable=False),
)

roster_learners = Table(
    "roster_learners",
    metadata,
    Column("learner_id", String(36), primary_key=True),
    Column("institution_id", String(36), nullable=False),
    Column("year_group", Integer),  # None: left before planner heard them enrolled
    Column("form_group", String(40)),
    Column("cohort", String(7)),
    Column("on_roll", Boolean, nullable=False),
    Column("leaving_date", String(10)),  # when they left (LearnerLeft), if they have
    Column("stream_version", Integer, nullable=False),
    Index("ix_roster_learners_institution", "institution_id", "on_roll", "year_group", "form_group"),
)

providers = Table(
    "providers",
    metadata,
    Column("provider_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("provider_type", String(40), nullable=False),
    Column("benchmarks", JSON, nullable=False),
    # submitted, listed, rejected or withdrawn, as directory's moderation left it.
    Column("status", String(20), nullable=False),
    Column("listed", Boolean, nullable=False),
    Column("stream_version", Integer, nullable=False),
    Index("ix_providers_listed", "listed", "name"),
)

completed_evaluations = Table(
    "completed_evaluations",
    metadata,
    Column("evaluation_id", String(36), primary_key=True),
    Column("institution_id", String(36), nullable=False),
    Column("framework_id", String(40), nullable=False),
    Column("evaluation_type", String(40), nullable=False),
    Column("completed_at", String(40), nullable=False),
    Column("benchmarks_achieved", Integer, nullable=False),
    Column("benchmarks", JSON, nullable=False),
    Column("criteria", JSON, nullable=False),
    Index("ix_completed_evaluations_institution", "institution_id", "completed_at"),
)

# -- planner's own ------------------------------------------------------------------------------

plans = Table(
    "plans",
    metadata,
    Column("plan_id", String(36), primary_key=True),
    Column("institution_id", String(36), nullable=False),
    Column("academic_year", String(7), nullable=False),
    Column("origin", String(20), nullable=False),
    Column("copied_from_plan_id", String(36)),
    Column("evaluation_id", String(36)),
    Column("framework_id", String(40)),
    Column("version", Integer, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    # One plan per institution per academic year.
    UniqueConstraint("institution_id", "academic_year", name="uq_plans_institution_year"),
)

plan_objectives = Table(
    "plan_objectives",
    metadata,
    Column("plan_id", String(36), primary_key=True),
    Column("objective_id", String(36), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("text", String(500), nullable=False),
)

suggestions = Table(
    "suggestions",
    metadata,
    Column("suggestion_id", String(36), primary_key=True),
    Column("plan_id", String(36), nullable=False),
    Column("position", Integer, nullable=False),
    Column("benchmark", Integer, nullable=False),
    Column("criterion_id", String(10), nullable=False),
    Column("criterion_title", String(200), nullable=False),
    Column("criterion_status", String(20), nullable=False),
    Column("title", String(200), nullable=False),
    Column("activity_type", String(40), nullable=False),
    Column("year_groups", JSON, nullable=False),
    Column("achieve_by", String(10), nullable=False),
    Column("term", String(10), nullable=False),
    Column("status", String(10), nullable=False),  # offered, accepted or dismissed
    Column("activity_id", String(36)),
    Column("reason", String(1000)),
    Index("ix_suggestions_plan", "plan_id", "position"),
)

activities = Table(
    "activities",
    metadata,
    Column("activity_id", String(36), primary_key=True),
    Column("plan_id", String(36), nullable=False),
    Column("institution_id", String(36), nullable=False),
    Column("title", String(200), nullable=False),
    Column("activity_type", String(40), nullable=False),
    Column("benchmarks", JSON, nullable=False),
    Column("criteria", JSON, nullable=False),
    Column("year_groups", JSON, nullable=False),
    Column("subjects", JSON, nullable=False),
    Column("provider_id", String(36)),
    Column("provider_name", String(200)),
    Column("date", String(10)),
    Column("term", String(10), nullable=False),
    Column("delivery", String(20), nullable=False),
    Column("provider_access_encounter", Boolean, nullable=False),
    Column("meaningful", JSON, nullable=False),
    Column("owner", String(200)),
    Column("objective_ids", JSON, nullable=False),
    Column("achieve_by", String(10)),
    Column("description", String(5000)),
    Column("suggestion_id", String(36)),
    Column("status", String(10), nullable=False),  # planned, delivered or cancelled
    Column("version", Integer, nullable=False),
    Column("delivered_on", String(10)),
    Column("delivered_meaningful", JSON),
    Column("notes", String(5000)),
    Column("participant_count", Integer, nullable=False, server_default=text("0")),
    Column("cancel_reason", String(1000)),
    Column("evaluated", Boolean, nullable=False, server_default=text("false")),
    Column("average_rating", Float),
    Column("feedback_count", Integer, nullable=False, server_default=text("0")),
    Column("evaluation_summary", String(5000)),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Index("ix_activities_plan", "plan_id", "date"),
)

# Who took part, by learner: their year and form group when the activity was logged.
participation = Table(
    "participation",
    metadata,
    Column("activity_id", String(36), primary_key=True),
    Column("learner_id", String(36), primary_key=True),
    Column("year_group", Integer),
    Column("form_group", String(40)),
    Index("ix_participation_learner", "learner_id"),
)

# Who took part without being named: a count per year group.
participation_counts = Table(
    "participation_counts",
    metadata,
    Column("activity_id", String(36), primary_key=True),
    Column("year_group", Integer, primary_key=True),
    Column("count", Integer, nullable=False),
)

activity_feedback = Table(
    "activity_feedback",
    metadata,
    Column("activity_id", String(36), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("respondent", String(20), nullable=False),  # FEEDBACK_FROM
    Column("rating", Integer, nullable=False),
    Column("responses", Integer, nullable=False),
    Column("comment", String(2000)),
)

activity_outcomes = Table(
    "activity_outcomes",
    metadata,
    Column("activity_id", String(36), primary_key=True),
    Column("objective_id", String(36), primary_key=True),
    Column("outcome", String(20), nullable=False),
    Column("note", String(2000)),
)
