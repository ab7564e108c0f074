"""Directory: activity providers (every provider, and the published ones for search).

Revision ID: directory_0004
Revises: directory_0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "directory_0004"
down_revision = "directory_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "providers",
        sa.Column("provider_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("provider_type", sa.String(30), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("postcode", sa.String(8)),
        sa.Column("national", sa.Boolean, nullable=False),
        sa.Column("submitted_by", sa.String(100)),
        sa.Column("rejection_reason", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_providers_status", "providers", ["status", "name"])
    op.create_index("ix_providers_submitted_by", "providers", ["submitted_by"])
    op.create_table(
        "provider_search",
        sa.Column("provider_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("summary", sa.String(300), nullable=False),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.Column("provider_type", sa.String(30), nullable=False),
        sa.Column("cost", sa.String(4), nullable=False),
        sa.Column("price_band", sa.String(20)),
        sa.Column("delivery", sa.Integer, nullable=False),
        sa.Column("benchmarks", sa.Integer, nullable=False),
        sa.Column("key_stages", sa.Integer, nullable=False),
        sa.Column("subjects", sa.BigInteger, nullable=False),
        sa.Column("send_suitable", sa.Boolean, nullable=False),
        sa.Column("national", sa.Boolean, nullable=False),
        sa.Column("postcode", sa.String(8)),
        sa.Column("easting", sa.Float),
        sa.Column("northing", sa.Float),
        sa.Column("grid_x", sa.Integer),
        sa.Column("radius_m", sa.Float),
    )
    # Covering indexes (see adapters/provider_tables.py): candidates judged from the index.
    filtered = ["benchmarks", "key_stages", "subjects", "delivery", "send_suitable", "cost", "provider_type"]
    op.create_index(
        "ix_provider_search_grid",
        "provider_search",
        ["grid_x", "northing", "easting", "national", "radius_m", *filtered, "name", "provider_id"],
    )
    op.create_index(
        "ix_provider_search_national", "provider_search", ["national", *filtered, "name", "provider_id"]
    )


def downgrade() -> None:
    op.drop_table("provider_search")
    op.drop_table("providers")
