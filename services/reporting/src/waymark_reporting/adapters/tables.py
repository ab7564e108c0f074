"""Reporting's read models. Everything here can be dropped and rebuilt from events."""

from sqlalchemy import Column, MetaData, String, Table

metadata = MetaData()

institutions = Table(
    "institutions",
    metadata,
    Column("institution_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("institution_type", String(40), nullable=False),
    Column("local_authority", String(100)),
    Column("region", String(100)),
    Column("registered_at", String(40), nullable=False),
)

READ_MODEL_TABLES = (institutions,)
