"""Roster pages: the learner list, importing a MIS export, the row-level error report,
the import history, and erasing a learner's personal data.

A rejected import is answered with the report itself (422): the rows' values are shown
to the careers leader who sent them, and never stored. An accepted import redirects to
its record, which holds counts and errors without values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from waymark_directory import roster_views
from waymark_directory.domain.learners import EraseLearnerPersonalData, ImportRoster
from waymark_directory.domain.roster_csv import COLUMNS, SEN_STATUSES
from waymark_directory.entrypoints.roster_api import ROSTER_MAX_BYTES
from waymark_directory.entrypoints.roster_schemas import LearnerQuery, RosterImportOptions
from waymark_directory.service_layer import permissions
from waymark_directory.service_layer.roster import (
    ImportResult,
    NoSuchLearner,
    RosterConflict,
    erase_personal_data,
    import_roster,
)
from waymark_shared.auth import Principal
from waymark_shared.web.auth import require_principal
from waymark_shared.web.pages import form_errors
from waymark_shared.web.runtime import current_runtime

roster_pages = Blueprint("roster_pages", __name__)
SUMMARY_LIMIT = 20
_IMPORT_ENDPOINTS = {"roster_pages.import_roster"}


@roster_pages.url_value_preprocessor
def _raise_upload_limit(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    # Runs before the app's before_request hooks, whose CSRF check reads the form.
    if endpoint in _IMPORT_ENDPOINTS:
        request.max_content_length = ROSTER_MAX_BYTES


def _institution(check: Callable[[Principal, str], bool], institution_id: object) -> tuple[Principal, dict]:
    principal = require_principal()
    if not check(principal, str(institution_id)):
        abort(403)
    name = roster_views.institution_name(current_runtime(), str(institution_id))
    if name is None:
        abort(404)
    return principal, {"institution_id": str(institution_id), "name": name}


def _page(template: str, status: int = 200, **context: Any):  # type: ignore[no-untyped-def]
    context.setdefault("sen_statuses", SEN_STATUSES)
    return render_template(f"directory/roster/{template}", **context), status


@roster_pages.get("/institutions/<uuid:institution_id>/roster")
def learners(institution_id):  # type: ignore[no-untyped-def]
    principal, institution = _institution(permissions.can_view_roster, institution_id)
    try:
        query = LearnerQuery().load({k: v for k, v in request.args.items() if v})
    except ValidationError as error:
        return _page("learners.html", 422, institution=institution, learners=[], groups=[], query={},
                     errors=form_errors(error.messages), can_manage=False)  # fmt: skip
    runtime = current_runtime()
    rows = roster_views.list_learners(runtime, institution["institution_id"], **query)
    return _page(
        "learners.html",
        institution=institution,
        learners=rows,
        groups=roster_views.roster_groups(runtime, institution["institution_id"]),
        query=query,
        can_manage=permissions.can_manage_roster(principal, institution["institution_id"]),
    )


@roster_pages.route(
    "/institutions/<uuid:institution_id>/roster/import", methods=["GET", "POST"], endpoint="import_roster"
)
def import_roster_page(institution_id):  # type: ignore[no-untyped-def]
    principal, institution = _institution(permissions.can_manage_roster, institution_id)
    context = {"institution": institution, "columns": COLUMNS, "form": request.form}
    if request.method != "POST":  # GET or HEAD: never the form being sent
        return _page(
            "import.html", form={"mode": "full"}, **{k: v for k, v in context.items() if k != "form"}
        )
    upload = request.files.get("file")
    errors: dict[str, list[str]] = {}
    try:
        options = RosterImportOptions().load(
            {k: request.form[k] for k in ("mode", "import_valid_rows") if k in request.form}
        )
    except ValidationError as error:
        errors.update(error.messages)  # type: ignore[arg-type]
        options = {}
    if upload is None or not upload.filename:
        errors["file"] = ["Select the CSV file exported from your MIS."]
    if errors:
        return _page("import.html", 422, errors=form_errors(errors), **context)
    command = ImportRoster(
        institution["institution_id"],
        upload.read(),
        file_name=upload.filename,
        actor=principal.subject,
        **options,
    )
    try:
        result = import_roster(command, current_runtime())
    except RosterConflict:
        message = "Another import of this roster finished first. Send the file again."
        return _page("import.html", 409, errors=form_errors({"file": [message]}), **context)
    if not result.imported:
        return _report(institution, result, context)
    flash(_summary(result), "success")
    return redirect(url_for(".import_record", institution_id=institution_id, import_id=result.import_id))


def _report(institution: dict, result: ImportResult, context: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The row-level error report, with the form to send the file again."""
    summary = [{"text": message, "href": "#file"} for message in result.file_errors]
    summary += [
        {"text": f"Row {e.row}, {e.column or 'row'}: {e.message}", "href": f"#row-{e.row}"}
        for e in result.errors[:SUMMARY_LIMIT]
    ]
    if len(result.errors) > SUMMARY_LIMIT:
        summary.append({"text": f"and {len(result.errors) - SUMMARY_LIMIT} more errors in the table below"})
    errors = {
        "summary": summary,
        "fields": {
            "file": {"text": "The file has errors, listed above. Choose it again to import the valid rows."}
        },
    }
    form = {"mode": result.mode, "import_valid_rows": "true" if result.rows_valid else ""}
    return _page("import.html", 422, errors=errors, result=result, **{**context, "form": form})


def _summary(result: ImportResult) -> str:
    if result.status == "no_changes":
        return f"Roster imported: no changes ({result.unchanged} learners already up to date)."
    return (
        f"Roster imported: {result.enrolled} enrolled, {result.updated} updated, {result.left} left, "
        f"{result.unchanged} unchanged."
    )


@roster_pages.get("/institutions/<uuid:institution_id>/roster/imports")
def import_history(institution_id):  # type: ignore[no-untyped-def]
    _, institution = _institution(permissions.can_manage_roster, institution_id)
    imports = roster_views.list_imports(current_runtime(), institution["institution_id"])
    return _page("history.html", institution=institution, imports=imports)


@roster_pages.get("/institutions/<uuid:institution_id>/roster/imports/<uuid:import_id>")
def import_record(institution_id, import_id):  # type: ignore[no-untyped-def]
    _, institution = _institution(permissions.can_manage_roster, institution_id)
    record = roster_views.get_import(current_runtime(), institution["institution_id"], str(import_id))
    if record is None:
        abort(404)
    return _page("record.html", institution=institution, record=record)


@roster_pages.get("/institutions/<uuid:institution_id>/roster/learners/<uuid:learner_id>")
def learner(institution_id, learner_id):  # type: ignore[no-untyped-def]
    principal, institution = _institution(permissions.can_view_roster, institution_id)
    row = roster_views.get_learner(current_runtime(), institution["institution_id"], str(learner_id))
    if row is None:
        abort(404)
    can_manage = permissions.can_manage_roster(principal, institution["institution_id"])
    return _page("learner.html", institution=institution, learner=row, can_manage=can_manage)


@roster_pages.post("/institutions/<uuid:institution_id>/roster/learners/<uuid:learner_id>/erase")
def erase(institution_id, learner_id):  # type: ignore[no-untyped-def]
    _, institution = _institution(permissions.can_manage_roster, institution_id)
    try:
        erase_personal_data(
            EraseLearnerPersonalData(institution["institution_id"], str(learner_id)), current_runtime()
        )
    except NoSuchLearner:
        abort(404)
    flash("The learner's personal data was erased.", "success")
    return redirect(url_for(".learner", institution_id=institution_id, learner_id=learner_id))
