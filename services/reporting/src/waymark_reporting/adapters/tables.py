"""Reporting's read models. Everything here can be dropped and rebuilt from events."""

from sqlalchemy import BigInteger, Boolean, Column, Float, Integer, MetaData, String, Table, Text, text

metadata = MetaData()

OPEN, CLOSED = "open", "closed"

institutions = Table(
    "institutions",
    metadata,
    Column("institution_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("institution_type", String(40), nullable=False),
    Column("local_authority", String(100)),
    Column("region", String(100)),
    Column("registered_at", String(40), nullable=False),
    # For roll-ups by local authority, Careers Hub and trust, and for leaving out the closed.
    Column("local_authority_code", String(9)),
    Column("careers_hub", String(200)),
    Column("trust", String(200)),
    Column("status", String(10), nullable=False, server_default=text("'open'")),
    Column("closed_on", String(10)),
    # The institution stream's version last applied: an older event arriving again
    # (redelivered, or retried from the parked events) changes nothing.
    Column("stream_version", Integer, nullable=False, server_default=text("0")),
)


# -- learners (directory's roster): pseudonymous ids and where they are, nothing personal --

learners = Table(
    "learners",
    metadata,
    Column("learner_id", String(36), primary_key=True),
    Column("institution_id", String(36), nullable=False, index=True),
    Column("year_group", Integer, nullable=False),
    # The academic year the learner is (was, will be) in Year 11, e.g. "2027/28".
    Column("cohort", String(7), nullable=False),
    Column("form_group", String(20)),
    Column("on_roll", Boolean, nullable=False),
    Column("leaving_date", String(10)),
    Column("stream_version", Integer, nullable=False),
)

# -- who holds the careers leader role at an institution (directory's role events) ------
# Staff by account id only (no name or contact detail): for the Ofsted pack's website
# checklist and the governors' "is a careers leader appointed?".

careers_leaders = Table(
    "careers_leaders",
    metadata,
    Column("institution_id", String(36), primary_key=True),
    Column("account_id", String(36), primary_key=True),
    Column("holds", Boolean, nullable=False),
    # The account stream's version last applied: an older grant or revocation arriving
    # again changes nothing.
    Column("stream_version", Integer, nullable=False),
)

# -- audit's completed evaluations ----------------------------------------------------

evaluations = Table(
    "evaluations",
    metadata,
    Column("evaluation_id", String(36), primary_key=True),
    Column("institution_id", String(36), nullable=False, index=True),
    Column("framework_id", String(40), nullable=False),
    Column("evaluation_type", String(40), nullable=False),
    Column("completed_at", String(40), nullable=False),
    Column("benchmarks_achieved", Integer, nullable=False),
)

evaluation_benchmarks = Table(
    "evaluation_benchmarks",
    metadata,
    Column("evaluation_id", String(36), primary_key=True),
    Column("number", Integer, primary_key=True),
    # Criteria achieved as a percentage; null when none of the benchmark applies to the type.
    Column("percentage", Integer),
    Column("achieved", Boolean, nullable=False),
)

# -- planner's plans, activities and participation --------------------------------------

plans = Table(
    "plans",
    metadata,
    Column("plan_id", String(36), primary_key=True),
    Column("institution_id", String(36), nullable=False, index=True),
    Column("academic_year", String(7), nullable=False),
    # The plan's written objectives, a JSON list of their texts ("[]" for none), and the
    # plan stream's version they are from: only a later change replaces them.
    Column("objectives", Text, nullable=False, server_default=text("'[]'")),
    Column("objectives_version", Integer, nullable=False, server_default=text("0")),
)

activities = Table(
    "activities",
    metadata,
    Column("activity_id", String(36), primary_key=True),
    Column("plan_id", String(36), nullable=False),
    Column("institution_id", String(36), nullable=False, index=True),
    Column("academic_year", String(7), nullable=False),
    Column("title", String(200), nullable=False),
    Column("activity_type", String(40), nullable=False),
    # Comma-separated, ascending: "5,7"; "" for none.
    Column("benchmarks", String(40), nullable=False),
    Column("year_groups", String(40), nullable=False),
    Column("term", String(10), nullable=False),
    Column("planned_date", String(10)),
    Column("provider_access", Boolean, nullable=False),
    # planned, delivered or cancelled.
    Column("status", String(10), nullable=False),
    Column("delivered_on", String(10)),
    # Learners who took part: named (by learner id, in ``participation``) and counted
    # without names (the sum of ``participation_counts``).
    Column("named", Integer, nullable=False),
    Column("counted", Integer, nullable=False),
    # The latest evaluation's ratings, averaged over respondents (1 to 5).
    Column("average_rating", Float),
    Column("respondents", Integer, nullable=False),
    Column("stream_version", Integer, nullable=False),
    # On SQLite, rows found by their key directly (pupil-level evidence looks up an
    # activity for every participation row).
    sqlite_with_rowid=False,
)

# Keyed learner first: the evidence reads it by learner; by activity only to replace
# an activity's learners when it is logged again (rare), so no second index to keep.
participation = Table(
    "participation",
    metadata,
    Column("learner_id", String(36), primary_key=True),
    Column("activity_id", String(36), primary_key=True),
    # The activity's, copied: evidence reads a learner's encounters without a join.
    Column("activity_type", String(40), nullable=False),
    Column("delivered_on", String(10), nullable=False),
    Column("provider_access", Boolean, nullable=False),
    # On SQLite, the key is the table (one B-tree to write, not a table and its key).
    sqlite_with_rowid=False,
)

participation_counts = Table(
    "participation_counts",
    metadata,
    Column("activity_id", String(36), primary_key=True),
    Column("year_group", Integer, primary_key=True),
    Column("count", Integer, nullable=False),
)

# -- destinations' latest judgement per learner per leaving point -------------------------

destinations = Table(
    "destinations",
    metadata,
    Column("learner_id", String(36), primary_key=True),
    # ks4 (end of Year 11) or 16-18 (end of Year 13).
    Column("leaving_point", String(10), primary_key=True),
    Column("institution_id", String(36), nullable=False, index=True),
    Column("leaving_cohort", String(7), nullable=False),
    Column("intended_category", String(40)),
    Column("category", String(40)),
    Column("start_date", String(10)),
    # None until judged; then True (sustained) or False (not sustained).
    Column("sustained", Boolean),
    Column("stream_version", Integer, nullable=False),
)

# -- freshness: the last event each subscription applied from each source ---------------

source_freshness = Table(
    "source_freshness",
    metadata,
    Column("subscription", String(100), primary_key=True),
    Column("source", String(40), primary_key=True),
    Column("last_event_id", String(36), nullable=False),
    Column("last_event_type", String(200), nullable=False),
    # When the producer recorded it (its envelope's time).
    Column("last_event_time", String(40), nullable=False),
    # Its place in the producer's log: only a later event replaces it.
    Column("commit_id", BigInteger, nullable=False),
    Column("position", BigInteger, nullable=False),
)

# -- per-institution summaries for the roll-ups (hub, trust, local authority, region, nation) --

# One row per institution: aggregate counts that do not depend on the day (learners per
# cohort meeting each measure, encounters per academic year, Provider Access phases met,
# the latest evaluation, plan delivery per year, destinations per leaving cohort), as
# JSON (``domain/summaries.py``). Roll-ups add them up and apply the day when read.
institution_summaries = Table(
    "institution_summaries",
    metadata,
    Column("institution_id", String(36), primary_key=True),
    Column("learners", Integer, nullable=False),
    # Indexed: the roll-ups' caches ask for the latest on every read.
    Column("refreshed_at", String(40), nullable=False, index=True),
    # Last: SQLite reads a row's columns in order, and this one runs to kilobytes.
    Column("figures", Text, nullable=False),
)

# Institutions whose summary is out of date: every projection marks those its events
# touched, in the same transaction; ``views/summaries.refresh_summaries`` recomputes
# them. An institution without a summary row counts as stale too.
stale_summaries = Table(
    "stale_summaries",
    metadata,
    Column("institution_id", String(36), primary_key=True),
)

DIRECTORY_TABLES = (institutions, learners, careers_leaders)
AUDIT_TABLES = (evaluations, evaluation_benchmarks)
PLANNER_TABLES = (plans, activities, participation, participation_counts)
DESTINATIONS_TABLES = (destinations,)
