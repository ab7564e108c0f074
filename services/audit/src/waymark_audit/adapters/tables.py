"""Audit's own tables. ``institutions`` is audit's copy of what it needs from
directory's events: which institutions exist and which evaluation each takes."""

from sqlalchemy import Column, MetaData, String, Table

metadata = MetaData()

institutions = Table(
    "institutions",
    metadata,
    Column("institution_id", String(36), primary_key=True),
    Column("institution_type", String(40), nullable=False),
    Column("evaluation_type", String(40), nullable=False),
)
