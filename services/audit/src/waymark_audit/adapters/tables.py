"""Audit's own tables. ``institutions`` is audit's copy of what it needs from
directory's events: which institutions exist, which evaluation each takes and whether
it is still open."""

from sqlalchemy import JSON, Boolean, Column, Index, Integer, MetaData, String, Table, text

metadata = MetaData()

institutions = Table(
    "institutions",
    metadata,
    Column("institution_id", String(36), primary_key=True),
    Column("institution_type", String(40), nullable=False),
    Column("evaluation_type", String(40), nullable=False),
    # A closed institution is kept, with its history: it takes no new evaluations.
    Column("status", String(10), nullable=False, server_default=text("'open'")),
    Column("closed_on", String(10)),
    # Who may read its results besides its own staff: its Careers Hub and trust leads.
    Column("careers_hub", String(200)),
    Column("trust", String(200)),
    # The institution stream's version last applied: an older event arriving again
    # (redelivered, or retried from the parked events) changes nothing.
    Column("stream_version", Integer, nullable=False, server_default=text("0")),
)

# Audit's own records, kept in the same transaction as the events they follow (never
# emptied by a replay of directory's events).

# The evaluation type a careers leader chose; it overrides the institution type's.
evaluation_type_choices = Table(
    "evaluation_type_choices",
    metadata,
    Column("institution_id", String(36), primary_key=True),
    Column("evaluation_type", String(40), nullable=False),
    Column("reason", String(1000), nullable=False),
    Column("changed_at", String(40), nullable=False),
    Column("version", Integer, nullable=False),
)

# Every evaluation, for the institution's history: one row each, with its result once completed.
evaluations = Table(
    "evaluations",
    metadata,
    Column("evaluation_id", String(36), primary_key=True),
    Column("institution_id", String(36), nullable=False),
    Column("framework_id", String(40), nullable=False),
    Column("evaluation_type", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    Column("started_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("completed_at", String(40)),
    Column("copied_from", String(36)),
    Column("answered", Integer, nullable=False, server_default=text("0")),
    Column("benchmarks_achieved", Integer),
    Column("result", JSON),  # the AuditCompleted data
    Index("ix_evaluations_institution", "institution_id", "started_at"),
)

# The one evaluation in progress at each institution: a second start is refused.
open_evaluations = Table(
    "open_evaluations",
    metadata,
    Column("institution_id", String(36), primary_key=True),
    Column("evaluation_id", String(36), nullable=False),
)

# Audit's copy of directory's roster, from its learner events: only what year-group sizes
# need (no name, UPN, date of birth, SEN or any other attribute). Emptied and rebuilt by
# a replay of directory's log.
roster_learners = Table(
    "roster_learners",
    metadata,
    Column("learner_id", String(36), primary_key=True),
    Column("institution_id", String(36), nullable=False),
    Column("year_group", Integer),  # None: left before audit heard them enrolled
    Column("on_roll", Boolean, nullable=False),
    # The learner stream's version last applied: an older event changes nothing.
    Column("stream_version", Integer, nullable=False),
    Index("ix_roster_learners_institution", "institution_id", "on_roll", "year_group"),
)
