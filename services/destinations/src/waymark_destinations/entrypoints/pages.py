"""Pages for people: an institution's leaving cohorts (aggregates, for senior leaders
and governors too), its worklist, the learners of a cohort, a learner's destinations
with their history, and the forms that record them, one at a time or from a CSV file.

Everything goes through destinations' service layer and views, as the API does, with
the same policy; read-only people see no buttons. The routes are in
``pages_institution.py`` and ``pages_learner.py``; this module has what they share.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, render_template

from waymark_destinations.adapters.institutions import institution
from waymark_destinations.domain.categories import (
    BY_CODE,
    GROUP_NAMES,
    LEAVING_POINT_NAMES,
    SEPTEMBER_GUARANTEE_NAMES,
    SOURCE_NAMES,
    name_of,
)
from waymark_destinations.service_layer import permissions
from waymark_destinations.service_layer.clock import today
from waymark_destinations.service_layer.recording import learner_institution
from waymark_shared.auth.principal import PERSON, Principal
from waymark_shared.web.auth import forbidden
from waymark_shared.web.runtime import current_runtime

destinations_pages = Blueprint("destinations_pages", __name__)

SUSTAINED_TAGS = {
    "sustained": ("Sustained", "govuk-tag--green"),
    "not_sustained": ("Not sustained", "govuk-tag--red"),
    "pending": ("To be judged", "govuk-tag--yellow"),
}


def day(value: Any) -> str:
    if not value:
        return ""
    found = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{found:%-d %B %Y}"


def page(template: str, status: int = 200, **context: Any):  # type: ignore[no-untyped-def]
    context.update(
        name_of=name_of,
        day=day,
        leaving_point_names=LEAVING_POINT_NAMES,
        source_names=SOURCE_NAMES,
        guarantee_names=SEPTEMBER_GUARANTEE_NAMES,
        group_names=GROUP_NAMES,
        sustained_tags=SUSTAINED_TAGS,
        categories=BY_CODE,
        today=today(current_runtime()),
    )
    return render_template(f"destinations/{template}", **context), status


def may(principal: Principal, institution_id: str) -> dict[str, bool]:
    return {
        "write": permissions.can_write(principal, institution_id),
        "learners": permissions.can_read_learners(principal, institution_id),
        "aggregates": permissions.can_read_aggregates(principal, institution_id),
    }


def checked_institution(principal: Principal, institution_id: str, allowed) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Pages are for people: an API client uses the API."""
    if principal.kind != PERSON or not allowed(principal, institution_id):
        raise forbidden("You do not have access to this institution's destinations.")
    found = institution(current_runtime(), institution_id)
    if found is None:
        abort(404)
    return {"institution_id": institution_id, **found}


def checked_learner(principal: Principal, learner_id: str, allowed) -> str:  # type: ignore[no-untyped-def]
    institution_id = learner_institution(current_runtime(), learner_id)
    if institution_id is None or principal.kind != PERSON or not allowed(principal, institution_id):
        abort(404)
    return institution_id


from waymark_destinations.entrypoints import pages_institution, pages_learner  # noqa: E402, F401 (routes)
