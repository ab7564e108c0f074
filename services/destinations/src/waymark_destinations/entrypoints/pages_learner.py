"""A learner's pages: their destinations at each leaving point with the whole history,
and the forms that record an intended or actual destination, judge it sustained, or
record their consent. A refusal re-shows the form with the reason at the field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import abort, flash, redirect, request, url_for

from waymark_destinations import views
from waymark_destinations.domain.categories import (
    KS4,
    LEAVING_POINTS,
    SOURCES,
    categories_for,
    intended_categories_for,
)
from waymark_destinations.domain.destinations import Refusal
from waymark_destinations.entrypoints.pages import checked_learner, destinations_pages, may, page
from waymark_destinations.service_layer import permissions
from waymark_destinations.service_layer.recording import (
    Detail,
    UnknownLearner,
    judge_destination,
    record_consent,
    record_destination,
    record_intended,
)
from waymark_shared.eventstore.store import ConcurrencyError
from waymark_shared.web.auth import require_principal
from waymark_shared.web.pages import form_data, form_errors
from waymark_shared.web.runtime import current_runtime

STALE = "Someone else recorded for this learner at the same moment: check the history below and try again."


class FormInvalid(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(str(errors))
        self.errors = errors


def _date(form: dict[str, str], name: str, errors: dict[str, list[str]], *, required: bool) -> date | None:
    parts = [form.get(f"{name}-{part}", "").strip() for part in ("day", "month", "year")]
    if not any(parts):
        if required:
            errors[name] = ["Enter the date."]
        return None
    try:
        day_, month, year = (int(part) for part in parts)
        return date(year, month, day_)
    except ValueError:
        errors[name] = ["Enter a real date, for example 4 9 2026."]
        return None


def _choice(form: dict[str, str], name: str, allowed: list[str], message: str, errors: dict[str, list[str]]) -> str:
    value = form.get(name, "")
    if value not in allowed:
        errors[name] = [message]
    return value


def _learner(learner_id: str, allowed) -> tuple[dict[str, Any], dict[str, bool]]:  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_id = checked_learner(principal, learner_id, allowed)
    found = views.learner_view(current_runtime(), learner_id)
    if found is None:
        abort(404)
    return found, may(principal, institution_id)


@destinations_pages.get("/learners/<uuid:learner_id>")
def learner(learner_id):  # type: ignore[no-untyped-def]
    found, allowed = _learner(str(learner_id), permissions.can_read_learners)
    return page("learner.html", learner=found, may=allowed)


def _form_page(learner_id: str, template: str, run: Callable[[dict[str, str]], Any], done: str, **extra: Any):  # type: ignore[no-untyped-def]
    found, allowed = _learner(learner_id, permissions.can_write)
    points = list(found["points"])
    context = {"learner": found, "may": allowed, "points": points, **extra}
    if request.method == "GET":
        form = {"leaving_point": request.args.get("leaving_point") or (points[-1] if points else KS4)}
        return page(template, form=form, **context)
    form = form_data()
    try:
        _, events = run(form)
    except FormInvalid as invalid:
        return page(template, 422, form=form, errors=form_errors(invalid.errors), **context)
    except Refusal as refusal:
        errors = {("leaving_point" if k in ("learner_id", "institution_id") else k): v for k, v in refusal.errors.items()}
        return page(template, refusal.status, form=form, errors=form_errors(errors), **context)
    except ConcurrencyError:
        return page(template, 409, form=form, errors=form_errors({"_schema": [STALE]}), **context)
    except UnknownLearner:
        abort(404)
    flash(done if events else "Nothing changed: that is what is recorded already.", "success")
    return redirect(url_for("destinations_pages.learner", learner_id=learner_id), 303)


def _point(form: dict[str, str], errors: dict[str, list[str]]) -> str:
    return _choice(form, "leaving_point", list(LEAVING_POINTS), "Choose the leaving point.", errors)


@destinations_pages.route("/learners/<uuid:learner_id>/destination", methods=["GET", "POST"])
def record(learner_id):  # type: ignore[no-untyped-def]
    learner_id = str(learner_id)

    def run(form: dict[str, str]):  # type: ignore[no-untyped-def]
        errors: dict[str, list[str]] = {}
        point = _point(form, errors)
        codes = [c.code for c in categories_for(point)] if point in LEAVING_POINTS else []
        category = _choice(form, "category", codes, "Choose the destination.", errors)
        source = _choice(form, "source", list(SOURCES), "Say who told you.", errors)
        start = _date(form, "start_date", errors, required=True)
        heard = _date(form, "evidence_date", errors, required=False)
        guarantee = form.get("september_guarantee") or "not_recorded"
        if errors:
            raise FormInvalid(errors)
        assert start is not None
        detail = Detail(form.get("provider", "").strip()[:200] or None, form.get("notes", "").strip()[:2000] or None)
        return record_destination(current_runtime(), learner_id, leaving_point=point, category=category,
                                  start_date=start, source=source, evidence_date=heard,
                                  september_guarantee=guarantee, detail=detail)  # fmt: skip

    return _form_page(learner_id, "record.html", run, "The destination has been recorded.",
                      category_lists={p: categories_for(p) for p in LEAVING_POINTS})  # fmt: skip


@destinations_pages.route("/learners/<uuid:learner_id>/intended", methods=["GET", "POST"])
def intend(learner_id):  # type: ignore[no-untyped-def]
    learner_id = str(learner_id)

    def run(form: dict[str, str]):  # type: ignore[no-untyped-def]
        errors: dict[str, list[str]] = {}
        point = _point(form, errors)
        codes = intended_categories_for(point) if point in LEAVING_POINTS else []
        category = _choice(form, "category", codes, "Choose the intended destination.", errors)
        source = _choice(form, "source", list(SOURCES), "Say who told you.", errors)
        heard = _date(form, "evidence_date", errors, required=False)
        if errors:
            raise FormInvalid(errors)
        return record_intended(current_runtime(), learner_id, leaving_point=point, category=category, source=source,
                               evidence_date=heard)  # fmt: skip

    return _form_page(learner_id, "intended.html", run, "The intended destination has been recorded.",
                      intended_lists={p: intended_categories_for(p) for p in LEAVING_POINTS})  # fmt: skip


@destinations_pages.route("/learners/<uuid:learner_id>/judgement", methods=["GET", "POST"])
def judge(learner_id):  # type: ignore[no-untyped-def]
    learner_id = str(learner_id)

    def run(form: dict[str, str]):  # type: ignore[no-untyped-def]
        errors: dict[str, list[str]] = {}
        point = _point(form, errors)
        outcome = _choice(form, "outcome", ["sustained", "not_sustained"], "Choose sustained or not.", errors)
        source = _choice(form, "source", list(SOURCES), "Say who told you.", errors)
        heard = _date(form, "evidence_date", errors, required=False)
        if errors:
            raise FormInvalid(errors)
        return judge_destination(current_runtime(), learner_id, leaving_point=point, outcome=outcome, source=source,
                                 evidence_date=heard)  # fmt: skip

    return _form_page(learner_id, "judgement.html", run, "The judgement has been recorded.")


@destinations_pages.route("/learners/<uuid:learner_id>/consent", methods=["GET", "POST"])
def consent(learner_id):  # type: ignore[no-untyped-def]
    learner_id = str(learner_id)
    principal = require_principal()

    def run(form: dict[str, str]):  # type: ignore[no-untyped-def]
        errors: dict[str, list[str]] = {}
        status = _choice(form, "consent", ["given", "withdrawn", "refused"], "Choose whether consent is given.", errors)
        given_by = _choice(form, "given_by", ["learner", "parent"], "Say who gave or withdrew it.", errors)
        when = _date(form, "consent_date", errors, required=True)
        if errors:
            raise FormInvalid(errors)
        return record_consent(current_runtime(), learner_id, consent=status, given_by=given_by, consent_date=when,
                              recorded_by=principal.subject)  # fmt: skip

    return _form_page(learner_id, "consent.html", run, "The consent has been recorded.")
