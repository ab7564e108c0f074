"""The roster's JSON API: import a MIS export, list learners, erase personal data.

Every route asks directory's policy first (``can_manage_roster`` / ``can_view_roster``
for the institution in the path), so another tenant's caller learns nothing, not even
whether the institution or learner exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, request, url_for
from marshmallow import RAISE, Schema
from werkzeug.datastructures import FileStorage, MultiDict

from waymark_directory import roster_views
from waymark_directory.domain.learners import EraseLearnerPersonalData, ImportRoster
from waymark_directory.domain.roster_csv import COLUMNS, template_csv
from waymark_directory.entrypoints.roster_schemas import (
    LearnerListResponse,
    LearnerQuery,
    LearnerResponse,
    RosterImportHistoryResponse,
    RosterImportOptions,
    RosterImportRecordResponse,
    RosterImportResponse,
)
from waymark_directory.service_layer import permissions
from waymark_directory.service_layer.roster import (
    ImportResult,
    NoSuchInstitution,
    NoSuchLearner,
    RosterConflict,
    erase_personal_data,
    import_roster,
)
from waymark_shared.auth import Principal
from waymark_shared.web.auth import forbidden, require_principal
from waymark_shared.web.openapi import api_route
from waymark_shared.web.problems import CONFLICT, VALIDATION, Problem
from waymark_shared.web.runtime import current_runtime

roster_api = Blueprint("roster", __name__, url_prefix="/api")

# 20,000 rows (the import's limit) of a typical export is about 2 MB; the platform's
# 1 MiB default would refuse a large college's roll.
ROSTER_MAX_BYTES = 4 * 1024 * 1024
CSV_TYPES = ("text/csv", "application/csv", "text/plain", "application/vnd.ms-excel")
_HEADERS_DOC = "; ".join(f"{c.header}{' (required)' if c.required else ''}: {c.help}" for c in COLUMNS)
_IMPORT_DOC = (
    "Send the MIS export as multipart/form-data (a `file` field, with `mode` and "
    "`import_valid_rows` fields) or as a text/csv body (with `mode` and `import_valid_rows` "
    "as query parameters). Headers are matched case-insensitively, with common variants "
    "(Surname, Forename, DOB, Year, Reg, Form, FSM...). Columns: " + _HEADERS_DOC + ". "
    "A file with errors imports nothing (422, with the row errors) unless "
    "import_valid_rows is true. Importing the same data again changes nothing."
)


def allow(check: Callable[[Principal, str], bool], institution_id: object) -> Principal:
    """The caller, if ``check`` lets them at this institution's roster; else 401/403."""
    principal = require_principal()
    if not check(principal, str(institution_id)):
        raise forbidden()
    return principal


@api_route(
    roster_api,
    "/institutions/<uuid:institution_id>/roster/imports",
    methods=["POST"],
    responses={201: RosterImportResponse, 404: None, 409: None, 413: None, 415: None, 422: None},
    summary="Import the learner roster from a MIS CSV export",
    description=_IMPORT_DOC,
)
def create_import(institution_id):  # type: ignore[no-untyped-def]
    principal = allow(permissions.can_manage_roster, institution_id)
    request.max_content_length = ROSTER_MAX_BYTES
    content, file_name, options = _upload()
    command = ImportRoster(
        str(institution_id), content, file_name=file_name, actor=principal.subject, **options
    )
    try:
        result = import_roster(command, current_runtime())
    except NoSuchInstitution:
        raise Problem(404, "No such institution", f"There is no institution {institution_id}.") from None
    except RosterConflict:
        raise Problem(
            409, "Conflict", "Another roster import finished first; try again.", type=CONFLICT
        ) from None
    if not result.imported:
        raise rejected(result)
    location = url_for(".show_import", institution_id=institution_id, import_id=result.import_id)
    return RosterImportResponse().dump(result), 201, {"Location": location}


def rejected(result: ImportResult) -> Problem:
    """422 with every row error (values included: the caller may see this roster)."""
    errors: dict[str, Any] = {"rows": {}}
    for error in result.errors:
        errors["rows"].setdefault(str(error.row), {}).setdefault(error.column or "_row", []).append(
            error.message
        )
    if result.file_errors:
        errors["file"] = result.file_errors
    if not errors["rows"]:
        del errors["rows"]
    body = RosterImportResponse().dump(result)
    return Problem(
        422,
        "The roster was not imported",
        _rejection_detail(result),
        errors=errors,
        type=VALIDATION,
        extensions={
            k: body[k] for k in ("import_id", "rows_total", "rows_valid", "rows_invalid", "row_errors")
        },
    )


def _rejection_detail(result: ImportResult) -> str:
    if result.file_errors:
        return " ".join(result.file_errors)
    if result.rows_valid == 0:
        return f"None of the {result.rows_total} rows is valid; see row_errors."
    return (
        f"{result.rows_invalid} of {result.rows_total} rows have errors, so nothing was imported. "
        "Correct them, or send import_valid_rows=true to import the other rows."
    )


