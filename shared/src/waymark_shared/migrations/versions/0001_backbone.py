"""Backbone tables: the event store, relay checkpoints, subscription positions, parked events.

Revision ID: backbone_0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "backbone_0001"
down_revision = None
branch_labels = ("backbone",)
depends_on = None

Position = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("position", Position, primary_key=True, autoincrement=True),
        sa.Column("commit_id", sa.BigInteger, nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("stream_id", sa.String(200), nullable=False),
        sa.Column("stream_version", sa.Integer, nullable=False),
        sa.Column("type", sa.String(200), nullable=False),
        sa.Column("schema_version", sa.Integer, nullable=False),
        sa.Column("subject", sa.String(100), nullable=False),
        sa.Column("time", sa.String(40), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("correlation_id", sa.String(64)),
        sa.Column("causation_id", sa.String(64)),
        sa.Column("actor", sa.String(200)),
        sa.UniqueConstraint("stream_id", "stream_version", name="uq_events_stream_version"),
        sa.UniqueConstraint("event_id", name="uq_events_event_id"),
    )
    # Only PostgreSQL reads in (commit_id, position) order; on SQLite commit_id is always
    # 0 and the rowid (position) is the log order, so the index would only cost writes.
    if op.get_context().dialect.name == "postgresql":
        op.create_index("ix_events_commit_position", "events", ["commit_id", "position"])
    op.create_table(
        "relay_checkpoints",
        sa.Column("topic", sa.String(200), primary_key=True),
        sa.Column("commit_id", sa.BigInteger, nullable=False),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "subscription_positions",
        sa.Column("subscription", sa.String(100), primary_key=True),
        sa.Column("source", sa.String(200), primary_key=True),
        sa.Column("partition", sa.Integer, primary_key=True),
        sa.Column("commit_id", sa.BigInteger, nullable=False),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column("kafka_offset", sa.BigInteger),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "parked_events",
        sa.Column("subscription", sa.String(100), primary_key=True),
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(100), nullable=False),
        sa.Column("envelope", sa.Text, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("parked_at", sa.String(40), nullable=False),
        sa.Column("last_attempt_at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    for table in ("parked_events", "subscription_positions", "relay_checkpoints", "events"):
        op.drop_table(table)
