"""An institution's pages: home, leaving cohorts, worklist, a cohort's learners, import."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from sqlalchemy import select

from waymark_destinations import views, worklist
from waymark_destinations.adapters.institutions import institution
from waymark_destinations.adapters.tables import institutions
from waymark_destinations.domain.categories import KS4, LEAVING_POINTS
from waymark_destinations.entrypoints.pages import checked_institution, destinations_pages, may, page
from waymark_destinations.service_layer import permissions
from waymark_destinations.service_layer.clock import today
from waymark_destinations.service_layer.imports import MAX_BYTES, ImportConflict, import_destinations
from waymark_shared.auth.principal import INSTITUTION
from waymark_shared.db.engine import reading
from waymark_shared.web.auth import current_principal, require_principal
from waymark_shared.web.pages import form_errors
from waymark_shared.web.runtime import current_runtime

WORKLIST_SHOWN = 300


def _leaving_point() -> str:
    chosen = request.args.get("leaving_point", KS4)
    return chosen if chosen in LEAVING_POINTS else KS4


@destinations_pages.app_context_processor
def _home_context() -> dict[str, Any]:
    """The home page (the platform's ``/`` for browsers renders destinations/home.html)
    lists the signed-in person's institutions through this."""
    return {"destinations_institutions": _institutions_for_home}


def _institutions_for_home() -> list[dict[str, Any]]:
    principal = current_principal()
    if principal is None:
        return []
    runtime = current_runtime()
    ids = sorted(principal.scope_ids(INSTITUTION, *permissions.AGGREGATE_READERS))
    if permissions.is_admin(principal):
        with reading(runtime.engine) as conn:
            ids = list(conn.execute(select(institutions.c.institution_id).order_by(institutions.c.name)).scalars())
    found = []
    for institution_id in ids:
        row = institution(runtime, institution_id)
        if row is not None:
            found.append({"institution_id": institution_id, **row})
    return found


@destinations_pages.get("/institutions/<uuid:institution_id>")
def cohorts(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_id = str(institution_id)
    found = checked_institution(principal, institution_id, permissions.can_read_aggregates)
    leaving_point = _leaving_point()
    view = views.cohort_view(current_runtime(), institution_id, leaving_point)
    return page("cohorts.html", institution=found, view=view, leaving_point=leaving_point,
                may=may(principal, institution_id))  # fmt: skip


@destinations_pages.get("/institutions/<uuid:institution_id>/worklist")
def show_worklist(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_id = str(institution_id)
    found = checked_institution(principal, institution_id, permissions.can_read_learners)
    listing = worklist.worklist(current_runtime(), institution_id)
    return page("worklist.html", institution=found, listing=listing, shown=listing["items"][:WORKLIST_SHOWN],
                levels=worklist.LEVEL_NAMES, may=may(principal, institution_id))  # fmt: skip


@destinations_pages.get("/institutions/<uuid:institution_id>/learners")
def learners(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_id = str(institution_id)
    found = checked_institution(principal, institution_id, permissions.can_read_learners)
    leaving_point = _leaving_point()
    runtime = current_runtime()
    cohorts_ = views.leaving_cohorts(leaving_point, today(runtime))
    cohort = request.args.get("cohort")
    cohort = cohort if cohort in cohorts_ else cohorts_[0]
    members = views.cohort_members(runtime, institution_id, leaving_point, [cohort])[cohort]
    return page("learners.html", institution=found, members=members, cohort=cohort, cohorts=cohorts_,
                leaving_point=leaving_point, may=may(principal, institution_id))  # fmt: skip


@destinations_pages.route("/institutions/<uuid:institution_id>/import", methods=["GET", "POST"])
def import_file(institution_id):  # type: ignore[no-untyped-def]  # noqa: PLR0911 (one return an outcome)
    principal = require_principal()
    institution_id = str(institution_id)
    found = checked_institution(principal, institution_id, permissions.can_write)
    if request.method == "GET":
        return page("import.html", institution=found, result=None)
    upload = request.files.get("file")
    valid_rows_only = request.form.get("valid_rows_only") == "yes"
    if upload is None or not upload.filename:
        errors = form_errors({"file": ["Choose the CSV file to import."]})
        return page("import.html", 422, institution=found, result=None, errors=errors)
    content = upload.stream.read(MAX_BYTES + 1)
    try:
        result = import_destinations(current_runtime(), institution_id, content, file_name=upload.filename,
                                     valid_rows_only=valid_rows_only, actor=principal.subject)  # fmt: skip
    except ImportConflict:
        errors = form_errors({"file": ["Someone recorded for one of these learners meanwhile: import it again."]})
        return page("import.html", 409, institution=found, result=None, errors=errors)
    if result.file_errors:
        errors = form_errors({"file": result.file_errors})
        return page("import.html", 422, institution=found, result=result, errors=errors)
    if not result.imported:
        errors = form_errors({"file": [f"{result.rows_invalid} of {result.rows_total} rows have errors, so nothing "
                                       "was imported. Correct them, or import the valid rows only."]})  # fmt: skip
        return page("import.html", 422, institution=found, result=result, errors=errors)
    if result.recorded:
        flash(f"{result.recorded} destinations recorded; {result.unchanged} unchanged.", "success")
    else:
        flash(f"Nothing changed: the {result.unchanged} rows are what is recorded already.", "success")
    if result.errors:  # the valid rows imported: show what was left out
        return page("import.html", institution=found, result=result)
    return redirect(url_for("destinations_pages.import_file", institution_id=institution_id), 303)
