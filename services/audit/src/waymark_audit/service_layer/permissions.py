"""Audit's policy: who may do what with an institution's evaluations.

* its careers leaders and careers advisers start, answer, save and submit them;
* its senior leaders and governors read them (answers and results);
* its Careers Hub's leads and its trust's leads read results only, once submitted;
* platform administrators read them; API clients of the institution read them with
  the ``audit:read`` scope;
* only a careers leader changes the evaluation type the institution takes.
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
READ_SCOPE = "audit:read"


@dataclass(frozen=True)
class InstitutionScope:
    """What decides who may see an institution's evaluations: itself, its Careers Hub
    and its trust (as directory's events name them)."""

    institution_id: str
    careers_hub: str | None = None
    trust: str | None = None


def _person(principal: Principal | None) -> bool:
    return principal is not None and principal.kind == PERSON


def _at(principal: Principal, institution_id: str, *roles: str) -> bool:
    return principal.has_role(*roles, scope_type=INSTITUTION, scope_id=institution_id)


def is_admin(principal: Principal | None) -> bool:
    return _person(principal) and principal.is_admin  # type: ignore[union-attr]


def can_edit(principal: Principal | None, scope: InstitutionScope) -> bool:
    """Start, copy, answer and submit evaluations."""
    return _person(principal) and _at(principal, scope.institution_id, *EDITORS)  # type: ignore[arg-type]


def can_read(principal: Principal | None, scope: InstitutionScope) -> bool:
    """Evaluations with their answers, and their results."""
    if principal is None:
        return False
    if principal.kind == CLIENT:
        return _at(principal, scope.institution_id, API_CLIENT) and principal.allows(READ_SCOPE)
    return _person(principal) and (is_admin(principal) or _at(principal, scope.institution_id, *READERS))


def can_read_results(principal: Principal | None, scope: InstitutionScope) -> bool:
    """Results (and the list of evaluations with their headline), not answers."""
    return can_read(principal, scope) or is_hub_or_trust_lead(principal, scope)


def is_hub_or_trust_lead(principal: Principal | None, scope: InstitutionScope) -> bool:
    if not _person(principal):
        return False
    assert principal is not None
    return (
        scope.careers_hub is not None
        and principal.has_role(HUB_LEAD, scope_type=HUB, scope_id=scope.careers_hub)
    ) or (scope.trust is not None and principal.has_role(TRUST_LEAD, scope_type=TRUST, scope_id=scope.trust))


def can_change_evaluation_type(principal: Principal | None, scope: InstitutionScope) -> bool:
    return _person(principal) and _at(principal, scope.institution_id, CAREERS_LEADER)  # type: ignore[arg-type]
