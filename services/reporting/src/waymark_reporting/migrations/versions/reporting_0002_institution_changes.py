"""Reporting: institutions follow directory's updates and closures, and carry the local
authority code, Careers Hub and trust for roll-ups.

Rows projected before this revision lack the new fields and the updates and closures
reporting did not handle then, so the revision empties the read model and the
``reporting`` subscription's positions and parked events: the subscription rebuilds
the read model from the start of directory's log, as ``waymark replay reporting`` does.

Revision ID: reporting_0002
Revises: reporting_0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "reporting_0002"
down_revision = "reporting_0001"
branch_labels = None
depends_on = None

SUBSCRIPTION = "reporting"
NEW_COLUMNS = ("stream_version", "closed_on", "status", "trust", "careers_hub", "local_authority_code")


def _rebuild_from_the_start() -> None:
    op.execute("DELETE FROM institutions")
    for table in ("subscription_positions", "parked_events"):
        op.execute(sa.text(f"DELETE FROM {table} WHERE subscription = :name").bindparams(name=SUBSCRIPTION))


def upgrade() -> None:
    _rebuild_from_the_start()
    with op.batch_alter_table("institutions") as batch:
        batch.add_column(sa.Column("local_authority_code", sa.String(9)))
        batch.add_column(sa.Column("careers_hub", sa.String(200)))
        batch.add_column(sa.Column("trust", sa.String(200)))
        batch.add_column(sa.Column("status", sa.String(10), nullable=False, server_default=sa.text("'open'")))
        batch.add_column(sa.Column("closed_on", sa.String(10)))
        batch.add_column(sa.Column("stream_version", sa.Integer, nullable=False, server_default=sa.text("0")))


def downgrade() -> None:
    # Closures and updates applied since cannot be told apart from registrations: rebuild.
    _rebuild_from_the_start()
    with op.batch_alter_table("institutions") as batch:
        for column in NEW_COLUMNS:
            batch.drop_column(column)
