"""Pages for what happened: log an activity's delivery with who took part (form
groups, whole year groups, learners one by one from the roster, or counts), correct
that participation with a reason, and evaluate it (ratings and comments by respondent
group, the outcome against each objective).

The roster is directory's, by pseudonymous id only: planner never holds names. These
pages are for the institution's careers staff; API clients with ``planner:write`` log
through the API."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from werkzeug.datastructures import MultiDict

from waymark_planner import views
from waymark_planner.domain import vocabulary
from waymark_planner.domain.academic_year import AcademicYear
from waymark_planner.entrypoints import access
from waymark_planner.entrypoints.forms import (
    DELIVERY_FORM_ORDER,
    add_day,
    correction_fields,
    delivery_fields,
    evaluation_fields,
    in_order,
    version,
)
from waymark_planner.entrypoints.pages_common import errors_for, page, planner_pages, stale, today
from waymark_planner.service_layer import evaluation, participation, permissions
from waymark_planner.service_layer.errors import InvalidInput
from waymark_shared.eventstore.store import ConcurrencyError
from waymark_shared.web.auth import require_principal
from waymark_shared.web.runtime import current_runtime

STALE_LOG = (
    "Someone else changed this activity after you opened this page, so the delivery has not been logged. "
    "Check the activity below and log it again."
)


def _roster(institution_id: str) -> list[dict[str, Any]]:
    """Year groups with their form groups and learners, as the form lists them."""
    choices = views.roster_choices(current_runtime(), institution_id)
    years = []
    for year_group in sorted(choices, key=int):
        groups = choices[year_group]
        forms = [
            {
                "form_group": name,
                "learners": [
                    {"learner_id": lid, "year_group": int(year_group), "form_group": name} for lid in ids
                ],
            }
            for name, ids in sorted(groups.items())
        ]
        years.append(
            {"year_group": int(year_group), "forms": forms, "size": sum(len(f["learners"]) for f in forms)}
        )
    return years


def _learner_ids(roster: list[dict[str, Any]]) -> list[str]:
    return [
        learner["learner_id"] for year in roster for form in year["forms"] for learner in form["learners"]
    ]


def _form_groups(roster: list[dict[str, Any]]) -> list[str]:
    return [form["form_group"] for year in roster for form in year["forms"]]


def _likely_delivery_day(activity: dict[str, Any]) -> str | None:
    """Its planned date if that has come, else today if today is in the plan's year."""
    day = today().isoformat()
    if activity.get("date") and activity["date"] <= day:
        return str(activity["date"])
    return day if AcademicYear(activity["academic_year"]).contains(today()) else None


