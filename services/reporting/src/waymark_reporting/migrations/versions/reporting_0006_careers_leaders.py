"""Who holds the careers leader role at each institution (account ids only), from
directory's ``RoleGranted`` and ``RoleRevoked``. Empty until the ``reporting``
subscription next applies those events: ``waymark replay reporting`` fills it from
directory's whole log.

Revision ID: reporting_0006
Revises: reporting_0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "reporting_0006"
down_revision = "reporting_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "careers_leaders",
        sa.Column("institution_id", sa.String(36), primary_key=True),
        sa.Column("account_id", sa.String(36), primary_key=True),
        sa.Column("holds", sa.Boolean, nullable=False),
        sa.Column("stream_version", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("careers_leaders")
