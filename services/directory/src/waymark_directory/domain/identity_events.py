"""Identity events: who holds which role, invitations, API clients, share links.

None of them carries an email address, a name or a secret: staff are named by their
account id, and credentials stay in directory's tables.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RoleRequested:
    request_id: str
    account_id: str
    role: str
    scope_type: str
    scope_id: str | None


@dataclass(frozen=True)
class RoleGranted:
    account_id: str
    role: str
    scope_type: str
    scope_id: str | None
    granted_by: str | None
    administrator: bool = False
    request_id: str | None = None


@dataclass(frozen=True)
class RoleRequestDeclined:
    request_id: str
    account_id: str
    role: str
    scope_type: str
    scope_id: str | None
    declined_by: str
    reason: str | None = None


@dataclass(frozen=True)
class RoleRevoked:
    account_id: str
    role: str
    scope_type: str
    scope_id: str | None
    revoked_by: str


@dataclass(frozen=True)
class StaffInvited:
    invitation_id: str
    role: str
    scope_type: str
    scope_id: str | None
    invited_by: str
    expires_at: str


@dataclass(frozen=True)
class ApiClientRegistered:
    client_id: str
    name: str
    institution_id: str
    scopes: tuple[str, ...]
    registered_by: str


@dataclass(frozen=True)
class ApiClientRevoked:
    client_id: str
    institution_id: str
    revoked_by: str


@dataclass(frozen=True)
class OfstedShareLinkCreated:
    link_id: str
    institution_id: str
    expires_at: str
    created_by: str


@dataclass(frozen=True)
class OfstedShareLinkRevoked:
    link_id: str
    institution_id: str
    revoked_by: str


@dataclass(frozen=True)
class OfstedShareLinkUsed:
    link_id: str
    institution_id: str
    used_at: str
