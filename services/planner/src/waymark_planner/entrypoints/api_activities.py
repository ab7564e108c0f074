"""Planner's JSON API for activities: read one, change it while planned, log its
delivery with who took part, correct that participation (an event, never an
overwrite), evaluate it, cancel it. Learners are directory's pseudonymous ids."""

from __future__ import annotations

from flask import Blueprint

from waymark_planner.entrypoints import access, outcomes
from waymark_planner.entrypoints.api import activity_answer
from waymark_planner.entrypoints.schemas import (
    ActivityResponse,
    CancelActivityRequest,
    CorrectParticipationRequest,
    EvaluateActivityRequest,
    LogDeliveryRequest,
    UpdateActivityRequest,
)
from waymark_planner.service_layer import activities as activities_
from waymark_planner.service_layer import evaluation, participation, permissions
from waymark_shared.web.auth import require_principal
from waymark_shared.web.openapi import api_route
from waymark_shared.web.requests import expected_version, load_json
from waymark_shared.web.runtime import current_runtime

activities_api = Blueprint("activities", __name__, url_prefix="/api")
CHANGES = {200: ActivityResponse, 401: None, 403: None, 404: None, 409: None}


def _answer(activity_id: str, institution: dict, principal, status: int = 200):  # type: ignore[no-untyped-def]
    scope = access.scope_for(institution["institution_id"], institution)
    return activity_answer(activity_id, permissions.can_read(principal, scope), status)


@api_route(
    activities_api,
    "/activities/<uuid:activity_id>",
    responses={200: ActivityResponse, 401: None, 404: None},
    summary="An activity: its details, participation, evaluation and version (ETag)",
    description="Hub and trust leads see participation as totals only, without learner ids.",
)
def show_activity(activity_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    _, institution = access.checked_activity(principal, str(activity_id), permissions.can_read_plan)
    return _answer(str(activity_id), institution, principal)


@api_route(
    activities_api,
    "/activities/<uuid:activity_id>",
    methods=["PATCH"],
    request=UpdateActivityRequest,
    responses=CHANGES,
    summary="Change a planned activity's details (If-Match or version)",
)
def update_activity(activity_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    activity_id = str(activity_id)
    _, institution = access.checked_activity(principal, activity_id, permissions.can_edit, detail=False)
    body = load_json(UpdateActivityRequest)
    version = expected_version(body["version"])
    with outcomes.refusals():
        activities_.update_activity(
            current_runtime(), activity_id, outcomes.plain(body), expected_version=version
        )
    return _answer(activity_id, institution, principal)


@api_route(
    activities_api,
    "/activities/<uuid:activity_id>/delivery",
    methods=["POST"],
    request=LogDeliveryRequest,
    responses=CHANGES,
    summary="Log that it was delivered, with who took part (learner ids, form or year groups, or counts)",
    description="Form groups and year groups stand for their learners on roll. A learner the roster does "
    "not know, or of another institution, is refused (422) and nothing is written.",
)
def log_delivery(activity_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    activity_id = str(activity_id)
    _, institution = access.checked_activity(principal, activity_id, permissions.can_log, detail=False)
    loaded = load_json(LogDeliveryRequest)
    version = expected_version(loaded["version"])
    body = outcomes.plain(loaded)
    with outcomes.refusals():
        participation.log_activity(
            current_runtime(),
            activity_id,
            body["delivered_on"],
            learner_ids=body["learner_ids"],
            form_groups=body["form_groups"],
            year_groups=body["year_groups"],
            counts=body["counts"],
            meaningful=body["meaningful"],
            notes=body["notes"],
            expected_version=version,
        )
    return _answer(activity_id, institution, principal)


@api_route(
    activities_api,
    "/activities/<uuid:activity_id>/participation-corrections",
    methods=["POST"],
    request=CorrectParticipationRequest,
    responses=CHANGES,
    summary="Correct who took part in a delivered activity, with a reason (kept in its history)",
)
def correct_participation(activity_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    activity_id = str(activity_id)
    _, institution = access.checked_activity(principal, activity_id, permissions.can_log, detail=False)
    body = outcomes.plain(load_json(CorrectParticipationRequest))
    with outcomes.refusals():
        participation.correct_participation(
            current_runtime(),
            activity_id,
            add=body["add"],
            remove=body["remove"],
            counts=body["counts"],
            reason=body["reason"],
        )
    return _answer(activity_id, institution, principal)


@api_route(
    activities_api,
    "/activities/<uuid:activity_id>/evaluation",
    methods=["POST"],
    request=EvaluateActivityRequest,
    responses=CHANGES,
    summary="Evaluate a delivered activity: ratings 1–5 and comments by respondent group, outcome per objective",
)
def evaluate(activity_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    activity_id = str(activity_id)
    _, institution = access.checked_activity(principal, activity_id, permissions.can_edit, detail=False)
    body = load_json(EvaluateActivityRequest)
    feedback = [{"from": item.pop("source"), **item} for item in body["feedback"]]
    with outcomes.refusals():
        evaluation.evaluate_activity(
            current_runtime(), activity_id, feedback, body["outcomes"], summary=body["summary"]
        )
    return _answer(activity_id, institution, principal)


@api_route(
    activities_api,
    "/activities/<uuid:activity_id>/cancel",
    methods=["POST"],
    request=CancelActivityRequest,
    responses=CHANGES,
    summary="Cancel a planned activity, with a reason",
)
def cancel(activity_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    activity_id = str(activity_id)
    _, institution = access.checked_activity(principal, activity_id, permissions.can_edit, detail=False)
    body = load_json(CancelActivityRequest)
    with outcomes.refusals():
        activities_.cancel_activity(current_runtime(), activity_id, body["reason"])
    return _answer(activity_id, institution, principal)
