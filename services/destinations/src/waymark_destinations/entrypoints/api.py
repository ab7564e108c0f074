"""Destinations' JSON API: check who is asking, validate, run the command, answer.
Reads go to :mod:`waymark_destinations.views` and :mod:`waymark_destinations.worklist`.

A learner's routes answer 404 both for a learner destinations has never heard of and
for another institution's learner, so nothing leaks about who is where."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, request
from marshmallow import RAISE, Schema

from waymark_destinations import views, worklist
from waymark_destinations.adapters.institutions import institution
from waymark_destinations.domain.categories import CATEGORIES, SEPTEMBER_GUARANTEE, SOURCES
from waymark_destinations.domain.destinations import Refusal
from waymark_destinations.entrypoints.schemas import (
    CategoriesResponse,
    CohortViewResponse,
    ConsentRequest,
    ExportQuery,
    ImportOptions,
    ImportResponse,
    JudgeRequest,
    LearnerDestinationsResponse,
    LeavingPointQuery,
    RecordDestinationRequest,
    RecordIntendedRequest,
    WorklistResponse,
)
from waymark_destinations.service_layer import permissions
from waymark_destinations.service_layer.clock import today
from waymark_destinations.service_layer.imports import (
    MAX_BYTES,
    ImportConflict,
    ImportResult,
    import_destinations,
)
from waymark_destinations.service_layer.recording import (
    Detail,
    UnknownLearner,
    judge_destination,
    learner_institution,
    record_consent,
    record_destination,
    record_intended,
)
from waymark_shared.auth.principal import Principal
from waymark_shared.eventstore.store import ConcurrencyError
from waymark_shared.web.auth import forbidden, require_principal
from waymark_shared.web.openapi import api_route
from waymark_shared.web.problems import CONFLICT, VALIDATION, Problem
from waymark_shared.web.requests import expected_version, load_json
from waymark_shared.web.runtime import current_runtime

api = Blueprint("destinations", __name__, url_prefix="/api")
Policy = Callable[[Principal | None, str], bool]
CSV_TYPES = {"text/csv", "application/csv", "text/plain"}


def checked_institution(principal: Principal, institution_id: str, allowed: Policy) -> dict[str, Any]:
    """403 unless ``principal`` may; then 404 if destinations has not heard of it."""
    if not allowed(principal, institution_id):
        raise forbidden("You do not have access to this institution's destinations.")
    found = institution(current_runtime(), institution_id)
    if found is None:
        raise Problem(404, "Unknown institution", f"Destinations has not heard of institution {institution_id}.")
    return found


def checked_learner(principal: Principal, learner_id: str, allowed: Policy) -> str:
    """The learner's institution id, if ``principal`` may; else 404 (never saying whether
    the learner exists elsewhere)."""
    institution_id = learner_institution(current_runtime(), learner_id)
    if institution_id is None or not allowed(principal, institution_id):
        raise Problem(404, "No such learner", f"There is no learner {learner_id} at your institutions.")
    return institution_id


def refused(refusal: Refusal) -> Problem:
    kind = VALIDATION if refusal.status == 422 else CONFLICT
    return Problem(refusal.status, refusal.title, refusal.detail, errors=refusal.errors, type=kind)


def _query(schema: type[Schema]) -> dict[str, Any]:
    return schema().load(request.args.to_dict(), unknown=RAISE)


def _learner_answer(learner_id: str, status: int = 200):  # type: ignore[no-untyped-def]
    runtime = current_runtime()
    found = views.learner_view(runtime, learner_id)
    assert found is not None
    version = len(found["history"])
    body = LearnerDestinationsResponse().dump({**found, "version": version})
    return body, status, {"ETag": f'"{version}"'}


def _command(learner_id: str, run: Callable[[], tuple[Any, list[Any]]]):  # type: ignore[no-untyped-def]
    try:
        _, events = run()
    except Refusal as refusal:
        raise refused(refusal) from refusal
    except UnknownLearner as error:
        raise Problem(404, "No such learner", str(error)) from error
    except ConcurrencyError as error:
        raise Problem(409, "Changed meanwhile", "Someone else recorded for this learner since the version you "
                      "sent (If-Match): reload and try again.", type=CONFLICT,
                      extensions={"current_version": error.actual}) from error  # fmt: skip
    return _learner_answer(learner_id, 201 if events else 200)


# -- reference ---------------------------------------------------------------------------


@api_route(api, "/destination-categories", responses={200: CategoriesResponse, 401: None},
           summary="The destination categories per leaving point, in DfE terms")  # fmt: skip
def categories():  # type: ignore[no-untyped-def]
    require_principal()
    items = [{**vars(c), "can_be_sustained": c.can_be_sustained} for c in CATEGORIES]
    return CategoriesResponse().dump(
        {"categories": items, "sources": list(SOURCES), "september_guarantee": list(SEPTEMBER_GUARANTEE)}
    )


# -- an institution ------------------------------------------------------------------------


@api_route(
    api,
    "/institutions/<uuid:institution_id>/destinations/cohorts",
    responses={200: CohortViewResponse, 401: None, 403: None, 404: None},
    summary="Leaving cohorts: counts and percentages per category, sustained rate, NEET and not known",
    description="Aggregates only (senior leaders and governors may read them). The latest three "
    "leaving cohorts, newest first, each with the change since the one before.",
)
def cohorts(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_id = str(institution_id)
    checked_institution(principal, institution_id, permissions.can_read_aggregates)
    query = _query(LeavingPointQuery)
    view = views.cohort_view(current_runtime(), institution_id, query["leaving_point"])
    return CohortViewResponse().dump({"institution_id": institution_id, **view})


@api_route(
    api,
    "/institutions/<uuid:institution_id>/destinations/worklist",
    responses={200: WorklistResponse, 401: None, 403: None, 404: None},
    summary="Learners with no known or a lapsing destination, most urgent first, with why",
)
def show_worklist(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_id = str(institution_id)
    checked_institution(principal, institution_id, permissions.can_read_learners)
    # Already JSON-ready, and long: marshmallow's dump would double the time (the schema
    # documents it).
    return worklist.worklist(current_runtime(), institution_id)


def export_csv(institution_id: str, leaving_point: str, cohort: str | None) -> Response:
    runtime = current_runtime()
    cohorts_ = [cohort] if cohort else views.leaving_cohorts(leaving_point, today(runtime))
    rows = views.export_rows(runtime, institution_id, leaving_point, cohorts_)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=views.EXPORT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    name = f"destinations-{leaving_point}-{(cohort or 'latest').replace('/', '-')}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@api_route(
    api,
    "/institutions/<uuid:institution_id>/destinations/export",
    responses={200: None, 401: None, 403: None, 404: None},
    summary="Every learner of the leaving cohorts as CSV, in DfE category terms",
)
def export(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_id = str(institution_id)
    checked_institution(principal, institution_id, permissions.can_read_learners)
    query = _query(ExportQuery)
    return export_csv(institution_id, query["leaving_point"], query["cohort"])


def rejected(result: ImportResult) -> Problem:
    errors: dict[str, Any] = {}
    for error in result.errors:
        errors.setdefault(f"rows.{error.row}.{error.column or '_row'}", []).append(error.message)
    if result.file_errors:
        errors["file"] = result.file_errors
    if result.file_errors:
        detail = " ".join(result.file_errors)
    else:
        detail = (f"{result.rows_invalid} of {result.rows_total} rows have errors, so nothing was imported. "
                  "Correct them, or send valid_rows_only=true to import the other rows.")  # fmt: skip
    body = ImportResponse().dump(result)
    return Problem(422, "The destinations were not imported", detail, errors=errors, type=VALIDATION,
                   extensions={k: body[k] for k in ("rows_total", "rows_valid", "rows_invalid")})  # fmt: skip


def _upload() -> tuple[bytes, str | None, dict[str, Any]]:
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise Problem(422, "Invalid request", "Send the CSV file in the field 'file'.",
                          errors={"file": ["Send one CSV file in the field 'file'."]}, type=VALIDATION)  # fmt: skip
        return upload.read(), upload.filename or None, ImportOptions().load(request.form.to_dict(), unknown=RAISE)
    if request.mimetype in CSV_TYPES:
        return request.get_data(cache=False), None, _query(ImportOptions)
    raise Problem.for_status(415, "Send the CSV as text/csv, or as multipart/form-data in the field 'file'.")


@api_route(
    api,
    "/institutions/<uuid:institution_id>/destinations/imports",
    methods=["POST"],
    responses={201: ImportResponse, 200: ImportResponse, 401: None, 403: None, 404: None, 409: None, 422: None},
    summary="Import destinations from CSV (all or nothing unless valid_rows_only)",
    description="Columns: learner_id, leaving_point, category, provider, start_date, source (and "
    "optionally evidence_date, september_guarantee, notes). 422 lists each row's errors; rows the "
    "learner's destination already says change nothing, so the same file again writes nothing (200).",
)
def create_import(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_id = str(institution_id)
    checked_institution(principal, institution_id, permissions.can_write)
    request.max_content_length = MAX_BYTES
    content, file_name, options = _upload()
    try:
        result = import_destinations(
            current_runtime(), institution_id, content, file_name=file_name,
            valid_rows_only=options["valid_rows_only"], actor=principal.subject,
        )  # fmt: skip
    except ImportConflict as error:
        raise Problem(409, "Changed meanwhile", "Someone recorded for one of these learners; import again.",
                      type=CONFLICT) from error  # fmt: skip
    if not result.imported:
        raise rejected(result)
    return ImportResponse().dump(result), 201 if result.recorded else 200


# -- a learner -------------------------------------------------------------------------------


@api_route(
    api,
    "/learners/<uuid:learner_id>/destinations",
    responses={200: LearnerDestinationsResponse, 401: None, 404: None},
    summary="A learner's destinations at each leaving point, consent and the whole history",
)
def show_learner(learner_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    checked_learner(principal, str(learner_id), permissions.can_read_learners)
    return _learner_answer(str(learner_id))


@api_route(
    api,
    "/learners/<uuid:learner_id>/destinations",
    methods=["POST"],
    request=RecordDestinationRequest,
    responses={201: LearnerDestinationsResponse, 200: LearnerDestinationsResponse, 401: None, 404: None,
               409: None, 422: None},
    summary="Record the destination a learner started (DestinationRecorded)",
    description="201 when recorded, 200 when it is what is recorded already. 422 names the field: a "
    "category not valid for the leaving point, a start before leaving, no consent for detail; 409 when "
    "it cannot be recorded now (before leaving, after tracking ended).",
)  # fmt: skip
def record(learner_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    learner_id = str(learner_id)
    checked_learner(principal, learner_id, permissions.can_write)
    body = load_json(RecordDestinationRequest)
    detail = Detail(body.pop("provider"), body.pop("notes"))
    return _command(learner_id, lambda: record_destination(current_runtime(), learner_id, detail=detail,
                                                                   expected_version=expected_version(None), **body))


@api_route(
    api,
    "/learners/<uuid:learner_id>/intended-destinations",
    methods=["POST"],
    request=RecordIntendedRequest,
    responses={201: LearnerDestinationsResponse, 200: LearnerDestinationsResponse, 401: None, 404: None,
               409: None, 422: None},
    summary="Record the destination a learner intends, in Year 11 or Year 13 (DestinationIntended)",
)  # fmt: skip
def intend(learner_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    learner_id = str(learner_id)
    checked_learner(principal, learner_id, permissions.can_write)
    body = load_json(RecordIntendedRequest)
    return _command(learner_id, lambda: record_intended(current_runtime(), learner_id,
                                                           expected_version=expected_version(None), **body))


@api_route(
    api,
    "/learners/<uuid:learner_id>/destinations/<any('ks4','16-18'):leaving_point>/judgement",
    methods=["POST"],
    request=JudgeRequest,
    responses={201: LearnerDestinationsResponse, 200: LearnerDestinationsResponse, 401: None, 404: None,
               409: None, 422: None},
    summary="Confirm the destination sustained or not (DestinationSustained / DestinationNotSustained)",
    description="Only once the DfE definition's period has passed: 409 before, naming the day it can be.",
)  # fmt: skip
def judge(learner_id, leaving_point):  # type: ignore[no-untyped-def]
    principal = require_principal()
    learner_id = str(learner_id)
    checked_learner(principal, learner_id, permissions.can_write)
    body = load_json(JudgeRequest)
    return _command(
        learner_id, lambda: judge_destination(current_runtime(), learner_id, leaving_point=leaving_point,
                                              expected_version=expected_version(None), **body)
    )


@api_route(
    api,
    "/learners/<uuid:learner_id>/destination-consent",
    methods=["POST"],
    request=ConsentRequest,
    responses={201: LearnerDestinationsResponse, 200: LearnerDestinationsResponse, 401: None, 404: None,
               409: None, 422: None},
    summary="Record the learner's consent to be tracked beyond 16 (DestinationConsentRecorded)",
)  # fmt: skip
def consent(learner_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    learner_id = str(learner_id)
    checked_learner(principal, learner_id, permissions.can_write)
    body = load_json(ConsentRequest)
    return _command(
        learner_id, lambda: record_consent(current_runtime(), learner_id, recorded_by=principal.subject,
                                           expected_version=expected_version(None), **body)
    )
