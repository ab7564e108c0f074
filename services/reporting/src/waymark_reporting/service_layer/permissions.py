"""Reporting's policy: who may read what about an institution.

* **the dashboard** (benchmarks, plan delivery, ratings, pupil-level evidence as shares
  per year group and cohort, Provider Access Legislation counts per cohort): the
  institution's careers leaders, careers advisers, senior leaders and governors; the
  leads of its Careers Hub and of its trust (aggregates of one of their institutions,
  as audit lets them read its results); platform administrators; API clients of the
  institution holding ``reporting:read``;
* **pupil-level data** (the worklist of learners by pseudonymous id, form group; each
  learner's Provider Access Legislation phases): the institution's careers leaders,
  careers advisers and senior leaders, administrators and API clients with
  ``reporting:read``, as directory lets them see the roster. Not governors (their
  reports are aggregates), nor hub or trust leads (roll-ups only, never pupil-level);
* **roll-ups** (a Careers Hub's, a trust's, a local authority's, a region's, the
  nation's: aggregates only, never pupil-level): the hub's leads their hub, the trust's
  leads their trust, platform administrators every scope (:func:`can_read_rollup`).
  Careers leaders, governors, API clients and share links get none;
* **an Ofsted share link** (scope ``ofsted_pack:read``) reads nothing here but the
  Ofsted pack of its one institution (:func:`can_read_ofsted_pack`; the pack comes
  with the reports).
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
from waymark_shared.auth.principal import (
    CLIENT,
    HUB,
    INSTITUTION,
    OFSTED_PACK_SCOPE,
    OFSTED_VIEWER,
    PERSON,
    SHARE_LINK,
    TRUST,
)

READ_SCOPE = "reporting:read"
PUPIL_LEVEL_READERS = (CAREERS_LEADER, CAREERS_ADVISER, SENIOR_LEADER)
DASHBOARD_READERS = (*PUPIL_LEVEL_READERS, GOVERNOR)


@dataclass(frozen=True)
class InstitutionScope:
    """What decides who may see an institution's reports: itself, its Careers Hub and
    its trust (as directory's events name them)."""

    institution_id: str
    careers_hub: str | None = None
    trust: str | None = None


def _person(principal: Principal | None) -> bool:
    return principal is not None and principal.kind == PERSON


def _at(principal: Principal, institution_id: str, *roles: str) -> bool:
    return principal.has_role(*roles, scope_type=INSTITUTION, scope_id=institution_id)


def is_admin(principal: Principal | None) -> bool:
    return _person(principal) and principal.is_admin  # type: ignore[union-attr]


def _client_reads(principal: Principal, scope: InstitutionScope) -> bool:
    return (
        principal.kind == CLIENT
        and _at(principal, scope.institution_id, API_CLIENT)
        and principal.allows(READ_SCOPE)
    )


def is_hub_or_trust_lead(principal: Principal | None, scope: InstitutionScope) -> bool:
    if not _person(principal):
        return False
    assert principal is not None
    return (
        scope.careers_hub is not None
        and principal.has_role(HUB_LEAD, scope_type=HUB, scope_id=scope.careers_hub)
    ) or (scope.trust is not None and principal.has_role(TRUST_LEAD, scope_type=TRUST, scope_id=scope.trust))


def can_read_dashboard(principal: Principal | None, scope: InstitutionScope) -> bool:
    """The institution's dashboard: aggregates only."""
    if principal is None:
        return False
    if principal.kind == CLIENT:
        return _client_reads(principal, scope)
    return _person(principal) and (
        is_admin(principal)
        or _at(principal, scope.institution_id, *DASHBOARD_READERS)
        or is_hub_or_trust_lead(principal, scope)
    )


def can_read_pupil_level(principal: Principal | None, scope: InstitutionScope) -> bool:
    """Learners by pseudonymous id: the worklist, each learner's compliance."""
    if principal is None:
        return False
    if principal.kind == CLIENT:
        return _client_reads(principal, scope)
    return _person(principal) and (
        is_admin(principal) or _at(principal, scope.institution_id, *PUPIL_LEVEL_READERS)
    )


def can_read_ofsted_pack(principal: Principal | None, scope: InstitutionScope) -> bool:
    """The Ofsted pack: the share link of this institution, and whoever reads its
    dashboard."""
    if principal is not None and principal.kind == SHARE_LINK:
        return principal.allows(OFSTED_PACK_SCOPE) and _at(principal, scope.institution_id, OFSTED_VIEWER)
    return can_read_dashboard(principal, scope)


def readable_institutions(principal: Principal | None) -> set[str] | None:
    """Ids of the institutions whose dashboard ``principal`` holds a role at (None:
    every one, for administrators). Hub and trust leads' institutions are found by
    their hub or trust (see :func:`is_hub_or_trust_lead`)."""
    if principal is None:
        return set()
    if is_admin(principal):
        return None
    roles = DASHBOARD_READERS if principal.kind == PERSON else (API_CLIENT,)
    return principal.scope_ids(INSTITUTION, *roles)


ROLLUP_HUB, ROLLUP_TRUST = "hub", "trust"


def can_read_rollup(principal: Principal | None, kind: str, name: str | None = None) -> bool:
    """The roll-up of a scope (``kind``: nation, region, local_authority, hub, trust)."""
    if not _person(principal):
        return False
    assert principal is not None
    if is_admin(principal):
        return True
    if kind == ROLLUP_HUB:
        return name is not None and principal.has_role(HUB_LEAD, scope_type=HUB, scope_id=name)
    if kind == ROLLUP_TRUST:
        return name is not None and principal.has_role(TRUST_LEAD, scope_type=TRUST, scope_id=name)
    return False


def readable_rollups(principal: Principal | None) -> dict[str, list[str]]:
    """The roll-ups to offer ``principal`` on the home page: ``{"nation": ["England"]
    for administrators, "hubs": [names], "trusts": [names]}``."""
    if not _person(principal):
        return {"nation": [], "hubs": [], "trusts": []}
    assert principal is not None
    return {
        "nation": ["England"] if is_admin(principal) else [],
        "hubs": sorted(principal.scope_ids(HUB, HUB_LEAD)),
        "trusts": sorted(principal.scope_ids(TRUST, TRUST_LEAD)),
    }