@planner_pages.route("/activities/<uuid:activity_id>/delivery", methods=["GET", "POST"])
def log_delivery(activity_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    activity_id = str(activity_id)
    found, institution = access.checked_activity(principal, activity_id, permissions.can_edit)
    if found["status"] != vocabulary.PLANNED:
        flash("This activity has already been " + found["status"] + ".", "important")
        return redirect(url_for(".activity", activity_id=activity_id))
    roster = _roster(institution["institution_id"])
    context = {"activity": found, "institution": institution, "roster": roster}
    if request.method != "POST":
        form = MultiDict([("meaningful", item) for item in found.get("meaningful") or ()])
        add_day(form, "delivered_on", _likely_delivery_day(found))
        form.add("version", str(found["version"]))
        return page("log.html", form=form, **context)
    values, problems = delivery_fields(
        request.form,
        learners=_learner_ids(roster),
        form_groups=_form_groups(roster),
        year=AcademicYear(found["academic_year"]),
        today=today(),
    )
    try:
        if problems:
            raise InvalidInput(problems)
        participation.log_activity(
            current_runtime(),
            activity_id,
            values.pop("delivered_on"),
            expected_version=version(request.form),
            **values,
        )
    except InvalidInput as error:
        errors = errors_for(in_order(error.errors, DELIVERY_FORM_ORDER))
        return page("log.html", 422, form=request.form, errors=errors, **context)
    except ConcurrencyError:
        fresh = views.activity_detail(current_runtime(), activity_id) or found
        form = MultiDict(request.form)
        form.setlist("version", [str(fresh["version"])])
        return page("log.html", 409, form=form, errors=stale(STALE_LOG), **{**context, "activity": fresh})
    flash(f"“{found['title']}” has been logged as delivered.", "success")
    return redirect(url_for(".activity", activity_id=activity_id))


@planner_pages.route("/activities/<uuid:activity_id>/participation", methods=["GET", "POST"])
def correct_participation(activity_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    activity_id = str(activity_id)
    found, institution = access.checked_activity(principal, activity_id, permissions.can_edit)
    if found["status"] != vocabulary.DELIVERED:
        flash("Participation is recorded when an activity is logged as delivered.", "important")
        return redirect(url_for(".activity", activity_id=activity_id))
    roster = _roster(institution["institution_id"])
    current = (found.get("participation") or {}).get("learners", [])
    taking_part = {learner["learner_id"] for learner in current}
    context = {
        "activity": found,
        "institution": institution,
        "roster": roster,
        "current": current,
        "taking_part": taking_part,
    }
    if request.method != "POST":
        form = MultiDict()
        for count in (found.get("participation") or {}).get("counts", []):
            form.add(f"count-{count['year_group']}", str(count["count"]))
        return page("correct.html", form=form, **context)
    values, problems = correction_fields(
        request.form, participants=sorted(taking_part), learners=_learner_ids(roster)
    )
    try:
        if problems:
            raise InvalidInput(problems)
        participation.correct_participation(
            current_runtime(),
            activity_id,
            add=values["add"],
            remove=values["remove"],
            counts=values["counts"],
            reason=values["reason"],
        )
    except InvalidInput as error:
        return page("correct.html", 422, form=request.form, errors=errors_for(error.errors), **context)
    flash(
        "The participation has been corrected. The correction and its reason are kept in the history.",
        "success",
    )
    return redirect(url_for(".activity", activity_id=activity_id))


def _objectives(activity: dict[str, Any]) -> list[dict[str, str]]:
    """The objectives an activity is judged against: its own, else all the plan's."""
    plan = views.plan_detail(current_runtime(), activity["plan_id"]) or {"objectives": []}
    linked = [o for o in plan["objectives"] if o["objective_id"] in (activity.get("objective_ids") or ())]
    return linked or plan["objectives"]


def _evaluation_form(activity: dict[str, Any]) -> MultiDict:
    form = MultiDict()
    done = activity.get("evaluation") or {}
    for item in done.get("feedback", []):
        source = item.get("from") or item.get("respondent")
        form.add(f"rating-{source}", str(item["rating"]))
        form.add(f"responses-{source}", str(item.get("responses") or 1))
        if item.get("comment"):
            form.add(f"comment-{source}", item["comment"])
    for item in done.get("outcomes", []):
        form.add(f"outcome-{item['objective_id']}", item["outcome"])
        if item.get("note"):
            form.add(f"note-{item['objective_id']}", item["note"])
    if done.get("summary"):
        form.add("summary", done["summary"])
    return form


@planner_pages.route("/activities/<uuid:activity_id>/evaluation", methods=["GET", "POST"])
def evaluate(activity_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    activity_id = str(activity_id)
    found, institution = access.checked_activity(principal, activity_id, permissions.can_edit)
    if found["status"] != vocabulary.DELIVERED:
        flash("An activity is evaluated once it has been delivered.", "important")
        return redirect(url_for(".activity", activity_id=activity_id))
    objectives = _objectives(found)
    context = {"activity": found, "institution": institution, "objectives": objectives}
    if request.method != "POST":
        return page("evaluate.html", form=_evaluation_form(found), **context)
    values, problems = evaluation_fields(request.form, objectives=[o["objective_id"] for o in objectives])
    try:
        if problems:
            raise InvalidInput(problems)
        evaluation.evaluate_activity(
            current_runtime(), activity_id, values["feedback"], values["outcomes"], summary=values["summary"]
        )
    except InvalidInput as error:
        return page("evaluate.html", 422, form=request.form, errors=errors_for(error.errors), **context)
    flash(f"Your evaluation of “{found['title']}” has been saved.", "success")
    return redirect(url_for(".activity", activity_id=activity_id))
