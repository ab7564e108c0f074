"""Directory's JSON API for institutions: validate, check, run the command, answer.
Reads go to views."""

from __future__ import annotations

from flask import Blueprint, current_app, request, url_for
from marshmallow import RAISE

from waymark_directory import views
from waymark_directory.domain.commands import CloseInstitution, RegisterInstitution, UpdateInstitution
from waymark_directory.domain.institutions import InstitutionClosedError, InvalidInstitution
from waymark_directory.entrypoints.schemas import (
    CloseInstitutionRequest,
    ImportResponse,
    InstitutionListResponse,
    InstitutionQuery,
    InstitutionResponse,
    RegisterInstitutionRequest,
    UpdateInstitutionRequest,
)
from waymark_directory.service_layer import permissions
from waymark_directory.service_layer.gias_import import GiasFileError, import_gias, load_import
from waymark_directory.service_layer.handlers import (
    AlreadyRegistered,
    InstitutionNotFound,
    close_institution,
    load_institution,
    register_institution,
    update_institution,
)
from waymark_shared.auth import CAREERS_ADVISER, CAREERS_LEADER, GOVERNOR, HUB_LEAD, SENIOR_LEADER, TRUST_LEAD
from waymark_shared.auth.principal import HUB, INSTITUTION, TRUST, Principal
from waymark_shared.web.auth import forbidden, require_principal
from waymark_shared.web.openapi import api_route
from waymark_shared.web.problems import CONFLICT, Problem
from waymark_shared.web.requests import expected_version, load_json
from waymark_shared.web.runtime import current_runtime

api = Blueprint("institutions", __name__, url_prefix="/api")

IMPORT_MAX_BYTES = 100 * 1024 * 1024
IMPORT_ENDPOINTS = {"institutions.import_establishments"}
READ_SCOPE = "institutions:read"


def import_body_limit() -> int:
    return int(current_app.config.get("DIRECTORY_IMPORT_MAX_BYTES", IMPORT_MAX_BYTES))


@api.url_value_preprocessor
def _raise_body_limit(endpoint: str | None, _values: dict | None) -> None:
    # Runs before the app's before_request hooks (CSRF's form check reads the body).
    if endpoint in IMPORT_ENDPOINTS:
        request.max_content_length = import_body_limit()


def visible_to(principal: Principal) -> views.Visible | None:
    """What ``principal`` may list: everything for admins, else their own scopes."""
    if permissions.is_admin(principal):
        return None
    staff = (CAREERS_LEADER, SENIOR_LEADER, GOVERNOR, CAREERS_ADVISER, "api_client")
    return views.Visible(
        frozenset(principal.scope_ids(INSTITUTION, *staff)),
        frozenset(principal.scope_ids(HUB, HUB_LEAD)),
        frozenset(principal.scope_ids(TRUST, TRUST_LEAD)),
    )


def checked_institution(principal: Principal, institution_id: str) -> dict:
    """The institution's row if ``principal`` may see it; 404 alike for one that does
    not exist and one they may not see, so nothing leaks."""
    row = views.institution(current_runtime(), institution_id)
    scope = row and permissions.InstitutionScope(institution_id, row["careers_hub"], row["trust"])
    if row is None or not permissions.can_view_institution(principal, scope):
        raise Problem(404, "No such institution", f"There is no institution {institution_id}.")
    return row


def _admin() -> Principal:
    principal = require_principal()
    if not permissions.can_register_institutions(principal):
        raise forbidden("Only platform administrators can do this.")
    return principal


def _answer(institution_id: str, status: int = 200, headers: dict | None = None):  # type: ignore[no-untyped-def]
    institution = load_institution(institution_id, current_runtime())
    body = InstitutionResponse().dump(institution)
    return body, status, {"ETag": f'"{institution.version}"', **(headers or {})}


def _closed(error: InstitutionClosedError) -> Problem:
    return Problem(
        409, "The institution is closed", str(error), type=CONFLICT, errors={"status": [str(error)]}
    )


@api_route(
    api,
    "/institutions",
    methods=["POST"],
    request=RegisterInstitutionRequest,
    responses={201: InstitutionResponse, 401: None, 403: None, 409: None},
    summary="Register an institution by URN or UKPRN (administrators)",
)
def register():  # type: ignore[no-untyped-def]
    _admin()
    command = RegisterInstitution(**load_json(RegisterInstitutionRequest))
    try:
        institution = register_institution(command, current_runtime())
    except InvalidInstitution as error:
        raise Problem(422, "The institution is not valid", errors=error.errors) from error
    except AlreadyRegistered as error:
        raise Problem(409, "Already registered", str(error), errors={error.scheme: [str(error)]}) from error
    location = url_for(".show", institution_id=institution.institution_id)
    return _answer(institution.institution_id, 201, {"Location": location})


