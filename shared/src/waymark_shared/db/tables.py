"""The backbone tables every service database has, beside the service's own.

``events`` is the service's event store and its outbox; ``relay_checkpoints`` records
how far the relay has published it; ``subscription_positions`` and ``parked_events``
belong to the service's consumers. Created by the ``backbone`` Alembic branch.
"""

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# SQLite only aliases the rowid (and so numbers rows itself) for INTEGER PRIMARY KEY.
Position = BigInteger().with_variant(Integer(), "sqlite")

events = Table(
    "events",
    metadata,
    Column("position", Position, primary_key=True, autoincrement=True),
    Column("commit_id", BigInteger, nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("stream_id", String(200), nullable=False),
    Column("stream_version", Integer, nullable=False),
    Column("type", String(200), nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("subject", String(100), nullable=False),
    Column("time", String(40), nullable=False),
    Column("data", Text, nullable=False),
    Column("correlation_id", String(64)),
    Column("causation_id", String(64)),
    Column("actor", String(200)),
    UniqueConstraint("stream_id", "stream_version", name="uq_events_stream_version"),
    UniqueConstraint("event_id", name="uq_events_event_id"),
    # Created on PostgreSQL only (see the backbone migration).
    Index("ix_events_commit_position", "commit_id", "position", info={"dialects": ("postgresql",)}).ddl_if(
        dialect="postgresql"
    ),
)

relay_checkpoints = Table(
    "relay_checkpoints",
    metadata,
    Column("topic", String(200), primary_key=True),
    Column("commit_id", BigInteger, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("updated_at", String(40), nullable=False),
)

subscription_positions = Table(
    "subscription_positions",
    metadata,
    Column("subscription", String(100), primary_key=True),
    Column("source", String(200), primary_key=True),
    Column("partition", Integer, primary_key=True),
    Column("commit_id", BigInteger, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("kafka_offset", BigInteger),
    Column("updated_at", String(40), nullable=False),
)

parked_events = Table(
    "parked_events",
    metadata,
    Column("subscription", String(100), primary_key=True),
    Column("event_id", String(36), primary_key=True),
    Column("source", String(200), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("subject", String(100), nullable=False),
    Column("envelope", Text, nullable=False),
    Column("error", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("parked_at", String(40), nullable=False),
    Column("last_attempt_at", String(40), nullable=False),
)
