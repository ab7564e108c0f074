"""Directory: institution identifiers and the institutions list.

Revision ID: directory_0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "directory_0001"
down_revision = None
branch_labels = ("directory",)
depends_on = ("backbone_0001",)


def upgrade() -> None:
    op.create_table(
        "institution_identifiers",
        sa.Column("scheme", sa.String(10), primary_key=True),
        sa.Column("identifier", sa.String(20), primary_key=True),
        sa.Column("institution_id", sa.String(36), nullable=False),
    )
    op.create_table(
        "institutions",
        sa.Column("institution_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("institution_type", sa.String(40), nullable=False),
        sa.Column("urn", sa.String(6)),
        sa.Column("ukprn", sa.String(8)),
        sa.Column("local_authority", sa.String(100)),
        sa.Column("region", sa.String(100)),
        sa.Column("postcode", sa.String(10)),
    )


def downgrade() -> None:
    op.drop_table("institutions")
    op.drop_table("institution_identifiers")
