"""Destinations' own tables.

``institutions`` and ``learners`` are destinations' copies of directory's events (its
subscriptions keep them; a replay of directory's log empties and rebuilds them). The
rest are destinations' own records, written in the same transaction as the events
they follow and never emptied by a replay: the current destinations of each learner at
each leaving point, their consent, the free text kept beside the events (provider or
employer names, notes: erased with the learner's personal data) and the imports.
"""

from sqlalchemy import JSON, Boolean, Column, Date, Index, Integer, MetaData, String, Table, text

metadata = MetaData()

institutions = Table(
    "institutions",
    metadata,
    Column("institution_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("institution_type", String(40), nullable=False),
    Column("status", String(10), nullable=False, server_default=text("'open'")),
    Column("careers_hub", String(200)),
    Column("trust", String(200)),
    # An institution teaching to 18 or beyond has its own sixth form.
    Column("high_age", Integer),
    Column("stream_version", Integer, nullable=False),
)

learners = Table(
    "learners",
    metadata,
    Column("learner_id", String(36), primary_key=True),
    Column("institution_id", String(36), nullable=False),
    Column("year_group", Integer),
    Column("cohort", String(7)),  # the academic year they are (or were) in Year 11
    Column("form_group", String(20)),
    Column("on_roll", Boolean, nullable=False),
    Column("leaving_date", Date),
    Column("stream_version", Integer, nullable=False),
    Index("ix_learners_institution_cohort", "institution_id", "cohort"),
)

# One row a learner and leaving point: the latest intended and actual destinations and
# the judgement of the actual one.
destinations = Table(
    "destinations",
    metadata,
    Column("learner_id", String(36), primary_key=True),
    Column("leaving_point", String(8), primary_key=True),
    Column("institution_id", String(36), nullable=False),
    Column("leaving_cohort", String(7), nullable=False),
    Column("intended_category", String(40)),
    Column("intended_on", Date),
    Column("category", String(40)),
    Column("start_date", Date),
    Column("source", String(20)),
    Column("evidence_date", Date),
    Column("september_guarantee", String(30)),
    Column("sustained", String(20)),  # pending, sustained or not_sustained (None: no destination)
    Column("judged_from", Date),  # when the sustained judgement can be made
    Column("period_ended", Date),
    Column("updated_at", String(40), nullable=False),
    Index("ix_destinations_cohort", "institution_id", "leaving_point", "leaving_cohort"),
)

consents = Table(
    "consents",
    metadata,
    Column("learner_id", String(36), primary_key=True),
    Column("institution_id", String(36), nullable=False),
    Column("consent", String(10), nullable=False),
    Column("given_by", String(10), nullable=False),
    Column("consent_date", Date, nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", String(40), nullable=False),
)

# Free text that is personal data, beside the event it goes with (the learner's
# stream version): erased, with nothing else, when directory erases the learner's.
destination_details = Table(
    "destination_details",
    metadata,
    Column("learner_id", String(36), primary_key=True),
    Column("stream_version", Integer, primary_key=True),
    Column("provider", String(200)),
    Column("notes", String(2000)),
)

imports = Table(
    "destination_imports",
    metadata,
    Column("import_id", String(36), primary_key=True),
    Column("institution_id", String(36), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("file_name", String(200)),
    Column("rows_total", Integer, nullable=False),
    Column("recorded", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("rows_invalid", Integer, nullable=False),
    Column("errors", JSON, nullable=False),
    Column("imported_at", String(40), nullable=False),
    Column("imported_by", String(200)),
    Index("ix_destination_imports_institution", "institution_id", "imported_at"),
)
