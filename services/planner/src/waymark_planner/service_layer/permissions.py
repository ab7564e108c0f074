"""Planner's policy: who may do what with an institution's careers plans.

* its careers leaders and careers advisers do everything: plans, activities, logging
  delivery and participation, evaluation;
* its senior leaders and governors read plans and activities, with who took part;
* its Careers Hub's leads and its trust's leads read its plans, without learner-level
  participation (counts only);
* platform administrators read everything;
* API clients of the institution read with ``planner:read`` and log delivery and
  participation with ``planner:write``.
"""

from __future__ import annotations

from dataclasses import dataclass

from waymark_shared.auth import (
    API_CLIENT,
    CAREERS_ADVISER,
    CAREERS_LEADER,
    GOVERNOR,
    HUB_LEAD,
    SENIOR_LEADER,
    TRUST_LEAD,
    Principal,
)
from waymark_shared.auth.principal import CLIENT, HUB, INSTITUTION, PERSON, TRUST

EDITORS = (CAREERS_LEADER, CAREERS_ADVISER)
READERS = (*EDITORS, SENIOR_LEADER, GOVERNOR)
READ_SCOPE = "planner:read"
WRITE_SCOPE = "planner:write"


@dataclass(frozen=True)
class InstitutionScope:
    """What decides who may see an institution's plans: itself, its Careers Hub and its
    trust (as directory's events name them)."""

    institution_id: str
    careers_hub: str | None = None
    trust: str | None = None


def _person(principal: Principal | None) -> bool:
    return principal is not None and principal.kind == PERSON


def _client(principal: Principal | None, scope: InstitutionScope, api_scope: str) -> bool:
    return (
        principal is not None
        and principal.kind == CLIENT
        and _at(principal, scope.institution_id, API_CLIENT)
        and principal.allows(api_scope)
    )


def _at(principal: Principal, institution_id: str, *roles: str) -> bool:
    return principal.has_role(*roles, scope_type=INSTITUTION, scope_id=institution_id)


def is_admin(principal: Principal | None) -> bool:
    return _person(principal) and principal.is_admin  # type: ignore[union-attr]


def can_edit(principal: Principal | None, scope: InstitutionScope) -> bool:
    """Create and change plans, plan, log, evaluate and cancel activities."""
    return _person(principal) and _at(principal, scope.institution_id, *EDITORS)  # type: ignore[arg-type]


def can_log(principal: Principal | None, scope: InstitutionScope) -> bool:
    """Log an activity's delivery and correct its participation."""
    return can_edit(principal, scope) or _client(principal, scope, WRITE_SCOPE)


def can_read(principal: Principal | None, scope: InstitutionScope) -> bool:
    """Plans and activities with learner-level participation."""
    if principal is None:
        return False
    if principal.kind == CLIENT:
        return _client(principal, scope, READ_SCOPE)
    return _person(principal) and (is_admin(principal) or _at(principal, scope.institution_id, *READERS))


def can_read_plan(principal: Principal | None, scope: InstitutionScope) -> bool:
    """Plans and activities, with participation as counts only (no learner ids)."""
    return can_read(principal, scope) or is_hub_or_trust_lead(principal, scope)


def is_hub_or_trust_lead(principal: Principal | None, scope: InstitutionScope) -> bool:
    if not _person(principal):
        return False
    assert principal is not None
    return (
        scope.careers_hub is not None
        and principal.has_role(HUB_LEAD, scope_type=HUB, scope_id=scope.careers_hub)
    ) or (scope.trust is not None and principal.has_role(TRUST_LEAD, scope_type=TRUST, scope_id=scope.trust))
