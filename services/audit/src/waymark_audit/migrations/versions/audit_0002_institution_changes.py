"""Audit: institutions follow directory's updates (a new type, a new evaluation type)
and closures.

Rows copied before this revision missed the updates and closures audit did not handle
then, so the revision empties ``institutions`` and the ``audit`` subscription's
positions and parked events: the subscription rebuilds the table from the start of
directory's log, as ``waymark replay audit`` does. (``institutions`` holds only what
directory's events say; nothing audit records itself is lost.)

Revision ID: audit_0002
Revises: audit_0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "audit_0002"
down_revision = "audit_0001"
branch_labels = None
depends_on = None

SUBSCRIPTION = "audit"
NEW_COLUMNS = ("stream_version", "closed_on", "status")


def _rebuild_from_the_start() -> None:
    op.execute("DELETE FROM institutions")
    for table in ("subscription_positions", "parked_events"):
        op.execute(sa.text(f"DELETE FROM {table} WHERE subscription = :name").bindparams(name=SUBSCRIPTION))


def upgrade() -> None:
    _rebuild_from_the_start()
    with op.batch_alter_table("institutions") as batch:
        batch.add_column(sa.Column("status", sa.String(10), nullable=False, server_default=sa.text("'open'")))
        batch.add_column(sa.Column("closed_on", sa.String(10)))
        batch.add_column(sa.Column("stream_version", sa.Integer, nullable=False, server_default=sa.text("0")))


def downgrade() -> None:
    _rebuild_from_the_start()
    with op.batch_alter_table("institutions") as batch:
        for column in NEW_COLUMNS:
            batch.drop_column(column)
