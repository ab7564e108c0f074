"""Rules about staff, roles and signing in, free of storage and the web."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from waymark_shared.auth.principal import (
    ADMIN,
    CAREERS_LEADER,
    INSTITUTION,
    INSTITUTION_ROLES,
    PLATFORM,
    ROLE_SCOPES,
)

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
# The columns' lengths (PostgreSQL refuses anything longer, SQLite would keep it).
MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 200
MAX_SCOPE_ID_LENGTH = 200
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# After this many failed sign-ins for one email within the window, it is locked until
# the window has passed since the last failure; one address is limited more loosely.
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 30
FAILURE_WINDOW = timedelta(minutes=15)

INVITATION_LIFETIME = timedelta(days=7)
SHARE_LINK_LIFETIME = timedelta(days=14)
MAX_SHARE_LINK_LIFETIME = timedelta(days=90)

# Roles a platform administrator approves; institution roles are approved by the
# institution's administrator.
PLATFORM_APPROVED_ROLES = {role for role, scope in ROLE_SCOPES.items() if scope != INSTITUTION} - {
    "api_client"
}
REQUESTABLE_ROLES = (*INSTITUTION_ROLES, "hub_lead", "trust_lead")


class IdentityError(ValueError):
    """A request that breaks an identity rule; ``errors`` maps fields to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def normalise_email(email: str) -> str:
    return email.strip().lower()


def account_errors(email: str, name: str, password: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if len(normalise_email(email)) > MAX_EMAIL_LENGTH:
        errors["email"] = [f"An email address is at most {MAX_EMAIL_LENGTH} characters."]
    elif not EMAIL.match(normalise_email(email)):
        errors["email"] = ["Enter an email address in the correct format, like name@example.org."]
    if not name.strip():
        errors["name"] = ["Enter your full name."]
    elif len(name.strip()) > MAX_NAME_LENGTH:
        errors["name"] = [f"Your name must be {MAX_NAME_LENGTH} characters or fewer."]
    errors.update(password_errors(password, email))
    return errors


def password_errors(password: str, email: str = "") -> dict[str, list[str]]:
    """NCSC-style: long rather than complex; not the email address."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return {"password": [f"Your password must be at least {MIN_PASSWORD_LENGTH} characters."]}
    if len(password) > MAX_PASSWORD_LENGTH:
        return {"password": [f"Your password must be {MAX_PASSWORD_LENGTH} characters or fewer."]}
    if email and normalise_email(email) in password.lower():
        return {"password": ["Your password must not contain your email address."]}
    return {}


def scope_type_for(role: str) -> str:
    try:
        return ROLE_SCOPES[role]
    except KeyError:
        raise IdentityError({"role": ["Choose a role from the list."]}) from None


def role_request_errors(role: str, scope_id: str | None) -> dict[str, list[str]]:
    if role not in REQUESTABLE_ROLES:
        return {"role": ["Choose a role from the list."]}
    if not (scope_id or "").strip():
        noun = {"hub_lead": "Careers Hub", "trust_lead": "trust"}.get(role, "institution")
        return {"scope_id": [f"Choose the {noun} you work for."]}
    if len((scope_id or "").strip()) > MAX_SCOPE_ID_LENGTH:
        return {"scope_id": [f"The name must be {MAX_SCOPE_ID_LENGTH} characters or fewer."]}
    return {}


def approved_automatically(role: str, scope_type: str, institution_has_administrator: bool) -> bool:
    """The first careers leader of an institution becomes its administrator at once,
    as in Compass; everyone else waits for approval."""
    return role == CAREERS_LEADER and scope_type == INSTITUTION and not institution_has_administrator


def approver_kind(role: str) -> str:
    """Who decides a request for ``role``: ``"institution"`` or ``"platform"``."""
    return PLATFORM if role in PLATFORM_APPROVED_ROLES or role == ADMIN else INSTITUTION


@dataclass(frozen=True)
class Lockout:
    locked: bool
    until: datetime | None = None


def lockout(failures: list[datetime], now: datetime, limit: int = MAX_FAILURES_PER_ACCOUNT) -> Lockout:
    """Locked while ``limit`` failures fall within the window before ``now``."""
    recent = sorted(at for at in failures if now - at < FAILURE_WINDOW)
    if len(recent) < limit:
        return Lockout(False)
    return Lockout(True, recent[-1] + FAILURE_WINDOW)


def share_link_expiry(now: datetime, days: int | None) -> datetime:
    lifetime = SHARE_LINK_LIFETIME if days is None else timedelta(days=days)
    if lifetime <= timedelta(0) or lifetime > MAX_SHARE_LINK_LIFETIME:
        raise IdentityError({"days": [f"Choose between 1 and {MAX_SHARE_LINK_LIFETIME.days} days."]})
    return now + lifetime
