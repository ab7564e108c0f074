"""Planner's JSON API for plans: an institution's plans, creating this year's,
objectives, the evaluation's suggestions, and the Word and Excel downloads. Activities
are in :mod:`waymark_planner.entrypoints.api_activities`. Every refusal is
problem+json; a stale version (If-Match or ``version``) is 409, bad input 422 with
field-level errors, and nothing is written."""

from __future__ import annotations

from flask import Blueprint, request, url_for
from marshmallow import Schema, fields

from waymark_planner import views
from waymark_planner.entrypoints import access, outcomes
from waymark_planner.entrypoints.downloads import download
from waymark_planner.entrypoints.schemas import (
    AcceptSuggestionRequest,
    ActivityResponse,
    ChangeObjectivesRequest,
    CreatePlanRequest,
    DismissSuggestionRequest,
    PlanActivityRequest,
    PlanListResponse,
    PlanResponse,
)
from waymark_planner.service_layer import activities as activities_
from waymark_planner.service_layer import permissions, plans
from waymark_planner.service_layer import suggestions as answers
from waymark_shared.web.auth import require_principal
from waymark_shared.web.openapi import api_route
from waymark_shared.web.requests import expected_version, load_json
from waymark_shared.web.runtime import current_runtime

api = Blueprint("planner", __name__, url_prefix="/api")
READ = {200: None, 401: None, 403: None, 404: None}


class PlansQuery(Schema):
    academic_year = fields.String(load_default=None)


def plan_answer(plan_id: str, status: int = 200, headers: dict | None = None):  # type: ignore[no-untyped-def]
    plan = views.plan_detail(current_runtime(), plan_id)
    assert plan is not None
    body = PlanResponse().dump(outcomes.plan_body(plan))
    return body, status, {"ETag": f'"{plan["version"]}"', **(headers or {})}


def activity_answer(activity_id: str, may_see_learners: bool, status: int = 200, headers: dict | None = None):  # type: ignore[no-untyped-def]
    activity = views.activity_detail(current_runtime(), activity_id, learners=may_see_learners)
    assert activity is not None
    body = ActivityResponse().dump(outcomes.activity_body(activity, may_see_learners))
    return body, status, {"ETag": f'"{activity["version"]}"', **(headers or {})}


