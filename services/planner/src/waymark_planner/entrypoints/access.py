"""Who may see or change what, for the API and the pages alike.

An institution in the path: 403 to anyone the policy refuses, and 404 (unknown
institution) only to someone who would be allowed, as audit does. A plan or an
activity in the path: 404 both when it does not exist and when the caller may not even
read it, so another institution's ids cannot be probed; 403 when the caller may read it
but not do this (a governor posting a form).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, select

from waymark_planner import views
from waymark_planner.adapters.institutions import institution as institution_row
from waymark_planner.adapters.tables import activities, plans
from waymark_planner.service_layer import permissions
from waymark_planner.service_layer.permissions import InstitutionScope
from waymark_shared.auth.principal import Principal
from waymark_shared.db.engine import reading
from waymark_shared.web.auth import forbidden
from waymark_shared.web.problems import Problem
from waymark_shared.web.runtime import current_runtime

Policy = Callable[[Principal | None, InstitutionScope], bool]


@dataclass(frozen=True)
class May:
    """What the caller may do with one institution's plans (for pages to show buttons)."""

    read_plan: bool
    read_learners: bool
    edit: bool
    log: bool


def scope_for(institution_id: str, found: dict[str, Any] | None) -> InstitutionScope:
    return InstitutionScope(
        institution_id, found.get("careers_hub") if found else None, found.get("trust") if found else None
    )


def may(principal: Principal | None, scope: InstitutionScope) -> May:
    return May(
        read_plan=permissions.can_read_plan(principal, scope),
        read_learners=permissions.can_read(principal, scope),
        edit=permissions.can_edit(principal, scope),
        log=permissions.can_log(principal, scope),
    )


def checked_institution(principal: Principal, institution_id: str, allowed: Policy) -> dict[str, Any]:
    found = institution_row(current_runtime(), institution_id)
    if not allowed(principal, scope_for(institution_id, found)):
        raise forbidden("You do not have access to this institution's careers plans.")
    if found is None:
        raise Problem(404, "Unknown institution", f"Planner has not heard of institution {institution_id}.")
    return {"institution_id": institution_id, **found}


def _not_found(what: str) -> Problem:
    return Problem(404, f"No such {what}", f"There is no {what} with this id, or it is not yours to see.")


def _checked(principal: Principal, institution_id: str, allowed: Policy, what: str) -> dict[str, Any]:
    found = institution_row(current_runtime(), institution_id)
    scope = scope_for(institution_id, found)
    if not permissions.can_read_plan(principal, scope) and not allowed(principal, scope):
        raise _not_found(what)
    if not allowed(principal, scope):
        raise forbidden(f"You may read this {what} but not change it.")
    return {"institution_id": institution_id, **(found or {})}


def _owner(table: Table, key: str, value: str) -> dict[str, Any] | None:
    """Which institution a plan or an activity belongs to: one small query, for the
    commands that need no more than that to be authorised."""
    query = select(table.c[key], table.c.institution_id).where(table.c[key] == value)
    with reading(current_runtime().engine) as conn:
        row = conn.execute(query).first()
    return None if row is None else dict(row._mapping)


def checked_plan(
    principal: Principal, plan_id: str, allowed: Policy, *, detail: bool = True, summary: bool = False
) -> tuple[dict, dict]:
    """The plan (``views.plan_detail``, with activities in ``summary`` if asked, or only
    its id and institution without ``detail``) and its institution, if ``principal`` may
    do this."""
    if detail:
        plan = views.plan_detail(current_runtime(), plan_id, summary=summary)
    else:
        plan = _owner(plans, "plan_id", plan_id)
    if plan is None:
        raise _not_found("plan")
    return plan, _checked(principal, plan["institution_id"], allowed, "plan")


def checked_activity(
    principal: Principal, activity_id: str, allowed: Policy, *, detail: bool = True
) -> tuple[dict, dict]:
    """The activity (``views.activity_detail``, or only its id and institution) and its
    institution."""
    runtime = current_runtime()
    activity = (
        views.activity_detail(runtime, activity_id)
        if detail
        else _owner(activities, "activity_id", activity_id)
    )
    if activity is None:
        raise _not_found("activity")
    return activity, _checked(principal, activity["institution_id"], allowed, "activity")
