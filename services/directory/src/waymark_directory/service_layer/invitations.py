"""Invitations: a link emailed to someone that creates their account holding a role,
or adds the role to the account they already have (after its password is checked).

An invitation is a row in ``invitations`` (only the token's digest is kept) and a
``StaffInvited`` event on ``invitation-<id>``; accepting it grants the role through
``staff.grant_in``, in the transaction that marks it used, so a link works once.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select, update

from waymark_directory.adapters.email import compose, email_sender
from waymark_directory.adapters.identity_tables import accounts, invitations
from waymark_directory.adapters.passwords import new_token, token_digest
from waymark_directory.domain.accounts import (
    INVITATION_LIFETIME,
    IdentityError,
    account_errors,
    normalise_email,
    scope_type_for,
)
from waymark_directory.domain.identity_events import StaffInvited
from waymark_directory.service_layer.recording import record
from waymark_directory.service_layer.signing_in import SignInRefused, authenticate
from waymark_directory.service_layer.staff import (
    NotFound,
    create_account,
    grant_in,
    institution_exists,
    scope_label,
    subject_for,
)
from waymark_shared.auth.principal import INSTITUTION, ROLE_TITLES
from waymark_shared.service import ServiceRuntime


def invite(
    runtime: ServiceRuntime,
    *,
    email: str,
    role: str,
    scope_id: str | None,
    invited_by: str,
    inviter_name: str,
    now: datetime | None = None,
) -> str:
    """Email a link that creates an account holding ``role``; returns the link token."""
    now = now or datetime.now(UTC)
    address = normalise_email(email)
    errors = account_errors(address, "-", "x" * 64)
    errors.pop("name", None)
    errors.pop("password", None)
    scope_type = scope_type_for(role)
    if errors:
        raise IdentityError(errors)
    token = new_token()
    invitation_id = str(uuid.uuid4())
    expires_at = now + INVITATION_LIFETIME
    with runtime.engine.begin() as conn:
        if scope_type == INSTITUTION and not institution_exists(conn, scope_id or ""):
            raise IdentityError({"scope_id": ["Choose an institution registered with Waymark."]})
        conn.execute(
            invitations.insert().values(
                invitation_id=invitation_id,
                token_hash=token_digest(token),
                email=address,
                role=role,
                scope_type=scope_type,
                scope_id=scope_id or "",
                invited_by=invited_by,
                created_at=now,
                expires_at=expires_at,
            )
        )
        event = StaffInvited(invitation_id, role, scope_type, scope_id, invited_by, expires_at.isoformat())
        record(runtime, conn, f"invitation-{invitation_id}", subject_for(scope_type, scope_id), [event])
        where = scope_label(conn, scope_type, scope_id)
    link = f"{runtime.settings.public_url}/directory/invitations/{token}"
    body = (
        f"{inviter_name} has invited you to join Waymark as {ROLE_TITLES[role].lower()} for {where}.\n\n"
        f"Accept the invitation and choose a password:\n{link}\n\n"
        f"The link works once and expires on {expires_at:%d %B %Y}."
    )
    email_sender(runtime.settings).send(
        compose(runtime.settings, address, "You are invited to Waymark", body)
    )
    return token


def invitation_for(runtime: ServiceRuntime, token: str, now: datetime | None = None) -> dict | None:
    now = now or datetime.now(UTC)
    with runtime.engine.connect() as conn:
        row = conn.execute(select(invitations).where(invitations.c.token_hash == token_digest(token))).first()
    if row is None or row.accepted_at is not None or row.expires_at <= now:
        return None
    return dict(row._mapping)


def accept_invitation(
    runtime: ServiceRuntime,
    token: str,
    *,
    name: str,
    password: str,
    client_address: str = "invitation",
    now: datetime | None = None,
) -> str:
    """Create the invited account (or, for an existing one, check its password) and
    grant the role. Returns the account id.

    An existing account's password is checked as signing in checks it, failures and
    lockout included: otherwise the invitation page would be a way to guess it freely.
    """
    now = now or datetime.now(UTC)
    invitation = invitation_for(runtime, token, now)
    if invitation is None:
        raise NotFound("invitation")
    verified: str | None = None
    if _account_id_for(runtime, invitation["email"]) is not None:
        try:
            verified = authenticate(
                runtime, invitation["email"], password, client_address, now=now
            ).account_id
        except SignInRefused as refused:
            message = (
                f"Too many failed attempts. Try again after {refused.locked_until:%H:%M} (UTC)."
                if refused.locked_until
                else "You already have an account: enter its password."
            )
            raise IdentityError({"password": [message]}) from None
    with runtime.engine.begin() as conn:
        existing = conn.execute(select(accounts).where(accounts.c.email == invitation["email"])).first()
        if existing is None:
            account_id = create_account(runtime, conn, invitation["email"], name, password, now=now)
        elif existing.account_id == verified:
            account_id = existing.account_id
        else:  # created since the check above: its password has not been checked
            raise IdentityError({"password": ["You already have an account: enter its password."]})
        claimed = conn.execute(
            update(invitations)
            .where(
                invitations.c.invitation_id == invitation["invitation_id"],
                invitations.c.accepted_at.is_(None),
            )
            .values(accepted_at=now, accepted_by=account_id)
        )
        if claimed.rowcount != 1:
            raise NotFound("invitation")
        grant_in(
            runtime,
            conn,
            account_id,
            invitation["role"],
            invitation["scope_id"] or None,
            granted_by=invitation["invited_by"],
            now=now,
        )
    return account_id


def _account_id_for(runtime: ServiceRuntime, email: str) -> str | None:
    with runtime.engine.connect() as conn:
        return conn.execute(select(accounts.c.account_id).where(accounts.c.email == email)).scalar()
