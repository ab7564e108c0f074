"""Pages for an institution's careers plans: the list with "create this year's plan"
(empty, a copy of last year's, or from the latest evaluation's gaps), the plan by term
and by benchmark with planned and delivered counts, its objectives, and the downloads.

The same policy as the API (:mod:`waymark_planner.entrypoints.access`): careers
leaders and advisers change plans; senior leaders, governors, hub and trust leads and
admins read them, and see no buttons to change them."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for

from waymark_planner import views
from waymark_planner.domain import vocabulary
from waymark_planner.domain.academic_year import AcademicYear
from waymark_planner.entrypoints import access, plan_view
from waymark_planner.entrypoints.downloads import download
from waymark_planner.entrypoints.forms import Form, version
from waymark_planner.entrypoints.home import institutions_for_home
from waymark_planner.entrypoints.outcomes import plan_summaries
from waymark_planner.entrypoints.pages_common import errors_for, page, planner_pages, stale, this_year
from waymark_planner.service_layer import permissions, plans
from waymark_planner.service_layer.errors import InvalidInput, PlanExists
from waymark_shared.eventstore.store import ConcurrencyError
from waymark_shared.web.auth import current_principal, require_principal
from waymark_shared.web.runtime import current_runtime


@planner_pages.app_context_processor
def _home_context() -> dict[str, Any]:
    return {"planner_institutions": lambda: institutions_for_home(current_principal())}


# -- an institution's plans -----------------------------------------------------------------


def _years_offered(existing: set[str]) -> list[AcademicYear]:
    current = this_year()
    return [year for year in (current, current.next()) if str(year) not in existing]


def _institution_page(institution: dict[str, Any], status: int = 200, **context: Any):  # type: ignore[no-untyped-def]
    runtime = current_runtime()
    institution_id = institution["institution_id"]
    found = [
        _as_planned_and_delivered(plan) for plan in plan_summaries(views.plans_of(runtime, institution_id))
    ]
    existing = {plan["academic_year"] for plan in found}
    offered = _years_offered(existing)
    context.setdefault("form", {"academic_year": str(offered[0]) if offered else "", "origin": "empty"})
    return page(
        "institution.html",
        status,
        institution=institution,
        plans=found,
        current=next((plan for plan in found if plan["academic_year"] == str(this_year())), None),
        offered=offered,
        previous_years={str(AcademicYear(p["academic_year"]).next()) for p in found},
        evaluation=views.latest_evaluation(runtime, institution_id),
        may=access.may(current_principal(), access.scope_for(institution_id, institution)),
        **context,
    )


@planner_pages.route("/institutions/<uuid:institution_id>/plans", methods=["GET", "POST"])
def institution(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_id = str(institution_id)
    if request.method != "POST":
        found = access.checked_institution(principal, institution_id, permissions.can_read_plan)
        return _institution_page(found)
    found = access.checked_institution(principal, institution_id, permissions.can_edit)
    form = Form(request.form)
    year = form.choice(
        "academic_year", [str(y) for y in _years_offered(set())], required="Choose the academic year."
    )
    origin = form.choice("origin", vocabulary.ORIGINS, required="Choose how to begin the plan.")
    objectives = [
        line.strip() for line in (request.form.get("objectives") or "").splitlines() if line.strip()
    ]
    if any(len(line) > 500 for line in objectives):
        form.error("objectives", "Each objective must be 500 characters or fewer.")
    if form.errors:
        return _institution_page(found, 422, form=request.form, errors=errors_for(form.errors))
    try:
        plan_id = plans.create_plan(
            current_runtime(), institution_id, year, origin=origin, objectives=objectives
        )
    except InvalidInput as error:
        return _institution_page(found, 422, form=request.form, errors=errors_for(error.errors))
    except PlanExists as error:
        flash(f"There is already a plan for {year}: here it is.", "important")
        return redirect(url_for(".plan", plan_id=error.plan_id))
    flash(_created_message(origin, plan_id), "success")
    return redirect(url_for(".plan", plan_id=plan_id))


def _created_message(origin: str, plan_id: str) -> str:
    plan = views.plan_detail(current_runtime(), plan_id, summary=True) or {}
    if origin == vocabulary.EVALUATION:
        offered = sum(1 for s in plan.get("suggestions", []) if s["status"] == vocabulary.OFFERED)
        return (
            f"The plan has been created with {offered} suggested activities from your evaluation to review."
        )
    if origin == vocabulary.PREVIOUS_YEAR:
        return f"The plan has been created with {len(plan.get('activities', []))} activities copied from last year."
    return "The plan has been created. Add its activities."


# -- a plan -------------------------------------------------------------------------------


def _as_planned_and_delivered(plan: dict[str, Any]) -> dict[str, Any]:
    """Pages count as planned every activity not cancelled, delivered or not."""
    counts = plan["counts"]
    return {**plan, "counts": {**counts, "planned": counts["planned"] + counts["delivered"]}}


@planner_pages.route("/plans/<uuid:plan_id>")
def plan(plan_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    found, institution = access.checked_plan(principal, str(plan_id), permissions.can_read_plan, summary=True)
    offered = [s for s in found["suggestions"] if s["status"] == vocabulary.OFFERED]
    view = request.args.get("view", "term")
    if view not in plan_view.VIEWS:
        view = "term"
    return page(
        "plan.html",
        plan=found,
        institution=institution,
        counts=plan_view.counts(found["activities"]),
        view=view,
        sections=plan_view.by_term(found) if view == "term" else plan_view.by_benchmark(found),
        rows=plan_view.rows(found["activities"]),
        offered=offered,
        may=access.may(principal, access.scope_for(institution["institution_id"], institution)),
    )


@planner_pages.route("/plans/<uuid:plan_id>/objectives", methods=["GET", "POST"])
def objectives(plan_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    plan_id = str(plan_id)
    found, institution = access.checked_plan(principal, plan_id, permissions.can_edit)
    context = {"plan": found, "institution": institution}
    if request.method != "POST":
        rows = [o["text"] for o in found["objectives"]]
        return page(
            "objectives.html", form={"objectives": "\n".join(rows), "version": found["version"]}, **context
        )
    lines = [line.strip() for line in (request.form.get("objectives") or "").splitlines() if line.strip()]
    kept = {o["text"]: o["objective_id"] for o in found["objectives"]}
    new = [{"objective_id": kept.get(text), "text": text} for text in lines]
    problems = (
        {"objectives": ["Each objective must be 500 characters or fewer."]}
        if any(len(t) > 500 for t in lines)
        else {}
    )
    try:
        if problems:
            raise InvalidInput(problems)
        plans.change_objectives(current_runtime(), plan_id, new, expected_version=version(request.form))
    except InvalidInput as error:
        return page("objectives.html", 422, form=request.form, errors=errors_for(error.errors), **context)
    except ConcurrencyError:
        fresh = views.plan_detail(current_runtime(), plan_id) or found
        message = (
            "Someone else changed this plan after you opened this page, so your objectives have not been "
            "saved. The latest are shown below; yours were: " + "; ".join(lines)
        )
        form = {"objectives": "\n".join(o["text"] for o in fresh["objectives"]), "version": fresh["version"]}
        return page("objectives.html", 409, form=form, errors=stale(message), **{**context, "plan": fresh})
    flash("The plan's objectives have been saved.", "success")
    return redirect(url_for(".plan", plan_id=plan_id))


# -- downloads ------------------------------------------------------------------------------


@planner_pages.route("/plans/<uuid:plan_id>/downloads/<any(plan, log):kind>.<any(docx, xlsx):extension>")
def download_file(plan_id, kind: str, extension: str):  # type: ignore[no-untyped-def]
    principal = require_principal()
    found, institution = access.checked_plan(principal, str(plan_id), permissions.can_read_plan)
    return download(found, institution, kind, extension)
