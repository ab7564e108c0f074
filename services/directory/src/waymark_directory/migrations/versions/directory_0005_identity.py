"""Directory: accounts, role grants and requests, invitations, sign-in failures, API
clients, signing keys, Ofsted share links and their uses.

Revision ID: directory_0005
Revises: directory_0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from waymark_shared.db.types import UtcDateTime

revision = "directory_0005"
down_revision = "directory_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("account_id", sa.String(36), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("session_epoch", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "role_grants",
        sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.account_id"), primary_key=True),
        sa.Column("role", sa.String(40), primary_key=True),
        sa.Column("scope_type", sa.String(20), primary_key=True),
        sa.Column("scope_id", sa.String(200), primary_key=True),
        sa.Column("administrator", sa.Boolean, nullable=False),
        sa.Column("granted_at", UtcDateTime, nullable=False),
        sa.Column("granted_by", sa.String(36)),
    )
    op.create_index("ix_role_grants_scope", "role_grants", ["scope_type", "scope_id"])
    op.create_table(
        "institution_administrators",
        sa.Column("institution_id", sa.String(36), primary_key=True),
        sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.account_id"), nullable=False),
    )
    op.create_table(
        "role_requests",
        sa.Column("request_id", sa.String(36), primary_key=True),
        sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.account_id"), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("scope_type", sa.String(20), nullable=False),
        sa.Column("scope_id", sa.String(200), nullable=False),
        sa.Column("requested_at", UtcDateTime, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(36)),
        sa.Column("decided_at", UtcDateTime),
        sa.Column("reason", sa.String(500)),
    )
    op.create_index("ix_role_requests_scope", "role_requests", ["scope_type", "scope_id", "status"])
    op.create_table(
        "invitations",
        sa.Column("invitation_id", sa.String(36), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("scope_type", sa.String(20), nullable=False),
        sa.Column("scope_id", sa.String(200), nullable=False),
        sa.Column("invited_by", sa.String(36), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.Column("accepted_at", UtcDateTime),
        sa.Column("accepted_by", sa.String(36)),
    )
    op.create_table(
        "sign_in_failures",
        sa.Column("failure_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("client_address", sa.String(64), nullable=False),
        sa.Column("failed_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_sign_in_failures_email", "sign_in_failures", ["email", "failed_at"])
    op.create_index("ix_sign_in_failures_address", "sign_in_failures", ["client_address", "failed_at"])
    op.create_table(
        "api_clients",
        sa.Column("client_id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("scopes", sa.Text, nullable=False),
        sa.Column("institution_id", sa.String(36), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("revoked_at", UtcDateTime),
    )
    op.create_index("ix_api_clients_institution", "api_clients", ["institution_id"])
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(32), primary_key=True),
        sa.Column("private_pem", sa.Text, nullable=False),
        sa.Column("public_jwk", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("retired_at", UtcDateTime),
    )
    op.create_table(
        "share_links",
        sa.Column("link_id", sa.String(36), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("institution_id", sa.String(36), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.Column("revoked_at", UtcDateTime),
        sa.Column("revoked_by", sa.String(36)),
        sa.Column("note", sa.String(200)),
    )
    op.create_index("ix_share_links_institution", "share_links", ["institution_id"])
    op.create_table(
        "share_link_uses",
        sa.Column("use_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("link_id", sa.String(36), sa.ForeignKey("share_links.link_id"), nullable=False),
        sa.Column("used_at", UtcDateTime, nullable=False),
        sa.Column("client_address", sa.String(64), nullable=False),
        sa.Column("user_agent", sa.String(300), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "share_link_uses",
        "share_links",
        "signing_keys",
        "api_clients",
        "sign_in_failures",
        "invitations",
        "role_requests",
        "institution_administrators",
        "role_grants",
        "accounts",
    ):
        op.drop_table(table)
