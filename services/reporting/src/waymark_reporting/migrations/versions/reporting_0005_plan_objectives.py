"""Plans keep their written objectives (from ``PlanCreated`` and
``PlanObjectivesChanged``), for the Ofsted pack's intent. Plans projected before this
have none until ``waymark replay reporting`` rebuilds the read models from the events.

Revision ID: reporting_0005
Revises: reporting_0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "reporting_0005"
down_revision = "reporting_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("objectives", sa.Text, nullable=False, server_default=sa.text("'[]'")))
        batch.add_column(
            sa.Column("objectives_version", sa.Integer, nullable=False, server_default=sa.text("0"))
        )


def downgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("objectives_version")
        batch.drop_column("objectives")
