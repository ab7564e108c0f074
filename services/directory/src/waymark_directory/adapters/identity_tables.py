"""Identity tables: credentials, role grants, invitations, API clients, keys, share links.

Accounts (email, name, password hash) are kept here and never in events: they are
the staff member's personal data and credentials. What an account may do is event
sourced (``RoleRequested`` / ``RoleGranted`` / ``RoleRevoked`` …); ``role_grants`` and
``role_requests`` are projected inline from those events in the same transaction.
Secrets (passwords, client secrets, invitation and share tokens) are stored only as
hashes.
"""

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from waymark_directory.adapters.tables import metadata
from waymark_shared.db.types import UtcDateTime

accounts = Table(
    "accounts",
    metadata,
    Column("account_id", String(36), primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("password_hash", String(200), nullable=False),
    # Raised by "sign out everywhere": sessions carrying an older epoch are void.
    Column("session_epoch", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

role_grants = Table(
    "role_grants",
    metadata,
    Column("account_id", String(36), ForeignKey("accounts.account_id"), primary_key=True),
    Column("role", String(40), primary_key=True),
    Column("scope_type", String(20), primary_key=True),
    # "" for platform-wide roles, so the key stays non-null on every backend.
    Column("scope_id", String(200), primary_key=True),
    Column("administrator", Boolean, nullable=False),
    Column("granted_at", UtcDateTime, nullable=False),
    Column("granted_by", String(36)),
    Index("ix_role_grants_scope", "scope_type", "scope_id"),
)

# One row per institution: its administrator, reserved in the transaction that grants
# the first careers leader, so two "first" careers leaders cannot both win.
institution_administrators = Table(
    "institution_administrators",
    metadata,
    Column("institution_id", String(36), primary_key=True),
    Column("account_id", String(36), ForeignKey("accounts.account_id"), nullable=False),
)

role_requests = Table(
    "role_requests",
    metadata,
    Column("request_id", String(36), primary_key=True),
    Column("account_id", String(36), ForeignKey("accounts.account_id"), nullable=False),
    Column("role", String(40), nullable=False),
    Column("scope_type", String(20), nullable=False),
    Column("scope_id", String(200), nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("status", String(20), nullable=False),  # pending, granted, declined
    Column("decided_by", String(36)),
    Column("decided_at", UtcDateTime),
    Column("reason", String(500)),
    Index("ix_role_requests_scope", "scope_type", "scope_id", "status"),
)

invitations = Table(
    "invitations",
    metadata,
    Column("invitation_id", String(36), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("email", String(254), nullable=False),
    Column("role", String(40), nullable=False),
    Column("scope_type", String(20), nullable=False),
    Column("scope_id", String(200), nullable=False),
    Column("invited_by", String(36), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("accepted_at", UtcDateTime),
    Column("accepted_by", String(36)),
)

sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("failure_id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False),
    Column("client_address", String(64), nullable=False),
    Column("failed_at", UtcDateTime, nullable=False),
    Index("ix_sign_in_failures_email", "email", "failed_at"),
    Index("ix_sign_in_failures_address", "client_address", "failed_at"),
)

api_clients = Table(
    "api_clients",
    metadata,
    Column("client_id", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("secret_hash", String(64), nullable=False),
    Column("scopes", Text, nullable=False),  # space-separated OAuth scopes
    Column("institution_id", String(36), nullable=False),
    Column("created_by", String(36), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
    Index("ix_api_clients_institution", "institution_id"),
)

signing_keys = Table(
    "signing_keys",
    metadata,
    Column("kid", String(32), primary_key=True),
    Column("private_pem", Text, nullable=False),
    Column("public_jwk", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("retired_at", UtcDateTime),
)

share_links = Table(
    "share_links",
    metadata,
    Column("link_id", String(36), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("institution_id", String(36), nullable=False),
    Column("created_by", String(36), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
    Column("revoked_by", String(36)),
    Column("note", String(200)),
    Index("ix_share_links_institution", "institution_id"),
)

share_link_uses = Table(
    "share_link_uses",
    metadata,
    Column("use_id", Integer, primary_key=True, autoincrement=True),
    Column("link_id", String(36), ForeignKey("share_links.link_id"), nullable=False),
    Column("used_at", UtcDateTime, nullable=False),
    Column("client_address", String(64), nullable=False),
    Column("user_agent", String(300), nullable=False),
)