@api_route(
    api,
    "/institutions/<uuid:institution_id>/plans",
    responses={200: PlanListResponse, 401: None, 403: None, 404: None, 422: None},
    summary="An institution's careers plans, newest academic year first (?academic_year=2026/27 for one)",
)
def list_plans(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_id = str(institution_id)
    access.checked_institution(principal, institution_id, permissions.can_read_plan)
    query = PlansQuery().load(request.args)
    found = outcomes.plan_summaries(views.plans_of(current_runtime(), institution_id))
    if query["academic_year"] is not None:
        outcomes.academic_year(query["academic_year"], "academic_year")
        found = [plan for plan in found if plan["academic_year"] == query["academic_year"]]
    return PlanListResponse().dump({"institution_id": institution_id, "plans": found})


@api_route(
    api,
    "/institutions/<uuid:institution_id>/plans",
    methods=["POST"],
    request=CreatePlanRequest,
    responses={201: PlanResponse, 401: None, 403: None, 404: None, 409: None},
    summary="Create the plan for an academic year: empty, from last year's, or from the evaluation's gaps",
    endpoint="create_plan",
)
def create(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_id = str(institution_id)
    access.checked_institution(principal, institution_id, permissions.can_edit)
    body = load_json(CreatePlanRequest)
    year = outcomes.academic_year(body["academic_year"], "academic_year")
    with outcomes.refusals():
        plan_id = plans.create_plan(
            current_runtime(),
            institution_id,
            str(year),
            origin=body["origin"],
            objectives=[objective["text"] for objective in body["objectives"]],
        )
    return plan_answer(plan_id, 201, {"Location": url_for(".show_plan", plan_id=plan_id)})


@api_route(
    api,
    "/plans/<uuid:plan_id>",
    responses={200: PlanResponse, 401: None, 404: None},
    summary="A plan: objectives, suggestions from the evaluation, activities and counts (ETag: version)",
)
def show_plan(plan_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    access.checked_plan(principal, str(plan_id), permissions.can_read_plan)
    return plan_answer(str(plan_id))


@api_route(
    api,
    "/plans/<uuid:plan_id>/objectives",
    methods=["PUT"],
    request=ChangeObjectivesRequest,
    responses={200: PlanResponse, 401: None, 403: None, 404: None, 409: None},
    summary="Replace the plan's objectives (If-Match or version: the version you changed)",
)
def change_objectives(plan_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    plan_id = str(plan_id)
    access.checked_plan(principal, plan_id, permissions.can_edit, detail=False)
    body = load_json(ChangeObjectivesRequest)
    version = expected_version(body["version"])
    with outcomes.refusals():
        plans.change_objectives(current_runtime(), plan_id, body["objectives"], expected_version=version)
    return plan_answer(plan_id)


@api_route(
    api,
    "/plans/<uuid:plan_id>/suggestions/<uuid:suggestion_id>/accept",
    methods=["POST"],
    request=AcceptSuggestionRequest,
    responses={201: ActivityResponse, 401: None, 403: None, 404: None, 409: None},
    summary="Accept a suggestion from the evaluation (with changes): it becomes a planned activity",
)
def accept_suggestion(plan_id, suggestion_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    plan_id = str(plan_id)
    access.checked_plan(principal, plan_id, permissions.can_edit, detail=False)
    body = load_json(AcceptSuggestionRequest) if request.get_data(cache=True) else {"overrides": None}
    overrides = None
    if body["overrides"]:
        overrides = outcomes.activity_fields(body["overrides"], partial=True, prefix="overrides")
    with outcomes.refusals():
        activity_id = answers.accept_suggestion(current_runtime(), plan_id, str(suggestion_id), overrides)
    location = url_for("activities.show_activity", activity_id=activity_id)
    return activity_answer(activity_id, True, 201, {"Location": location})


@api_route(
    api,
    "/plans/<uuid:plan_id>/suggestions/<uuid:suggestion_id>/dismiss",
    methods=["POST"],
    request=DismissSuggestionRequest,
    responses={200: PlanResponse, 401: None, 403: None, 404: None, 409: None},
    summary="Dismiss a suggestion from the evaluation, with an optional reason",
)
def dismiss_suggestion(plan_id, suggestion_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    plan_id = str(plan_id)
    access.checked_plan(principal, plan_id, permissions.can_edit, detail=False)
    body = load_json(DismissSuggestionRequest) if request.get_data(cache=True) else {"reason": None}
    with outcomes.refusals():
        answers.dismiss_suggestion(current_runtime(), plan_id, str(suggestion_id), reason=body["reason"])
    return plan_answer(plan_id)


@api_route(
    api,
    "/plans/<uuid:plan_id>/activities",
    methods=["POST"],
    request=PlanActivityRequest,
    responses={201: ActivityResponse, 401: None, 403: None, 404: None},
    summary="Plan an activity (a date or a term in the plan's year; a listed provider or free text)",
)
def plan_activity(plan_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    plan_id = str(plan_id)
    access.checked_plan(principal, plan_id, permissions.can_edit, detail=False)
    body = load_json(PlanActivityRequest)
    with outcomes.refusals():
        activity_id = activities_.plan_activity(current_runtime(), plan_id, outcomes.plain(body))
    location = url_for("activities.show_activity", activity_id=activity_id)
    return activity_answer(activity_id, True, 201, {"Location": location})


def _export(plan_id, kind: str, extension: str):  # type: ignore[no-untyped-def]
    principal = require_principal()
    plan, institution = access.checked_plan(principal, str(plan_id), permissions.can_read_plan)
    return download(plan, institution, kind, extension)


@api_route(api, "/plans/<uuid:plan_id>/export.docx", responses=READ, summary="The plan as a Word document")
def plan_docx(plan_id):  # type: ignore[no-untyped-def]
    return _export(plan_id, "plan", "docx")


@api_route(api, "/plans/<uuid:plan_id>/export.xlsx", responses=READ, summary="The plan as an Excel workbook")
def plan_xlsx(plan_id):  # type: ignore[no-untyped-def]
    return _export(plan_id, "plan", "xlsx")


@api_route(
    api,
    "/plans/<uuid:plan_id>/log.docx",
    responses=READ,
    summary="The activity log (delivered activities, participation counts, evaluation) as Word",
)
def log_docx(plan_id):  # type: ignore[no-untyped-def]
    return _export(plan_id, "log", "docx")


@api_route(api, "/plans/<uuid:plan_id>/log.xlsx", responses=READ, summary="The activity log as Excel")
def log_xlsx(plan_id):  # type: ignore[no-untyped-def]
    return _export(plan_id, "log", "xlsx")
