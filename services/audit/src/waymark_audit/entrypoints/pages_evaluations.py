"""Pages for an institution's evaluations: the history by academic year with the termly
snapshots; starting, copying or continuing an evaluation; the evaluation type.

Everything goes through audit's service layer and views, as the JSON API does, with the
same policy: the institution's careers staff start, answer and submit; its senior
leaders and governors read answers and results; hub and trust leads read submitted
results. Read-only people see no edit buttons.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import flash, redirect, request, url_for
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import or_, select

from waymark_audit import views
from waymark_audit.adapters.institutions import institution as institution_row
from waymark_audit.adapters.tables import institutions
from waymark_audit.domain import results as results_
from waymark_audit.domain.evaluation_types import CLOSED
from waymark_audit.domain.evaluations import COMPLETED
from waymark_audit.domain.frameworks import EVALUATION_TYPES
from waymark_audit.entrypoints.evaluations_api import checked_institution
from waymark_audit.entrypoints.pages_common import (
    INSTITUTION_TYPE_NAMES,
    TYPE_NAMES,
    audit_pages,
    day_text,
    may_do,
    page,
    when_text,
)
from waymark_audit.service_layer import permissions
from waymark_audit.service_layer.evaluations import (
    EvaluationInProgress,
    InstitutionClosed,
    InvalidChoice,
    NothingToCopy,
    UnknownInstitution,
    change_evaluation_type,
    frameworks_of,
    start_evaluation,
)
from waymark_shared.auth.principal import HUB, INSTITUTION, TRUST
from waymark_shared.db.engine import reading
from waymark_shared.eventstore.store import ConcurrencyError
from waymark_shared.web.auth import current_principal, require_principal
from waymark_shared.web.pages import form_data, form_errors
from waymark_shared.web.runtime import current_runtime


class EvaluationTypeForm(Schema):
    evaluation_type = fields.String(
        required=True,
        validate=validate.OneOf(EVALUATION_TYPES, error="Choose the evaluation type the institution takes."),
        error_messages={"required": "Choose the evaluation type the institution takes."},
    )
    reason = fields.String(
        required=True,
        validate=validate.Length(max=1000, error="The reason must be 1,000 characters or fewer."),
        error_messages={"required": "Say why the institution takes this evaluation type."},
    )
    version = fields.Integer(load_default=None, allow_none=True)


# -- home -----------------------------------------------------------------------------


@audit_pages.app_context_processor
def _home_context() -> dict[str, Any]:
    return {"audit_institutions": _institutions_for_home}


def _institutions_for_home() -> list[dict[str, Any]]:
    """The institutions whose evaluations the signed-in person may see, for the home page."""
    principal = current_principal()
    if principal is None:
        return []
    runtime = current_runtime()
    found: dict[str, dict[str, Any]] = {}
    for grant in principal.grants:
        if grant.scope_type == INSTITUTION and grant.role in permissions.READERS and grant.scope_id:
            row = institution_row(runtime, grant.scope_id)
            if row is not None:
                found.setdefault(grant.scope_id, {"institution_id": grant.scope_id, **row, "roles": []})
                found[grant.scope_id]["roles"].append(grant.role)
    hubs, trusts = principal.scope_ids(HUB, "hub_lead"), principal.scope_ids(TRUST, "trust_lead")
    if hubs or trusts:
        with reading(runtime.engine) as conn:
            ids = conn.execute(
                select(institutions.c.institution_id).where(
                    or_(institutions.c.careers_hub.in_(hubs), institutions.c.trust.in_(trusts))
                )
            ).scalars()
            for institution_id in ids:
                row = institution_row(runtime, institution_id, conn)
                if row is not None:
                    found.setdefault(institution_id, {"institution_id": institution_id, **row, "roles": []})
    for item in found.values():
        item["type_name"] = INSTITUTION_TYPE_NAMES.get(item["institution_type"], item["institution_type"])
    return list(found.values())


# -- an institution's evaluations ---------------------------------------------------------


@audit_pages.route("/institutions/<uuid:institution_id>/evaluations", methods=["GET", "POST"])
def institution(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_id = str(institution_id)
    runtime = current_runtime()
    if request.method == "POST":
        checked_institution(principal, institution_id, permissions.can_edit)
        copy_last = request.form.get("start") == "copy"
        try:
            evaluation, left_behind = start_evaluation(runtime, institution_id, copy_last=copy_last)
        except EvaluationInProgress as error:
            flash("An evaluation is already in progress: carry on with it.", "important")
            return redirect(url_for(".overview", evaluation_id=error.evaluation_id))
        except (InstitutionClosed, NothingToCopy, UnknownInstitution) as error:
            flash(str(error), "important")
            return redirect(url_for(".institution", institution_id=institution_id))
        if copy_last:
            message = (
                "A new evaluation has started with the answers of your last one. Update them and submit."
            )
            if left_behind:
                message += f" {len(left_behind)} answers were left behind: this evaluation does not ask those questions."
        else:
            message = "A new evaluation has started. Answer each benchmark's questions, in any order."
        flash(message, "success")
        return redirect(url_for(".overview", evaluation_id=evaluation.evaluation_id))
    found = checked_institution(principal, institution_id, permissions.can_read_results)
    may = may_do(principal, found, institution_id)
    today = results_.school_day(datetime.now(results_.SCHOOL_TIME))
    years = views.history(runtime, institution_id, today=today)
    rows = [row for year in years for row in year["evaluations"]]
    in_progress = next((row for row in rows if row["status"] != COMPLETED), None)
    has_completed = any(row["status"] == COMPLETED for row in rows)
    framework = frameworks_of(runtime).for_day(today)
    return page(
        "institution.html",
        institution=found,
        institution_id=institution_id,
        institution_type_name=INSTITUTION_TYPE_NAMES.get(
            found["institution_type"], found["institution_type"]
        ),
        years=years,
        in_progress=in_progress,
        has_completed=has_completed,
        framework=framework,
        frameworks={fid: frameworks_of(runtime).load(fid).title for fid in {r["framework_id"] for r in rows}},
        may=may,
        closed=found["status"] == CLOSED,
        when=when_text,
        day=day_text,
        today=today.isoformat(),
    )


@audit_pages.route("/institutions/<uuid:institution_id>/evaluation-type", methods=["GET", "POST"])
def evaluation_type(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_id = str(institution_id)
    found = checked_institution(principal, institution_id, permissions.can_change_evaluation_type)
    context = {
        "institution": found,
        "institution_id": institution_id,
        "institution_type_name": INSTITUTION_TYPE_NAMES.get(
            found["institution_type"], found["institution_type"]
        ),
    }
    current = {
        "evaluation_type": found["evaluation_type"],
        "reason": found["reason"] or "",
        "version": str(found.get("choice_version") or 0),
    }
    if request.method != "POST":
        return page("evaluation_type.html", form=current, **context)
    try:
        data = EvaluationTypeForm().load(form_data())
        change_evaluation_type(
            current_runtime(), institution_id, data["evaluation_type"], data["reason"], data["version"]
        )
    except ValidationError as error:
        return page(
            "evaluation_type.html", 422, form=request.form, errors=form_errors(error.messages), **context
        )
    except InvalidChoice as error:
        return page(
            "evaluation_type.html", 422, form=request.form, errors=form_errors(error.errors), **context
        )
    except ConcurrencyError:
        fresh = institution_row(current_runtime(), institution_id) or found
        fresh_form = {
            "evaluation_type": fresh["evaluation_type"],
            "reason": fresh["reason"] or "",
            "version": str(fresh.get("choice_version") or 0),
        }
        message = "Someone else changed the evaluation type after you opened this page. It is shown below: check it and save again."
        return page(
            "evaluation_type.html", 409, form=fresh_form, errors=form_errors({"_schema": [message]}),
            **{**context, "institution": fresh},
        )  # fmt: skip
    flash(
        f"The institution now takes the {TYPE_NAMES[data['evaluation_type']].lower()} evaluation.", "success"
    )
    return redirect(url_for(".institution", institution_id=institution_id))