@api_route(
    api,
    "/institutions/<uuid:institution_id>",
    responses={200: InstitutionResponse, 401: None, 404: None},
    summary="One institution, from its event stream (ETag: its version)",
)
def show(institution_id):  # type: ignore[no-untyped-def]
    checked_institution(require_principal(READ_SCOPE), str(institution_id))
    return _answer(str(institution_id))


@api_route(
    api,
    "/institutions/<uuid:institution_id>",
    methods=["PATCH"],
    request=UpdateInstitutionRequest,
    responses={200: InstitutionResponse, 401: None, 403: None, 404: None, 409: None},
    summary="Change some of an institution's details (If-Match or version: the version changed)",
    endpoint="update",
)
def update(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    checked_institution(principal, str(institution_id))
    if not permissions.can_manage_institution(principal, str(institution_id)):
        raise forbidden("Only the institution's careers leaders and administrators can change its details.")
    changes = load_json(UpdateInstitutionRequest)
    version = expected_version(changes.pop("version", None))
    if {"urn", "ukprn"} & set(changes) and not permissions.can_register_institutions(principal):
        raise forbidden("Only platform administrators can change an institution's URN or UKPRN.")
    command = UpdateInstitution(str(institution_id), changes, version)
    try:
        update_institution(command, current_runtime())
    except InvalidInstitution as error:
        raise Problem(422, "The change is not valid", errors=error.errors) from error
    except InstitutionClosedError as error:
        raise _closed(error) from error
    except AlreadyRegistered as error:
        raise Problem(409, "Already registered", str(error), errors={error.scheme: [str(error)]}) from error
    return _answer(str(institution_id))


@api_route(
    api,
    "/institutions/<uuid:institution_id>/close",
    methods=["POST"],
    request=CloseInstitutionRequest,
    responses={200: InstitutionResponse, 401: None, 403: None, 404: None, 409: None},
    summary="Close an institution (administrators); it takes no more changes",
)
def close(institution_id):  # type: ignore[no-untyped-def]
    _admin()
    body = load_json(CloseInstitutionRequest)
    version = expected_version(body.get("version"))
    command = CloseInstitution(str(institution_id), body["reason"], body["closed_on"].isoformat(), version)
    try:
        close_institution(command, current_runtime())
    except InstitutionNotFound as error:
        raise Problem(404, "No such institution", str(error)) from error
    except InvalidInstitution as error:
        raise Problem(422, "The closure is not valid", errors=error.errors) from error
    except InstitutionClosedError as error:
        raise _closed(error) from error
    return _answer(str(institution_id))


@api_route(
    api,
    "/institutions",
    responses={200: InstitutionListResponse, 401: None},
    summary="Institutions you may see, by name; filter by region, LA, hub, trust, type and status",
)
def index():  # type: ignore[no-untyped-def]
    principal = require_principal(READ_SCOPE)
    query = InstitutionQuery().load(request.args.to_dict(), unknown=RAISE)
    page, per_page = query.pop("page"), query.pop("per_page")
    rows, total = views.institution_page(
        current_runtime(), query, page=page, per_page=per_page, visible=visible_to(principal)
    )
    return InstitutionListResponse().dump(
        {"institutions": rows, "page": page, "per_page": per_page, "total": total}
    )


@api_route(
    api,
    "/institutions/imports",
    methods=["POST"],
    responses={201: ImportResponse, 401: None, 403: None, 413: None, 415: None, 422: None},
    summary="Import a GIAS establishment extract (administrators)",
    description=(
        "Send the CSV as the body (Content-Type text/csv) or as the `file` field of a "
        "multipart form. Windows-1252 or UTF-8. Rows with errors are skipped and reported; "
        "importing the same file again changes nothing. Up to 100 MB."
    ),
)
def import_establishments():  # type: ignore[no-untyped-def]
    principal = _admin()
    stream, filename = _upload()
    try:
        report = import_gias(stream, current_runtime(), filename=filename, actor=principal.subject)
    except GiasFileError as error:
        raise Problem(
            422, "The file cannot be imported", str(error), errors={"file": [str(error)]}
        ) from error
    location = url_for(".show_import", import_id=report.import_id)
    return ImportResponse().dump(report), 201, {"Location": location}


@api_route(
    api,
    "/institutions/imports/<uuid:import_id>",
    responses={200: ImportResponse, 401: None, 403: None, 404: None},
    summary="A GIAS import's counts and row report (administrators)",
)
def show_import(import_id):  # type: ignore[no-untyped-def]
    _admin()
    report = load_import(current_runtime(), str(import_id))
    if report is None:
        raise Problem(404, "No such import", f"There is no import {import_id}.")
    return ImportResponse().dump(report)


def _upload():  # type: ignore[no-untyped-def]
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise Problem(
                422, "No file", "Choose the GIAS CSV file to import.", errors={"file": ["Choose a file."]}
            )
        return upload.stream, upload.filename
    if request.mimetype in ("text/csv", "application/csv", "application/octet-stream", "text/plain"):
        return request.stream, request.headers.get("X-Filename")
    raise Problem.for_status(415, "Send the CSV as text/csv, or as the file field of multipart/form-data.")
