"""Audit's JSON API for evaluations: check who is asking, validate, run the command,
answer. Reads go to :mod:`waymark_audit.views`."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, request, url_for

from waymark_audit import views
from waymark_audit.adapters.institutions import institution
from waymark_audit.domain.evaluations import (
    COMPLETED,
    EvaluationCompleted,
    InvalidAnswers,
    MissingAnswers,
)
from waymark_audit.entrypoints.schemas import (
    EvaluationHistoryResponse,
    EvaluationResponse,
    ResultsResponse,
    SaveAnswersRequest,
    StartEvaluationRequest,
    SubmitEvaluationRequest,
)
from waymark_audit.service_layer import permissions
from waymark_audit.service_layer.evaluations import (
    EvaluationInProgress,
    InstitutionClosed,
    NothingToCopy,
    UnknownInstitution,
    load_evaluation,
    save_answers,
    start_evaluation,
    submit_evaluation,
)
from waymark_audit.service_layer.permissions import InstitutionScope
from waymark_shared.auth.principal import Principal
from waymark_shared.web.auth import forbidden, require_principal
from waymark_shared.web.openapi import api_route
from waymark_shared.web.problems import CONFLICT, VALIDATION, Problem
from waymark_shared.web.requests import expected_version, load_json
from waymark_shared.web.runtime import current_runtime

evaluations_api = Blueprint("evaluations", __name__, url_prefix="/api")

Policy = Callable[[Principal | None, InstitutionScope], bool]


def checked_institution(principal: Principal, institution_id: str, allowed: Policy) -> dict:
    """The institution, if ``principal`` may do this with it: 403 otherwise, and 404
    only to someone who would be allowed, so nothing leaks."""
    found = institution(current_runtime(), institution_id)
    scope = InstitutionScope(institution_id, found and found["careers_hub"], found and found["trust"])
    if not allowed(principal, scope):
        raise forbidden("You do not have access to this institution's evaluations.")
    if found is None:
        raise Problem(404, "Unknown institution", f"Audit has not heard of institution {institution_id}.")
    return found


def _checked_evaluation(principal: Principal, evaluation_id: str, allowed: Policy) -> dict:
    row = views.evaluation_row(current_runtime(), evaluation_id)
    if row is None:
        raise Problem(404, "No such evaluation", f"There is no evaluation {evaluation_id}.")
    checked_institution(principal, row["institution_id"], allowed)
    return row


def _answer(evaluation_id: str, status: int = 200, extra: dict | None = None, headers: dict | None = None):  # type: ignore[no-untyped-def]
    runtime = current_runtime()
    evaluation = load_evaluation(evaluation_id, runtime)
    assert evaluation is not None
    body = EvaluationResponse().dump({**views.evaluation_detail(runtime, evaluation), **(extra or {})})
    return body, status, {"ETag": f'"{evaluation.version}"', **(headers or {})}


def _completed(error: EvaluationCompleted) -> Problem:
    return Problem(409, "The evaluation is completed", str(error), type=CONFLICT)


@api_route(
    evaluations_api,
    "/institutions/<uuid:institution_id>/evaluations",
    methods=["POST"],
    request=StartEvaluationRequest,
    responses={201: EvaluationResponse, 401: None, 403: None, 404: None, 409: None},
    summary="Start an evaluation: new, or a copy of the last completed one to update",
)
def start(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_id = str(institution_id)
    checked_institution(principal, institution_id, permissions.can_edit)
    body = load_json(StartEvaluationRequest) if request.get_data(cache=True) else {"copy_last": False}
    try:
        evaluation, left_behind = start_evaluation(
            current_runtime(), institution_id, copy_last=body["copy_last"]
        )
    except EvaluationInProgress as error:
        raise Problem(
            409,
            "An evaluation is in progress",
            str(error),
            type=CONFLICT,
            extensions={"evaluation_id": error.evaluation_id},
        ) from error
    except (InstitutionClosed, NothingToCopy) as error:
        raise Problem(409, "Cannot start this evaluation", str(error), type=CONFLICT) from error
    except UnknownInstitution as error:
        raise Problem(404, "Unknown institution", str(error)) from error
    location = url_for(".show", evaluation_id=evaluation.evaluation_id)
    return _answer(evaluation.evaluation_id, 201, {"left_behind": left_behind}, {"Location": location})


@api_route(
    evaluations_api,
    "/evaluations/<uuid:evaluation_id>",
    responses={200: EvaluationResponse, 401: None, 403: None, 404: None},
    summary="An evaluation: its answers, version (ETag) and progress per benchmark",
)
def show(evaluation_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    _checked_evaluation(principal, str(evaluation_id), permissions.can_read)
    return _answer(str(evaluation_id))


@api_route(
    evaluations_api,
    "/evaluations/<uuid:evaluation_id>/answers",
    methods=["PATCH"],
    request=SaveAnswersRequest,
    responses={200: EvaluationResponse, 401: None, 403: None, 404: None, 409: None},
    summary="Save a part of the answers (If-Match or version: the version they were made on)",
    description="A save on a version that is no longer the latest is refused (409, with the current "
    "version): reload, and save again.",
)
def save(evaluation_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    evaluation_id = str(evaluation_id)
    _checked_evaluation(principal, evaluation_id, permissions.can_edit)
    body = load_json(SaveAnswersRequest)
    version = expected_version(body["version"])
    if version is None:
        raise Problem(
            428,
            "Version required",
            "Send If-Match (or version) with the version the answers were made on.",
            errors={"version": ["Send the version you loaded."]},
        )
    try:
        save_answers(current_runtime(), evaluation_id, body["answers"], version)
    except InvalidAnswers as error:
        errors = {f"answers.{qid}": messages for qid, messages in error.errors.items()}
        raise Problem(422, "Some answers are not valid", errors=errors, type=VALIDATION) from error
    except EvaluationCompleted as error:
        raise _completed(error) from error
    return _answer(evaluation_id)


@api_route(
    evaluations_api,
    "/evaluations/<uuid:evaluation_id>/submit",
    methods=["POST"],
    request=SubmitEvaluationRequest,
    responses={200: EvaluationResponse, 401: None, 403: None, 404: None, 409: None, 422: None},
    summary="Submit: complete it with its result (422 lists required questions unanswered)",
)
def submit(evaluation_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    evaluation_id = str(evaluation_id)
    _checked_evaluation(principal, evaluation_id, permissions.can_edit)
    body = load_json(SubmitEvaluationRequest) if request.get_data(cache=True) else {"version": None}
    try:
        submit_evaluation(current_runtime(), evaluation_id, expected_version(body["version"]))
    except MissingAnswers as error:
        raise Problem(
            422,
            "Required questions are unanswered",
            f"Answer these {len(error.missing)} questions before submitting.",
            errors={f"answers.{qid}": ["This question must be answered."] for qid in error.missing},
            type=VALIDATION,
            extensions={"missing": error.missing},
        ) from error
    except EvaluationCompleted as error:
        raise _completed(error) from error
    return _answer(evaluation_id)


@api_route(
    evaluations_api,
    "/institutions/<uuid:institution_id>/evaluations",
    responses={200: EvaluationHistoryResponse, 401: None, 403: None, 404: None},
    summary="The institution's evaluations by academic year, with termly snapshots",
)
def history(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_id = str(institution_id)
    checked_institution(principal, institution_id, permissions.can_read_results)
    years = views.history(current_runtime(), institution_id)
    return EvaluationHistoryResponse().dump({"institution_id": institution_id, "academic_years": years})


@api_route(
    evaluations_api,
    "/evaluations/<uuid:evaluation_id>/results",
    responses={200: ResultsResponse, 401: None, 403: None, 404: None},
    summary="Results: per-benchmark percentages, criterion statuses, change since the previous "
    "evaluation and suggested actions",
)
def results(evaluation_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    row = _checked_evaluation(principal, str(evaluation_id), permissions.can_read_results)
    scope = InstitutionScope(row["institution_id"])
    if row["status"] != COMPLETED and not permissions.can_read(principal, scope):
        raise forbidden("An evaluation's results are shared with hub and trust leads once it is submitted.")
    runtime = current_runtime()
    evaluation = load_evaluation(str(evaluation_id), runtime)
    assert evaluation is not None
    return ResultsResponse().dump(views.evaluation_results(runtime, evaluation))
