"""Directory: the learner roster (pseudonymous learners, personal data apart, imports).

Revision ID: directory_0003
Revises: directory_0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "directory_0003"
down_revision = "directory_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learners",
        sa.Column("learner_id", sa.String(36), primary_key=True),
        sa.Column("institution_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("year_group", sa.Integer, nullable=False),
        sa.Column("cohort", sa.String(7), nullable=False),
        sa.Column("form_group", sa.String(20)),
        sa.Column("sen_status", sa.String(1), nullable=False),
        sa.Column("disadvantaged", sa.Boolean, nullable=False),
        sa.Column("on_roll", sa.Boolean, nullable=False),
        sa.Column("leaving_date", sa.Date),
    )
    op.create_index("ix_learners_institution", "learners", ["institution_id", "year_group", "form_group"])
    op.create_table(
        "learner_personal_data",
        sa.Column("learner_id", sa.String(36), primary_key=True),
        sa.Column("institution_id", sa.String(36), nullable=False),
        sa.Column("upn", sa.String(13), nullable=False),
        sa.Column("legal_surname", sa.String(100), nullable=False),
        sa.Column("legal_forename", sa.String(100), nullable=False),
        sa.Column("preferred_surname", sa.String(100), nullable=False),
        sa.Column("preferred_forename", sa.String(100), nullable=False),
        sa.Column("date_of_birth", sa.Date, nullable=False),
        sa.UniqueConstraint("institution_id", "upn", name="uq_learner_personal_data_upn"),
    )
    op.create_table(
        "roster_imports",
        sa.Column("import_id", sa.String(36), primary_key=True),
        sa.Column("institution_id", sa.String(36), nullable=False),
        sa.Column("actor", sa.String(200)),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("file_name", sa.String(200)),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("import_valid_rows", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("rows_total", sa.Integer, nullable=False),
        sa.Column("rows_valid", sa.Integer, nullable=False),
        sa.Column("rows_invalid", sa.Integer, nullable=False),
        sa.Column("enrolled", sa.Integer, nullable=False),
        sa.Column("updated", sa.Integer, nullable=False),
        sa.Column("left", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
        sa.Column("events", sa.Integer, nullable=False),
        sa.Column("errors", sa.Text, nullable=False),
    )
    op.create_index("ix_roster_imports_institution", "roster_imports", ["institution_id", "imported_at"])


def downgrade() -> None:
    op.drop_index("ix_roster_imports_institution", table_name="roster_imports")
    op.drop_table("roster_imports")
    op.drop_table("learner_personal_data")
    op.drop_index("ix_learners_institution", table_name="learners")
    op.drop_table("learners")
