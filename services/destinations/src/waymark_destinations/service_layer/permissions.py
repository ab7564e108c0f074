"""Destinations' policy: who may do what with an institution's destinations.

* its careers leaders and careers advisers record and read learners' destinations
  (learner-level rows: the worklist, a learner's history, the export, imports);
* its senior leaders and governors see aggregates only: the cohort view, counts and
  percentages, never a learner's row;
* API clients of the institution read with ``destinations:read`` and record with
  ``destinations:write`` (which also reads);
* platform administrators read everything (no recording: that is the institution's).
"""

from __future__ import annotations

from waymark_shared.auth import (
    API_CLIENT,
    CAREERS_ADVISER,
    CAREERS_LEADER,
    GOVERNOR,
    SENIOR_LEADER,
    Principal,
)
from waymark_shared.auth.principal import CLIENT, INSTITUTION, PERSON

WRITERS = (CAREERS_LEADER, CAREERS_ADVISER)
AGGREGATE_READERS = (*WRITERS, SENIOR_LEADER, GOVERNOR)
READ_SCOPE, WRITE_SCOPE = "destinations:read", "destinations:write"


def _at(principal: Principal, institution_id: str, *roles: str) -> bool:
    return principal.has_role(*roles, scope_type=INSTITUTION, scope_id=institution_id)


def _client_with(principal: Principal, institution_id: str, *scopes: str) -> bool:
    return (
        principal.kind == CLIENT
        and _at(principal, institution_id, API_CLIENT)
        and any(principal.allows(scope) for scope in scopes)
    )


def _person(principal: Principal | None) -> bool:
    return principal is not None and principal.kind == PERSON


def is_admin(principal: Principal | None) -> bool:
    return _person(principal) and principal.is_admin  # type: ignore[union-attr]


def can_write(principal: Principal | None, institution_id: str) -> bool:
    """Record destinations, intentions, judgements and consent; import."""
    if principal is None:
        return False
    if _person(principal):
        return _at(principal, institution_id, *WRITERS)
    return _client_with(principal, institution_id, WRITE_SCOPE)


def can_read_learners(principal: Principal | None, institution_id: str) -> bool:
    """Learner-level rows: the worklist, histories, the export."""
    if principal is None:
        return False
    if _person(principal):
        return is_admin(principal) or _at(principal, institution_id, *WRITERS)
    return _client_with(principal, institution_id, READ_SCOPE, WRITE_SCOPE)


def can_read_aggregates(principal: Principal | None, institution_id: str) -> bool:
    """The cohort view: counts and percentages only."""
    if can_read_learners(principal, institution_id):
        return True
    return _person(principal) and _at(principal, institution_id, *AGGREGATE_READERS)  # type: ignore[arg-type]
