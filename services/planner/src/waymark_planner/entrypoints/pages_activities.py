"""Pages for a plan's activities: add one, see one (details, who took part, its
evaluation and history), change it while it is planned, cancel it; and the
evaluation's suggestions, accepted as they are, accepted with changes, or dismissed."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from werkzeug.datastructures import MultiDict

from waymark_planner import views
from waymark_planner.domain import vocabulary
from waymark_planner.domain.academic_year import AcademicYear
from waymark_planner.entrypoints import access
from waymark_planner.entrypoints.forms import (
    ACTIVITY_FORM_ORDER,
    Form,
    activity_fields,
    activity_form_data,
    in_order,
    version,
)
from waymark_planner.entrypoints.pages_common import errors_for, page, planner_pages, stale
from waymark_planner.service_layer import activities as activities_
from waymark_planner.service_layer import permissions
from waymark_planner.service_layer import suggestions as answers
from waymark_planner.service_layer.errors import InvalidInput, NotFound
from waymark_shared.eventstore.store import ConcurrencyError
from waymark_shared.web.auth import require_principal
from waymark_shared.web.runtime import current_runtime

STALE_ACTIVITY = (
    "Someone else changed this activity after you opened this page, so your changes have not been saved. "
    "The form now shows the latest details: make your changes again and save."
)


def _form_page(plan: dict, institution: dict, status: int = 200, **context: Any):  # type: ignore[no-untyped-def]
    context.setdefault("form", MultiDict({"delivery": vocabulary.IN_PERSON}))
    return page(
        "activity_form.html",
        status,
        plan=plan,
        institution=institution,
        year=AcademicYear(plan["academic_year"]),
        providers=views.listed_providers(current_runtime()),
        **context,
    )


def _read_form(plan: dict) -> tuple[dict, dict]:
    providers = [p["provider_id"] for p in views.listed_providers(current_runtime())]
    objectives = [o["objective_id"] for o in plan["objectives"]]
    year = AcademicYear(plan["academic_year"])
    return activity_fields(request.form, objectives=objectives, providers=providers, year=year)


@planner_pages.route("/plans/<uuid:plan_id>/activities/new", methods=["GET", "POST"])
def new_activity(plan_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    plan, institution = access.checked_plan(principal, str(plan_id), permissions.can_edit)
    context = {"heading": "Add an activity", "action": url_for(".new_activity", plan_id=plan["plan_id"])}
    if request.method != "POST":
        return _form_page(plan, institution, **context)
    values, problems = _read_form(plan)
    try:
        if problems:
            raise InvalidInput(problems)
        activity_id = activities_.plan_activity(current_runtime(), plan["plan_id"], values)
    except InvalidInput as error:
        return _form_page(
            plan,
            institution,
            422,
            form=request.form,
            errors=errors_for(in_order(error.errors, ACTIVITY_FORM_ORDER)),
            **context,
        )
    flash(f"“{values['title']}” has been added to the plan.", "success")
    return redirect(url_for(".activity", activity_id=activity_id))


@planner_pages.route("/activities/<uuid:activity_id>")
def activity(activity_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    found, institution = access.checked_activity(principal, str(activity_id), permissions.can_read_plan)
    plan = views.plan_detail(current_runtime(), found["plan_id"])
    may = access.may(principal, access.scope_for(institution["institution_id"], institution))
    objectives = {o["objective_id"]: o["text"] for o in (plan or {}).get("objectives", [])}
    return page(
        "activity.html",
        activity=found,
        plan=plan,
        institution=institution,
        objectives=objectives,
        provider=_provider_name(found),
        learners=_learners_by_group(found) if may.read_learners else [],
        may=may,
    )


def _provider_name(activity: dict) -> str | None:
    if activity.get("provider_name"):
        return activity["provider_name"]
    if activity.get("provider_id"):
        for provider in views.listed_providers(current_runtime()):
            if provider["provider_id"] == activity["provider_id"]:
                return provider["name"]
        return "A provider no longer listed in the directory"
    return None


def _learners_by_group(activity: dict) -> list[tuple[str, list[dict]]]:
    participation = activity.get("participation") or {}
    groups: dict[str, list[dict]] = {}
    for learner in participation.get("learners", []):
        group = learner.get("form_group") or (
            f"Year {learner['year_group']}" if learner.get("year_group") else "Left"
        )
        groups.setdefault(group, []).append(learner)
    return sorted(groups.items(), key=lambda item: item[0])


@planner_pages.route("/activities/<uuid:activity_id>/edit", methods=["GET", "POST"])
def edit_activity(activity_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    activity_id = str(activity_id)
    found, institution = access.checked_activity(principal, activity_id, permissions.can_edit)
    plan = views.plan_detail(current_runtime(), found["plan_id"])
    assert plan is not None
    if found["status"] == vocabulary.CANCELLED:
        flash("This activity has been cancelled, so it can no longer be changed.", "important")
        return redirect(url_for(".activity", activity_id=activity_id))
    context = {
        "heading": "Change the activity",
        "action": url_for(".edit_activity", activity_id=activity_id),
        "activity": found,
    }
    if request.method != "POST":
        form = activity_form_data(found)
        form.add("version", str(found["version"]))
        return _form_page(plan, institution, form=form, **context)
    values, problems = _read_form(plan)
    try:
        if problems:
            raise InvalidInput(problems)
        activities_.update_activity(
            current_runtime(), activity_id, values, expected_version=version(request.form)
        )
    except InvalidInput as error:
        return _form_page(
            plan,
            institution,
            422,
            form=request.form,
            errors=errors_for(in_order(error.errors, ACTIVITY_FORM_ORDER)),
            **context,
        )
    except ConcurrencyError:
        fresh = views.activity_detail(current_runtime(), activity_id) or found
        form = activity_form_data(fresh)
        form.add("version", str(fresh["version"]))
        return _form_page(
            plan, institution, 409, form=form, errors=stale(STALE_ACTIVITY), **{**context, "activity": fresh}
        )
    flash("The activity has been changed.", "success")
    return redirect(url_for(".activity", activity_id=activity_id))


@planner_pages.route("/activities/<uuid:activity_id>/cancel", methods=["GET", "POST"])
def cancel_activity(activity_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    activity_id = str(activity_id)
    found, institution = access.checked_activity(principal, activity_id, permissions.can_edit)
    context = {"activity": found, "institution": institution}
    if request.method != "POST":
        return page("cancel.html", form={}, **context)
    form = Form(request.form)
    reason = form.text("reason", required="Say why the activity is cancelled.", limit=1000)
    try:
        if form.errors:
            raise InvalidInput(form.errors)
        activities_.cancel_activity(current_runtime(), activity_id, reason)
    except InvalidInput as error:
        return page(
            "cancel.html",
            422,
            form=request.form,
            errors=errors_for(in_order(error.errors, ACTIVITY_FORM_ORDER)),
            **context,
        )
    flash(f"“{found['title']}” has been cancelled.", "success")
    return redirect(url_for(".plan", plan_id=found["plan_id"]))


# -- suggestions from the evaluation -----------------------------------------------------------


@planner_pages.route("/plans/<uuid:plan_id>/suggestions")
def suggestions(plan_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    plan, institution = access.checked_plan(principal, str(plan_id), permissions.can_read_plan)
    titles = {a["activity_id"]: a["title"] for a in plan["activities"]}
    return page(
        "suggestions.html",
        plan=plan,
        institution=institution,
        offered=[s for s in plan["suggestions"] if s["status"] == vocabulary.OFFERED],
        decided=[s for s in plan["suggestions"] if s["status"] != vocabulary.OFFERED],
        titles=titles,
        evaluation=views.latest_evaluation(current_runtime(), institution["institution_id"]),
        may=access.may(principal, access.scope_for(institution["institution_id"], institution)),
    )


def _suggestion(plan: dict, suggestion_id: str) -> dict:
    for suggestion in plan["suggestions"]:
        if suggestion["suggestion_id"] == suggestion_id:
            return suggestion
    from werkzeug.exceptions import NotFound as PageNotFound

    raise PageNotFound()


def _suggested_activity(plan: dict, suggestion: dict) -> MultiDict:
    year = AcademicYear(plan["academic_year"])
    term = suggestion.get("term")
    if not term and suggestion.get("achieve_by"):
        from datetime import date

        day = date.fromisoformat(str(suggestion["achieve_by"])[:10])
        term = year.term_of(day) if year.contains(day) else None
    return activity_form_data(
        {
            "title": suggestion["title"],
            "activity_type": suggestion["activity_type"],
            "benchmarks": [suggestion["benchmark"]],
            "criteria": [suggestion["criterion_id"]],
            "year_groups": suggestion.get("year_groups") or [],
            "achieve_by": suggestion.get("achieve_by"),
            "term": term,
            "delivery": vocabulary.IN_PERSON,
        }
    )


@planner_pages.route("/plans/<uuid:plan_id>/suggestions/<uuid:suggestion_id>", methods=["GET", "POST"])
def accept_with_changes(plan_id, suggestion_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    plan, institution = access.checked_plan(principal, str(plan_id), permissions.can_edit)
    suggestion = _suggestion(plan, str(suggestion_id))
    if suggestion["status"] != vocabulary.OFFERED:
        flash("This suggestion has already been " + suggestion["status"] + ".", "important")
        return redirect(url_for(".suggestions", plan_id=plan["plan_id"]))
    context = {
        "heading": "Accept the suggestion, with your changes",
        "action": url_for(
            ".accept_with_changes", plan_id=plan["plan_id"], suggestion_id=suggestion["suggestion_id"]
        ),
        "suggestion": suggestion,
    }
    if request.method != "POST":
        return _form_page(plan, institution, form=_suggested_activity(plan, suggestion), **context)
    values, problems = _read_form(plan)
    try:
        if problems:
            raise InvalidInput(problems)
        activity_id = answers.accept_suggestion(
            current_runtime(), plan["plan_id"], suggestion["suggestion_id"], values
        )
    except InvalidInput as error:
        return _form_page(
            plan,
            institution,
            422,
            form=request.form,
            errors=errors_for(in_order(error.errors, ACTIVITY_FORM_ORDER)),
            **context,
        )
    except NotFound:
        flash("This suggestion has already been decided.", "important")
        return redirect(url_for(".suggestions", plan_id=plan["plan_id"]))
    flash(f"“{values['title']}” has been added to the plan.", "success")
    return redirect(url_for(".activity", activity_id=activity_id))


@planner_pages.route("/plans/<uuid:plan_id>/suggestions/<uuid:suggestion_id>/accept", methods=["POST"])
def accept_suggestion(plan_id, suggestion_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    plan, _ = access.checked_plan(principal, str(plan_id), permissions.can_edit)
    suggestion = _suggestion(plan, str(suggestion_id))
    try:
        answers.accept_suggestion(current_runtime(), plan["plan_id"], suggestion["suggestion_id"], None)
    except (InvalidInput, NotFound) as error:
        flash(f"“{suggestion['title']}” could not be accepted: {error}", "important")
    else:
        flash(f"“{suggestion['title']}” has been added to the plan.", "success")
    return redirect(url_for(".suggestions", plan_id=plan["plan_id"]))


@planner_pages.route("/plans/<uuid:plan_id>/suggestions/<uuid:suggestion_id>/dismiss", methods=["POST"])
def dismiss_suggestion(plan_id, suggestion_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    plan, _ = access.checked_plan(principal, str(plan_id), permissions.can_edit)
    suggestion = _suggestion(plan, str(suggestion_id))
    reason = (request.form.get("reason") or "").strip()[:1000] or None
    try:
        answers.dismiss_suggestion(
            current_runtime(), plan["plan_id"], suggestion["suggestion_id"], reason=reason
        )
    except (InvalidInput, NotFound) as error:
        flash(f"“{suggestion['title']}” could not be dismissed: {error}", "important")
    else:
        flash(f"“{suggestion['title']}” has been dismissed.", "success")
    return redirect(url_for(".suggestions", plan_id=plan["plan_id"]))
