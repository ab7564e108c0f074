"""Institution pages: the list, an institution's settings (view and change its
details), closing it (administrators) and importing a GIAS extract with its report
(administrators)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from waymark_directory import views
from waymark_directory.domain.commands import CloseInstitution, UpdateInstitution
from waymark_directory.domain.institutions import (
    INSTITUTION_TYPE_NAMES,
    REGIONS,
    InstitutionClosedError,
    InvalidInstitution,
)
from waymark_directory.entrypoints import institution_forms as forms
from waymark_directory.entrypoints.api import import_body_limit, visible_to
from waymark_directory.service_layer import permissions
from waymark_directory.service_layer.gias_import import GiasFileError, import_gias, load_import
from waymark_directory.service_layer.handlers import AlreadyRegistered, close_institution, update_institution
from waymark_shared.auth import Principal
from waymark_shared.eventstore.store import ConcurrencyError
from waymark_shared.web.auth import require_principal
from waymark_shared.web.pages import form_errors
from waymark_shared.web.runtime import current_runtime

institution_pages = Blueprint("institution_pages", __name__)
PER_PAGE = 25
_IMPORT_ENDPOINTS = {"institution_pages.import_establishments"}
_STALE = "Someone else changed these details while you were editing. Check them and make your change again."


@institution_pages.url_value_preprocessor
def _raise_upload_limit(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    # Before the app's before_request hooks, whose CSRF check reads the form.
    if endpoint in _IMPORT_ENDPOINTS:
        request.max_content_length = import_body_limit()


def _page(template: str, status: int = 200, **context: Any):  # type: ignore[no-untyped-def]
    context.setdefault("type_names", INSTITUTION_TYPE_NAMES)
    context.setdefault("regions", REGIONS)
    return render_template(f"directory/institutions/{template}", **context), status


def _visible(institution_id: object) -> tuple[Principal, dict]:
    """The signed-in principal and the institution, or 404 if they may not see it."""
    principal = require_principal()
    row = views.institution(current_runtime(), str(institution_id))
    scope = row and permissions.InstitutionScope(str(institution_id), row["careers_hub"], row["trust"])
    if row is None or not permissions.can_view_institution(principal, scope):
        abort(404)
    return principal, row


def _admin() -> Principal:
    principal = require_principal()
    if not permissions.can_register_institutions(principal):
        abort(403)
    return principal


@institution_pages.get("/institutions")
def index():  # type: ignore[no-untyped-def]
    principal = require_principal()
    try:
        query = forms.InstitutionFilters().load(request.args.to_dict())
    except ValidationError as error:
        return _page("list.html", 422, rows=[], total=0, query={}, pages=1, options={},
                     errors=form_errors(error.messages), is_admin=False)  # fmt: skip
    page = query.pop("page")
    filters = {k: v for k, v in query.items() if v}
    runtime = current_runtime()
    rows, total = views.institution_page(
        runtime, filters, page=page, per_page=PER_PAGE, visible=visible_to(principal)
    )
    return _page(
        "list.html",
        rows=rows,
        total=total,
        query={**filters, "page": page},
        pages=max(1, -(-total // PER_PAGE)),
        options=views.filter_options(runtime) if permissions.is_admin(principal) else {},
        is_admin=permissions.is_admin(principal),
    )


@institution_pages.get("/institutions/<uuid:institution_id>")
def show(institution_id):  # type: ignore[no-untyped-def]
    principal, row = _visible(institution_id)
    return _page(
        "show.html",
        institution=row,
        can_manage=permissions.can_manage_institution(principal, row["institution_id"]),
        is_admin=permissions.can_register_institutions(principal),
    )


@institution_pages.route("/institutions/<uuid:institution_id>/edit", methods=["GET", "POST"])
def edit(institution_id):  # type: ignore[no-untyped-def]
    principal, row = _visible(institution_id)
    if not permissions.can_manage_institution(principal, row["institution_id"]):
        abort(403)
    if row["status"] == "closed":
        flash("This institution has closed, so its details cannot be changed.", "important")
        return redirect(url_for(".show", institution_id=institution_id))
    if request.method != "POST":  # GET or HEAD: never the form being sent
        return _page("edit.html", institution=row, form=_form_values(row))
    try:
        data = forms.InstitutionDetailsForm().load(request.form)
        version = data.pop("version")
        update_institution(UpdateInstitution(row["institution_id"], data, version), current_runtime())
    except (ValidationError, InvalidInstitution) as error:
        messages = error.messages if isinstance(error, ValidationError) else error.errors
        return _page("edit.html", 422, institution=row, form=request.form, errors=form_errors(messages))
    except ConcurrencyError:
        fresh = views.institution(current_runtime(), row["institution_id"])
        return _page("edit.html", 409, institution=fresh, form=_form_values(fresh),
                     errors=form_errors({"_schema": [_STALE]}))  # fmt: skip
    except InstitutionClosedError as error:
        flash(str(error), "important")
        return redirect(url_for(".show", institution_id=institution_id))
    flash("The institution's details were saved.", "success")
    return redirect(url_for(".show", institution_id=institution_id))


@institution_pages.route("/institutions/<uuid:institution_id>/close", methods=["GET", "POST"])
def close(institution_id):  # type: ignore[no-untyped-def]
    _admin()
    _, row = _visible(institution_id)
    if row["status"] == "closed":
        flash("This institution has already closed.", "important")
        return redirect(url_for(".show", institution_id=institution_id))
    if request.method != "POST":  # GET or HEAD: never the form being sent
        return _page("close.html", institution=row, form={"version": row["version"]})
    try:
        data = forms.CloseInstitutionForm().load(request.form)
        closed_on = date(data["closed_on_year"], data["closed_on_month"], data["closed_on_day"]).isoformat()
        command = CloseInstitution(row["institution_id"], data["reason"], closed_on, data["version"])
        close_institution(command, current_runtime())
    except (ValidationError, InvalidInstitution) as error:
        messages = error.messages if isinstance(error, ValidationError) else error.errors
        return _page("close.html", 422, institution=row, form=request.form, errors=form_errors(messages))
    except (ConcurrencyError, InstitutionClosedError):
        return _page("close.html", 409, institution=row, form=request.form,
                     errors=form_errors({"_schema": [_STALE]}))  # fmt: skip
    flash(f"{row['name']} is recorded as closed.", "success")
    return redirect(url_for(".show", institution_id=institution_id))


@institution_pages.route("/institutions/imports", methods=["GET", "POST"], endpoint="import_establishments")
def import_establishments():  # type: ignore[no-untyped-def]
    principal = _admin()
    if request.method != "POST":  # GET or HEAD: never the form being sent
        return _page("import.html")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        errors = form_errors({"file": ["Select the GIAS establishment extract (a CSV file)."]})
        return _page("import.html", 422, errors=errors)
    try:
        report = import_gias(
            upload.stream, current_runtime(), filename=upload.filename, actor=principal.subject
        )
    except GiasFileError as error:
        return _page("import.html", 422, errors=form_errors({"file": [str(error)]}))
    except AlreadyRegistered:
        message = "Another registration happened during the import. Import the file again."
        return _page("import.html", 409, errors=form_errors({"file": [message]}))
    return redirect(url_for(".import_report", import_id=report.import_id))


@institution_pages.get("/institutions/imports/<uuid:import_id>")
def import_report(import_id):  # type: ignore[no-untyped-def]
    _admin()
    report = load_import(current_runtime(), str(import_id))
    if report is None:
        abort(404)
    return _page("import_report.html", report=report)


def _form_values(row: dict) -> dict[str, Any]:
    fields = ("name", "institution_type", "local_authority", "region", "careers_hub", "trust",
              "postcode", "low_age", "high_age", "website", "version")  # fmt: skip
    return {name: "" if row.get(name) is None else str(row[name]) for name in fields}
