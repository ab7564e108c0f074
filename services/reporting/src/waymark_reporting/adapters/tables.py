"""Reporting's read models. Everything here can be dropped and rebuilt from events."""

from sqlalchemy import Column, Integer, MetaData, String, Table, text

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

READ_MODEL_TABLES = (institutions,)
