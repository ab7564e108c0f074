"""Destinations: its copies of directory's institutions and learners, the learners'
current destinations and consent, the free text kept beside them, and imports.

Revision ID: destinations_0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "destinations_0001"
down_revision = None
branch_labels = ("destinations",)
depends_on = ("backbone_0001",)

SUBSCRIPTIONS = ("destinations-institutions", "destinations-roster")


def upgrade() -> None:
    op.create_table(
        "institutions",
        sa.Column("institution_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("institution_type", sa.String(40), nullable=False),
        sa.Column("status", sa.String(10), nullable=False, server_default=sa.text("'open'")),
        sa.Column("careers_hub", sa.String(200)),
        sa.Column("trust", sa.String(200)),
        sa.Column("high_age", sa.Integer),
        sa.Column("stream_version", sa.Integer, nullable=False),
    )
    op.create_table(
        "learners",
        sa.Column("learner_id", sa.String(36), primary_key=True),
        sa.Column("institution_id", sa.String(36), nullable=False),
        sa.Column("year_group", sa.Integer),
        sa.Column("cohort", sa.String(7)),
        sa.Column("form_group", sa.String(20)),
        sa.Column("on_roll", sa.Boolean, nullable=False),
        sa.Column("leaving_date", sa.Date),
        sa.Column("stream_version", sa.Integer, nullable=False),
    )
    op.create_index("ix_learners_institution_cohort", "learners", ["institution_id", "cohort"])
    op.create_table(
        "destinations",
        sa.Column("learner_id", sa.String(36), primary_key=True),
        sa.Column("leaving_point", sa.String(8), primary_key=True),
        sa.Column("institution_id", sa.String(36), nullable=False),
        sa.Column("leaving_cohort", sa.String(7), nullable=False),
        sa.Column("intended_category", sa.String(40)),
        sa.Column("intended_on", sa.Date),
        sa.Column("category", sa.String(40)),
        sa.Column("start_date", sa.Date),
        sa.Column("source", sa.String(20)),
        sa.Column("evidence_date", sa.Date),
        sa.Column("september_guarantee", sa.String(30)),
        sa.Column("sustained", sa.String(20)),
        sa.Column("judged_from", sa.Date),
        sa.Column("period_ended", sa.Date),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_index(
        "ix_destinations_cohort", "destinations", ["institution_id", "leaving_point", "leaving_cohort"]
    )
    op.create_table(
        "consents",
        sa.Column("learner_id", sa.String(36), primary_key=True),
        sa.Column("institution_id", sa.String(36), nullable=False),
        sa.Column("consent", sa.String(10), nullable=False),
        sa.Column("given_by", sa.String(10), nullable=False),
        sa.Column("consent_date", sa.Date, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "destination_details",
        sa.Column("learner_id", sa.String(36), primary_key=True),
        sa.Column("stream_version", sa.Integer, primary_key=True),
        sa.Column("provider", sa.String(200)),
        sa.Column("notes", sa.String(2000)),
    )
    op.create_table(
        "destination_imports",
        sa.Column("import_id", sa.String(36), primary_key=True),
        sa.Column("institution_id", sa.String(36), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(200)),
        sa.Column("rows_total", sa.Integer, nullable=False),
        sa.Column("recorded", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
        sa.Column("rows_invalid", sa.Integer, nullable=False),
        sa.Column("errors", sa.JSON, nullable=False),
        sa.Column("imported_at", sa.String(40), nullable=False),
        sa.Column("imported_by", sa.String(200)),
    )
    op.create_index(
        "ix_destination_imports_institution", "destination_imports", ["institution_id", "imported_at"]
    )


def downgrade() -> None:
    for table in ("destination_imports", "destination_details", "consents", "destinations", "learners"):
        op.drop_table(table)
    op.drop_table("institutions")
    for name in SUBSCRIPTIONS:
        for table in ("subscription_positions", "parked_events"):
            op.execute(sa.text(f"DELETE FROM {table} WHERE subscription = :name").bindparams(name=name))
