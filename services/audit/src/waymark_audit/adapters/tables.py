"""Audit's own tables. ``institutions`` is audit's copy of what it needs from
directory's events: which institutions exist, which evaluation each takes and whether
it is still open."""

from sqlalchemy import Column, Integer, MetaData, String, Table, text

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
    # The institution stream's version last applied: an older event arriving again
    # (redelivered, or retried from the parked events) changes nothing.
    Column("stream_version", Integer, nullable=False, server_default=text("0")),
)
