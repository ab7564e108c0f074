"""Directory's policy: what each role may do, over which scope.

Every route asks one of these before it reads or writes. Pupil-level data (the
roster) is seen only by staff of the learner's own institution; hub and trust leads
see institution details and aggregates, never learners; platform administrators run
the directory (institutions, moderation, hub and trust roles) but do not read rosters.
"""

from __future__ import annotations

from dataclasses import dataclass

from waymark_shared.auth import (
    ADMIN,
    API_CLIENT,
    CAREERS_ADVISER,
    CAREERS_LEADER,
    GOVERNOR,
    HUB_LEAD,
    PROVIDER_EDITOR,
    SENIOR_LEADER,
    TRUST_LEAD,
    Principal,
)
from waymark_shared.auth.principal import HUB, INSTITUTION, PROVIDER, TRUST

STAFF_ROLES = (CAREERS_LEADER, SENIOR_LEADER, GOVERNOR, CAREERS_ADVISER)


@dataclass(frozen=True)
class InstitutionScope:
    """What decides who may see an institution: itself, its Careers Hub and its trust."""

    institution_id: str
    careers_hub: str | None = None
    trust: str | None = None


def _at(principal: Principal | None, institution_id: str, *roles: str) -> bool:
    return principal is not None and principal.has_role(
        *roles, scope_type=INSTITUTION, scope_id=institution_id
    )


def is_admin(principal: Principal | None) -> bool:
    return principal is not None and principal.kind == "person" and principal.is_admin


def can_view_institution(principal: Principal | None, scope: InstitutionScope) -> bool:
    """Details and settings (not learners): its staff, its hub and trust leads, admins."""
    if principal is None:
        return False
    return (
        is_admin(principal)
        or _at(principal, scope.institution_id, *STAFF_ROLES, API_CLIENT)
        or (
            scope.careers_hub is not None
            and principal.has_role(HUB_LEAD, scope_type=HUB, scope_id=scope.careers_hub)
        )
        or (
            scope.trust is not None and principal.has_role(TRUST_LEAD, scope_type=TRUST, scope_id=scope.trust)
        )
    )


def can_manage_institution(principal: Principal | None, institution_id: str) -> bool:
    """Edit the institution's details: its careers leaders and platform admins."""
    return is_admin(principal) or _at(principal, institution_id, CAREERS_LEADER)


def can_register_institutions(principal: Principal | None) -> bool:
    """Register, import (GIAS) and close institutions: platform admins."""
    return is_admin(principal)


def can_manage_roster(principal: Principal | None, institution_id: str) -> bool:
    """Import the roster and erase a learner's personal data."""
    if principal is not None and principal.kind == "client":
        return _at(principal, institution_id, API_CLIENT) and principal.allows("roster:write")
    return _at(principal, institution_id, CAREERS_LEADER)


def can_view_roster(principal: Principal | None, institution_id: str) -> bool:
    """Learners with their names: the institution's careers staff only."""
    if principal is not None and principal.kind == "client":
        return _at(principal, institution_id, API_CLIENT) and principal.allows("roster:read")
    return _at(principal, institution_id, CAREERS_LEADER, SENIOR_LEADER, CAREERS_ADVISER)


def can_manage_staff(principal: Principal | None, institution_id: str, *, administrator: bool) -> bool:
    """Approve, invite and remove staff: the institution's administrator, or an admin.

    ``administrator`` says whether ``principal`` is the institution's administrator
    (the first careers leader, as in Compass); that lives in directory's tables.
    """
    return is_admin(principal) or (administrator and _at(principal, institution_id, CAREERS_LEADER))


def can_view_staff(principal: Principal | None, institution_id: str) -> bool:
    return is_admin(principal) or _at(principal, institution_id, CAREERS_LEADER, SENIOR_LEADER)


def can_manage_api_clients(principal: Principal | None, institution_id: str) -> bool:
    return is_admin(principal) or _at(principal, institution_id, CAREERS_LEADER)


def can_share_ofsted_pack(principal: Principal | None, institution_id: str) -> bool:
    """Create and revoke Ofsted share links: careers and senior leaders."""
    return is_admin(principal) or _at(principal, institution_id, CAREERS_LEADER, SENIOR_LEADER)


def can_edit_provider(principal: Principal | None, provider_id: str) -> bool:
    if principal is None:
        return False
    return is_admin(principal) or principal.has_role(
        PROVIDER_EDITOR, scope_type=PROVIDER, scope_id=provider_id
    )


def can_list_provider(principal: Principal | None) -> bool:
    """Submit a new provider listing: any signed-in person (they become its editor)."""
    return principal is not None and principal.kind == "person"


def can_moderate_providers(principal: Principal | None) -> bool:
    return is_admin(principal)


def can_grant_platform_roles(principal: Principal | None) -> bool:
    """Approve hub lead, trust lead, provider editor and admin roles."""
    return principal is not None and principal.has_role(ADMIN) and principal.kind == "person"
