"""The learner roster's tables, on directory's shared ``metadata``.

``learners`` is the pseudonymous roster projected inline from the learner events (no
personal data). ``learner_personal_data`` is the only place a pupil's UPN, names and
date of birth are kept; erasing a learner deletes its row, and with it the UPN's
mapping to the learner id. ``roster_imports`` is the import history (errors as row,
column and message, never the values).
"""

from sqlalchemy import Boolean, Column, Date, Index, Integer, String, Table, Text, UniqueConstraint

from waymark_directory.adapters.tables import metadata
from waymark_shared.db.types import UtcDateTime

learners = Table(
    "learners",
    metadata,
    Column("learner_id", String(36), primary_key=True),
    Column("institution_id", String(36), nullable=False),
    Column("version", Integer, nullable=False),
    Column("year_group", Integer, nullable=False),
    Column("cohort", String(7), nullable=False),
    Column("form_group", String(20)),
    Column("sen_status", String(1), nullable=False),
    Column("disadvantaged", Boolean, nullable=False),
    Column("on_roll", Boolean, nullable=False),
    Column("leaving_date", Date),
    Index("ix_learners_institution", "institution_id", "year_group", "form_group"),
)

learner_personal_data = Table(
    "learner_personal_data",
    metadata,
    Column("learner_id", String(36), primary_key=True),
    Column("institution_id", String(36), nullable=False),
    Column("upn", String(13), nullable=False),
    Column("legal_surname", String(100), nullable=False),
    Column("legal_forename", String(100), nullable=False),
    Column("preferred_surname", String(100), nullable=False),
    Column("preferred_forename", String(100), nullable=False),
    Column("date_of_birth", Date, nullable=False),
    UniqueConstraint("institution_id", "upn", name="uq_learner_personal_data_upn"),
)

roster_imports = Table(
    "roster_imports",
    metadata,
    Column("import_id", String(36), primary_key=True),
    Column("institution_id", String(36), nullable=False),
    Column("actor", String(200)),
    Column("imported_at", UtcDateTime(), nullable=False),
    Column("file_name", String(200)),
    Column("file_sha256", String(64), nullable=False),
    Column("mode", String(10), nullable=False),
    Column("import_valid_rows", Boolean, nullable=False),
    Column("status", String(20), nullable=False),
    Column("rows_total", Integer, nullable=False),
    Column("rows_valid", Integer, nullable=False),
    Column("rows_invalid", Integer, nullable=False),
    Column("enrolled", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("left", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("events", Integer, nullable=False),
    Column("errors", Text, nullable=False),
    Index("ix_roster_imports_institution", "institution_id", "imported_at"),
)
