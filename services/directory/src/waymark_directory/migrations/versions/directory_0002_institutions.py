"""Directory: the full institution record (ages, hub, trust, website, status) and GIAS imports.

Revision ID: directory_0002
Revises: directory_0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "directory_0002"
down_revision = "directory_0001"
branch_labels = None
depends_on = None

INDEXES = ("region", "local_authority", "careers_hub", "trust", "name")


def upgrade() -> None:
    with op.batch_alter_table("institutions") as batch:
        batch.add_column(sa.Column("local_authority_code", sa.String(9)))
        batch.add_column(sa.Column("careers_hub", sa.String(200)))
        batch.add_column(sa.Column("trust", sa.String(200)))
        batch.add_column(sa.Column("low_age", sa.Integer))
        batch.add_column(sa.Column("high_age", sa.Integer))
        batch.add_column(sa.Column("website", sa.String(300)))
        batch.add_column(sa.Column("status", sa.String(10), nullable=False, server_default=sa.text("'open'")))
        batch.add_column(sa.Column("closed_on", sa.String(10)))
        batch.add_column(sa.Column("closed_reason", sa.String(500)))
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")))
    for column in INDEXES:
        op.create_index(f"ix_institutions_{column}", "institutions", [column])
    op.create_table(
        "institution_imports",
        sa.Column("import_id", sa.String(36), primary_key=True),
        sa.Column("filename", sa.String(255)),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(100)),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("registered", sa.Integer, nullable=False),
        sa.Column("updated", sa.Integer, nullable=False),
        sa.Column("closed", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
        sa.Column("skipped", sa.Integer, nullable=False),
        sa.Column("error_count", sa.Integer, nullable=False),
        sa.Column("report", sa.Text, nullable=False),
    )
    op.create_index("ix_institution_imports_started_at", "institution_imports", ["started_at"])


def downgrade() -> None:
    op.drop_index("ix_institution_imports_started_at", "institution_imports")
    op.drop_table("institution_imports")
    for column in INDEXES:
        op.drop_index(f"ix_institutions_{column}", "institutions")
    with op.batch_alter_table("institutions") as batch:
        for column in (
            "version", "closed_reason", "closed_on", "status", "website",
            "high_age", "low_age", "trust", "careers_hub", "local_authority_code",
        ):  # fmt: skip
            batch.drop_column(column)
