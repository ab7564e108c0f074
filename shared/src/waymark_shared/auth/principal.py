"""Principals and grants: the platform-wide vocabulary of roles and their scopes.

A role is always held over a scope: an institution, a Careers Hub, a trust, a
provider, or the whole platform. What each role may do on each route is a service's
own policy; this module only says who holds what.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

CAREERS_LEADER = "careers_leader"
SENIOR_LEADER = "senior_leader"
GOVERNOR = "governor"
CAREERS_ADVISER = "careers_adviser"
HUB_LEAD = "hub_lead"
TRUST_LEAD = "trust_lead"
PROVIDER_EDITOR = "provider_editor"
ADMIN = "admin"
# Held only through an Ofsted share link: the Ofsted pack of one institution, read-only.
OFSTED_VIEWER = "ofsted_viewer"
# Held by an API client over the institution (or hub) it acts for.
API_CLIENT = "api_client"

INSTITUTION = "institution"
HUB = "hub"
TRUST = "trust"
PROVIDER = "provider"
PLATFORM = "platform"

ROLE_SCOPES = {
    CAREERS_LEADER: INSTITUTION,
    SENIOR_LEADER: INSTITUTION,
    GOVERNOR: INSTITUTION,
    CAREERS_ADVISER: INSTITUTION,
    HUB_LEAD: HUB,
    TRUST_LEAD: TRUST,
    PROVIDER_EDITOR: PROVIDER,
    ADMIN: PLATFORM,
    OFSTED_VIEWER: INSTITUTION,
    API_CLIENT: INSTITUTION,
}
ROLE_TITLES = {
    CAREERS_LEADER: "Careers leader",
    SENIOR_LEADER: "Senior leader",
    GOVERNOR: "Governor",
    CAREERS_ADVISER: "Careers adviser",
    HUB_LEAD: "Careers Hub lead or enterprise coordinator",
    TRUST_LEAD: "Trust lead",
    PROVIDER_EDITOR: "Provider editor",
    ADMIN: "Platform administrator",
    OFSTED_VIEWER: "Ofsted inspector (share link)",
    API_CLIENT: "API client",
}
INSTITUTION_ROLES = (CAREERS_LEADER, SENIOR_LEADER, GOVERNOR, CAREERS_ADVISER)

# OAuth scopes an API client may be given; each service checks the ones for its routes.
API_SCOPES = {
    "institutions:read": "Read institution details",
    "roster:read": "Read the learner roster (pseudonymous ids, year and form groups)",
    "roster:write": "Import the learner roster",
    "providers:read": "Search activity providers",
    "audit:read": "Read evaluations and results",
    "planner:read": "Read the careers plan and activity log",
    "planner:write": "Log activities and participation",
    "destinations:read": "Read destinations",
    "destinations:write": "Record destinations",
    "reporting:read": "Read reports",
}
OFSTED_PACK_SCOPE = "ofsted_pack:read"

PERSON = "person"
CLIENT = "client"
SHARE_LINK = "share_link"


@dataclass(frozen=True, order=True)
class Grant:
    """``role`` held over ``scope_type`` ``scope_id`` (``None`` for the platform)."""

    role: str
    scope_type: str
    scope_id: str | None = None

    def as_claim(self) -> list[str | None]:
        return [self.role, self.scope_type, self.scope_id]

    @classmethod
    def from_claim(cls, claim: Iterable[str | None]) -> Grant:
        role, scope_type, scope_id = claim
        return cls(str(role), str(scope_type), None if scope_id is None else str(scope_id))


@dataclass(frozen=True)
class Principal:
    """A person, an API client or an Ofsted share link, with what it holds.

    ``scopes`` are OAuth scopes: what an API client or a share link may do at all,
    whatever its grants (empty for people, who are limited by their roles alone).
    """

    subject: str
    kind: str = PERSON
    name: str = ""
    email: str | None = None
    grants: tuple[Grant, ...] = ()
    scopes: frozenset[str] = field(default_factory=frozenset)
    session_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return any(grant.role == ADMIN for grant in self.grants)

    def has_role(self, *roles: str, scope_type: str | None = None, scope_id: str | None = None) -> bool:
        """Whether any grant is one of ``roles`` (any role if none given) over the scope."""
        return any(self._matches(grant, roles, scope_type, scope_id) for grant in self.grants)

    def scope_ids(self, scope_type: str, *roles: str) -> set[str]:
        """The ids of every ``scope_type`` scope over which one of ``roles`` is held."""
        return {
            grant.scope_id
            for grant in self.grants
            if grant.scope_type == scope_type and grant.scope_id and (not roles or grant.role in roles)
        }

    def allows(self, scope: str) -> bool:
        """Whether the principal's OAuth scopes admit ``scope`` (people: always)."""
        return self.kind == PERSON or scope in self.scopes

    @staticmethod
    def _matches(grant: Grant, roles: tuple[str, ...], scope_type: str | None, scope_id: str | None) -> bool:
        if roles and grant.role not in roles:
            return False
        if scope_type is not None and grant.scope_type != scope_type:
            return False
        return scope_id is None or grant.scope_id == scope_id
