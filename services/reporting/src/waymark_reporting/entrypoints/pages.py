"""Pages for people: the reporting home (the institutions one may see), an
institution's dashboard and its worklist. The same policy and views as the JSON API;
refusals are the shared error pages (403, 404), never a 500."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from waymark_reporting import views
from waymark_reporting.entrypoints.dashboard_api import ACADEMIC_YEAR, now, scope_of
from waymark_reporting.service_layer import permissions
from waymark_reporting.views import dashboard as dashboard_views
from waymark_reporting.wording import FILTERS
from waymark_shared.auth.principal import HUB, TRUST, Principal
from waymark_shared.web.auth import current_principal, require_principal
from waymark_shared.web.runtime import current_runtime

reporting_pages = Blueprint("reporting_pages", __name__)

INSTITUTION_TYPE_NAMES = {
    "mainstream_secondary": "Mainstream secondary school",
    "special_school": "Special school",
    "alternative_provision": "Alternative provision",
    "fe_college": "Further education college",
    "sixth_form_college": "Sixth form college",
    "independent_training_provider": "Independent training provider",
}


@reporting_pages.app_template_filter("reporting_format")
def _format(value: Any, how: str) -> str:
    return FILTERS[how](value)


@reporting_pages.app_context_processor
def _home_context() -> dict[str, Any]:
    return {"reporting_institutions": _institutions_for_home, "type_names": INSTITUTION_TYPE_NAMES}


def _institutions_for_home() -> list[dict[str, Any]]:
    principal = current_principal()
    if principal is None:
        return []
    ids = permissions.readable_institutions(principal)
    hubs, trusts = principal.scope_ids(HUB, "hub_lead"), principal.scope_ids(TRUST, "trust_lead")
    if ids == set() and not hubs and not trusts:
        return []
    return views.institutions_readable(current_runtime(), ids, hubs, trusts)[:200]


def checked_page_institution(principal: Principal, institution_id: str, policy) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The institution if ``policy`` lets ``principal`` see it: the 403 page otherwise,
    and the 404 page only to someone who would be allowed."""
    found = dashboard_views.institution_of(current_runtime(), institution_id)
    if not policy(principal, scope_of(found, institution_id)):
        abort(403)
    if found is None:
        abort(404)
    return found


@reporting_pages.route("/institutions/<uuid:institution_id>")
def dashboard(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_id = str(institution_id)
    found = checked_page_institution(principal, institution_id, permissions.can_read_dashboard)
    year = request.args.get("year") or None
    if year is not None and not ACADEMIC_YEAR.fullmatch(year):
        year = None  # a page falls back to this year's plan
    model = dashboard_views.dashboard(current_runtime(), institution_id, year=year, now=now())
    may_see_pupils = permissions.can_read_pupil_level(principal, scope_of(found, institution_id))
    return render_template("reporting/dashboard.html", model=model, may_see_pupils=may_see_pupils)


@reporting_pages.route("/institutions/<uuid:institution_id>/worklist")
def worklist(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_id = str(institution_id)
    found = checked_page_institution(principal, institution_id, permissions.can_read_pupil_level)
    runtime = current_runtime()
    learners = dashboard_views.worklist(runtime, institution_id, now())
    year = request.args.get("year_group", "")
    groups = sorted({row["year_group"] for row in learners})
    if year.isdigit() and int(year) in groups:
        learners = [row for row in learners if row["year_group"] == int(year)]
    return render_template(
        "reporting/worklist.html",
        institution=found,
        learners=learners,
        groups=groups,
        chosen=int(year) if year.isdigit() else None,
        freshness=views.all_freshness(runtime, now()),
    )


@reporting_pages.route("/institutions/<uuid:institution_id>/provider-access")
def provider_access(institution_id):  # type: ignore[no-untyped-def]
    """Learners who still need Provider Access encounters in a phase open now, or who
    missed one, by year and form group (pupil-level)."""
    principal = require_principal()
    institution_id = str(institution_id)
    found = checked_page_institution(principal, institution_id, permissions.can_read_pupil_level)
    runtime = current_runtime()
    learners = dashboard_views.provider_access_learners(runtime, institution_id, now())
    show = request.args.get("show", "due")
    show = show if show in ("due", "missed") else "due"
    rows = [
        {**learner, "phase": phase}
        for learner in learners
        for phase in learner["phases"]
        if phase["status"] == show and (show == "due" or phase["phase"] != "third")
    ]
    return render_template(
        "reporting/provider_access.html",
        institution=found,
        rows=rows,
        show=show,
        freshness=views.all_freshness(runtime, now()),
    )