def _upload() -> tuple[bytes, str | None, dict[str, Any]]:
    """The CSV bytes, its file name and the import options, from either body shape."""
    mimetype = request.mimetype
    if mimetype == "multipart/form-data":
        files: MultiDict[str, FileStorage] = request.files
        unknown = set(files) - {"file"}
        if unknown or len(files.getlist("file")) != 1:
            raise Problem(422, "Invalid request", "Send exactly one file, in the field 'file'.",
                          errors={"file": ["Send exactly one CSV file in the field 'file'."]}, type=VALIDATION)  # fmt: skip
        upload = files["file"]
        options = _options(RosterImportOptions, request.form)
        return upload.read(), (upload.filename or None), options
    if mimetype in CSV_TYPES:
        return request.get_data(cache=False), None, _options(RosterImportOptions, request.args)
    raise Problem.for_status(415, "Send the CSV as multipart/form-data (field 'file') or as a text/csv body.")


def _options(schema: type[Schema], values: MultiDict[str, str]) -> dict[str, Any]:
    repeated = [key for key in values if len(values.getlist(key)) > 1]
    if repeated:
        raise Problem(422, "Invalid request", "Give each option once.",
                      errors={key: ["Give this once."] for key in repeated}, type=VALIDATION)  # fmt: skip
    return schema().load(values.to_dict(), unknown=RAISE)


@api_route(
    roster_api,
    "/institutions/<uuid:institution_id>/roster/imports",
    responses={200: RosterImportHistoryResponse},
    summary="The roster import history (who, when, file hash, counts, errors without values)",
)
def list_imports(institution_id):  # type: ignore[no-untyped-def]
    allow(permissions.can_manage_roster, institution_id)
    imports = roster_views.list_imports(current_runtime(), str(institution_id))
    return RosterImportHistoryResponse().dump({"imports": imports})


@api_route(
    roster_api,
    "/institutions/<uuid:institution_id>/roster/imports/<uuid:import_id>",
    responses={200: RosterImportRecordResponse, 404: None},
    summary="One roster import",
)
def show_import(institution_id, import_id):  # type: ignore[no-untyped-def]
    allow(permissions.can_manage_roster, institution_id)
    record = roster_views.get_import(current_runtime(), str(institution_id), str(import_id))
    if record is None:
        raise Problem(404, "No such import", f"There is no roster import {import_id} here.")
    return RosterImportRecordResponse().dump(record)


@api_route(
    roster_api,
    "/roster/template.csv",
    responses={200: None},
    summary="The roster CSV template: the expected headers, no data",
    description="Columns: " + _HEADERS_DOC + ".",
)
def template():  # type: ignore[no-untyped-def]
    headers = {"Content-Disposition": 'attachment; filename="waymark-roster-template.csv"'}
    return Response(template_csv(), mimetype="text/csv", headers=headers)


@api_route(
    roster_api,
    "/institutions/<uuid:institution_id>/learners",
    responses={200: LearnerListResponse},
    summary="The institution's learners, with names (careers staff of the institution only)",
    description="Query: year_group, form_group, include_left (default false).",
)
def list_learners(institution_id):  # type: ignore[no-untyped-def]
    allow(permissions.can_view_roster, institution_id)
    query = _options(LearnerQuery, request.args)
    learners = roster_views.list_learners(current_runtime(), str(institution_id), **query)
    return LearnerListResponse().dump({"learners": learners})


@api_route(
    roster_api,
    "/institutions/<uuid:institution_id>/learners/<uuid:learner_id>",
    responses={200: LearnerResponse, 404: None},
    summary="One learner",
)
def show_learner(institution_id, learner_id):  # type: ignore[no-untyped-def]
    allow(permissions.can_view_roster, institution_id)
    learner = roster_views.get_learner(current_runtime(), str(institution_id), str(learner_id))
    if learner is None:
        raise Problem(404, "No such learner", f"There is no learner {learner_id} here.")
    return LearnerResponse().dump(learner)


@api_route(
    roster_api,
    "/institutions/<uuid:institution_id>/learners/<uuid:learner_id>/personal-data",
    methods=["DELETE"],
    responses={204: None, 404: None},
    summary="Erase a learner's personal data (UPN, names, date of birth); the pseudonymous history stays",
)
def erase_learner(institution_id, learner_id):  # type: ignore[no-untyped-def]
    allow(permissions.can_manage_roster, institution_id)
    command = EraseLearnerPersonalData(str(institution_id), str(learner_id))
    try:
        erase_personal_data(command, current_runtime())
    except NoSuchLearner:
        raise Problem(404, "No such learner", f"There is no learner {learner_id} here.") from None
    return "", 204
