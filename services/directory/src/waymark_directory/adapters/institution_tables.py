"""The record of every GIAS import: who ran it, on what file, and what it did.

The row errors and notes are kept with it (they name establishments and columns,
never people), so the report can be shown again later.
"""

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text

from waymark_directory.adapters.tables import metadata

institution_imports = Table(
    "institution_imports",
    metadata,
    Column("import_id", String(36), primary_key=True),
    Column("filename", String(255)),
    Column("sha256", String(64), nullable=False),
    Column("actor", String(100)),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("registered", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("closed", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("skipped", Integer, nullable=False),
    Column("error_count", Integer, nullable=False),
    Column("report", Text, nullable=False),
    Index("ix_institution_imports_started_at", "started_at"),
)
