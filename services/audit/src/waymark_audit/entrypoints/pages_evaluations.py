"""Pages for people: an institution's evaluations (history by academic year with the
termly snapshots; start, copy or continue; the evaluation type), the questionnaire a
benchmark a page with a task list of progress, check your answers, submit, results.

Everything goes through audit's service layer and views, as the JSON API does, with the
same policy: the institution's careers staff start, answer and submit; its senior
leaders and governors read answers and results; hub and trust leads read submitted
results. Read-only people see no edit buttons.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.exceptions import NotFound

from waymark_audit import views
from waymark_audit.adapters.institutions import institution as institution_row
from waymark_audit.domain import results as results_
from waymark_audit.domain import scoring
from waymark_audit.domain.evaluation_types import CLOSED, FE_ITP, SCHOOL, SPECIALIST
from waymark_audit.domain.evaluations import (
    COMPLETED,
    Evaluation,
    EvaluationCompleted,
    InvalidAnswers,
    MissingAnswers,
)
from waymark_audit.domain.frameworks import EVALUATION_TYPES, Benchmark, Framework
from waymark_audit.entrypoints import pages_answers as answers_
from waymark_audit.entrypoints.evaluations_api import checked_institution
from waymark_audit.service_layer import permissions
from waymark_audit.service_layer.evaluations import (
    EvaluationInProgress,
    InstitutionClosed,
    InvalidChoice,
    NothingToCopy,
    UnknownInstitution,
    change_evaluation_type,
    frameworks_of,
    load_evaluation,
    save_answers,
    start_evaluation,
    submit_evaluation,
)
from waymark_audit.service_layer.permissions import InstitutionScope
from waymark_shared.auth.principal import HUB, INSTITUTION, TRUST, Principal
from waymark_shared.db.engine import reading
from waymark_shared.eventstore.store import ConcurrencyError
from waymark_shared.web.auth import current_principal, require_principal
from waymark_shared.web.pages import field_id, form_data, form_errors
from waymark_shared.web.runtime import current_runtime

audit_pages = Blueprint("audit_pages", __name__)

TYPE_NAMES = {
    SCHOOL: "School",
    SPECIALIST: "Specialist setting (special school or alternative provision)",
    FE_ITP: "Further education college or independent training provider",
}
INSTITUTION_TYPE_NAMES = {
    "mainstream_secondary": "Mainstream secondary school",
    "special_school": "Special school",
    "alternative_provision": "Alternative provision",
    "fe_college": "Further education college",
    "sixth_form_college": "Sixth form college",
    "independent_training_provider": "Independent training provider",
}
STATUS_TAGS = {
    scoring.ACHIEVED: ("Achieved", "govuk-tag--green"),
    scoring.IN_PROGRESS: ("In progress", "govuk-tag--yellow"),
    scoring.NOT_STARTED: ("Not started", "govuk-tag--grey"),
}
STALE = (
    "Someone else saved answers to this evaluation after you opened this page, so your answers "
    "on this page have not been saved. The page now shows the latest saved answers; where yours "
    "were different they are shown under the question. Check them and save again."
)
STALE_SUBMIT = (
    "Someone else saved answers to this evaluation after you opened this page, so it has not been "
    "submitted. Check the latest answers below, then submit again."
)


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


def _page(template: str, status: int = 200, **context: Any):  # type: ignore[no-untyped-def]
    context.setdefault("type_names", TYPE_NAMES)
    context.setdefault("status_tags", STATUS_TAGS)
    return render_template(f"audit/{template}", **context), status


def _version(form: dict[str, str]) -> int | None:
    text = form.get("version", "").strip()
    return int(text) if text.isdigit() else None


def _scope(found: dict[str, Any] | None, institution_id: str) -> InstitutionScope:
    return InstitutionScope(institution_id, found and found["careers_hub"], found and found["trust"])


def _may(principal: Principal, found: dict[str, Any], institution_id: str) -> dict[str, bool]:
    scope = _scope(found, institution_id)
    return {
        "edit": permissions.can_edit(principal, scope),
        "read": permissions.can_read(principal, scope),
        "change_type": permissions.can_change_evaluation_type(principal, scope),
    }


class _Loaded:
    """An evaluation a page shows, with its framework for its type and who may do what."""

    def __init__(self, evaluation: Evaluation, framework: Framework, found: dict[str, Any], may: dict):
        self.evaluation = evaluation
        self.framework = framework.for_type(evaluation.evaluation_type)
        self.whole_framework = framework
        self.institution = found
        self.may = may

    def benchmark(self, number: int) -> Benchmark:
        for benchmark in self.framework.benchmarks:
            if benchmark.number == number and benchmark.criteria:
                return benchmark
        raise NotFound()

    def numbers(self) -> list[int]:
        return [b.number for b in self.framework.benchmarks if b.criteria]


def _load(evaluation_id: str, policy, principal: Principal) -> _Loaded:  # type: ignore[no-untyped-def]
    runtime = current_runtime()
    row = views.evaluation_row(runtime, evaluation_id)
    if row is None:
        abort(404)
    found = checked_institution(principal, row["institution_id"], policy)
    evaluation = load_evaluation(evaluation_id, runtime)
    if evaluation is None:
        abort(404)
    framework = frameworks_of(runtime).load(evaluation.framework_id)
    return _Loaded(evaluation, framework, found, _may(principal, found, row["institution_id"]))


def _questions(benchmark: Benchmark) -> list:  # type: ignore[type-arg]
    return [q for c in benchmark.criteria for q in c.questions]


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
        from sqlalchemy import or_, select

        from waymark_audit.adapters.tables import institutions

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
    may = _may(principal, found, institution_id)
    today = results_.school_day(datetime.now(results_.SCHOOL_TIME))
    years = views.history(runtime, institution_id, today=today)
    rows = [row for year in years for row in year["evaluations"]]
    in_progress = next((row for row in rows if row["status"] != COMPLETED), None)
    has_completed = any(row["status"] == COMPLETED for row in rows)
    framework = frameworks_of(runtime).for_day(today)
    return _page(
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
        when=_when,
        day=_day,
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
        return _page("evaluation_type.html", form=current, **context)
    try:
        data = EvaluationTypeForm().load(form_data())
        change_evaluation_type(
            current_runtime(), institution_id, data["evaluation_type"], data["reason"], data["version"]
        )
    except ValidationError as error:
        return _page(
            "evaluation_type.html", 422, form=request.form, errors=form_errors(error.messages), **context
        )
    except InvalidChoice as error:
        return _page(
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
        return _page(
            "evaluation_type.html", 409, form=fresh_form, errors=form_errors({"_schema": [message]}),
            **{**context, "institution": fresh},
        )  # fmt: skip
    flash(
        f"The institution now takes the {TYPE_NAMES[data['evaluation_type']].lower()} evaluation.", "success"
    )
    return redirect(url_for(".institution", institution_id=institution_id))


# -- the questionnaire --------------------------------------------------------------------


def _benchmark_states(loaded: _Loaded) -> list[dict[str, Any]]:
    answers = loaded.evaluation.answers
    missing = set(
        scoring.missing_required(loaded.whole_framework, loaded.evaluation.evaluation_type, answers)
    )
    states = []
    for benchmark in loaded.framework.benchmarks:
        if not benchmark.criteria:
            continue
        questions = _questions(benchmark)
        answered = sum(1 for q in questions if scoring.is_answered(q, answers.get(q.id)))
        unanswered_required = [q for q in questions if q.id in missing]
        if answered == 0:
            state = "not_started"
        elif unanswered_required:
            state = "in_progress"
        else:
            state = "completed"
        states.append(
            {"benchmark": benchmark, "questions": len(questions), "answered": answered, "state": state}
        )
    return states


@audit_pages.route("/evaluations/<uuid:evaluation_id>")
def overview(evaluation_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    loaded = _load(str(evaluation_id), permissions.can_read, principal)
    if loaded.evaluation.status == COMPLETED:
        return redirect(url_for(".results", evaluation_id=evaluation_id))
    states = _benchmark_states(loaded)
    return _page(
        "overview.html",
        loaded=loaded,
        evaluation=loaded.evaluation,
        framework=loaded.framework,
        states=states,
        completed=sum(1 for s in states if s["state"] == "completed"),
        when=_when,
    )


@audit_pages.route("/evaluations/<uuid:evaluation_id>/benchmarks/<int:number>", methods=["GET", "POST"])
def benchmark(evaluation_id, number: int):  # type: ignore[no-untyped-def]
    principal = require_principal()
    evaluation_id = str(evaluation_id)
    loaded = _load(evaluation_id, permissions.can_edit, principal)
    if loaded.evaluation.status == COMPLETED:
        flash("This evaluation has been submitted, so its answers can no longer be changed.", "important")
        return redirect(url_for(".results", evaluation_id=evaluation_id))
    chosen = loaded.benchmark(number)
    questions = _questions(chosen)
    context = {"loaded": loaded, "evaluation": loaded.evaluation, "benchmark": chosen}
    if request.method != "POST":
        form = answers_.form_from_answers(questions, loaded.evaluation.answers)
        return _page("benchmark.html", form=form, version=loaded.evaluation.version, **context)
    return _save_benchmark(loaded, chosen, context)


def _save_benchmark(loaded: _Loaded, chosen: Benchmark, context: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Save a benchmark's page, then on to the next (or back to the task list)."""
    evaluation_id, number, questions = loaded.evaluation.evaluation_id, chosen.number, _questions(chosen)
    posted = form_data()
    part, problems = answers_.answers_from_form(questions, posted)
    if problems:
        return _page(
            "benchmark.html", 422, form=posted, version=posted.get("version", ""),
            errors=form_errors(problems), **context,
        )  # fmt: skip
    runtime = current_runtime()
    try:
        save_answers(runtime, evaluation_id, part, _version(posted))
    except InvalidAnswers as error:
        return _page(
            "benchmark.html", 422, form=posted, version=posted.get("version", ""),
            errors=form_errors(error.errors), **context,
        )  # fmt: skip
    except EvaluationCompleted:
        flash("This evaluation has been submitted, so its answers can no longer be changed.", "important")
        return redirect(url_for(".results", evaluation_id=evaluation_id))
    except ConcurrencyError:
        fresh = load_evaluation(evaluation_id, runtime)
        assert fresh is not None
        unsaved = {
            q.id: answers_.answer_lines(q, part.get(q.id)) or ["Not answered"]
            for q in questions
            if part.get(q.id) != fresh.answers.get(q.id)
        }
        return _page(
            "benchmark.html", 409,
            form=answers_.form_from_answers(questions, fresh.answers), version=fresh.version,
            errors=form_errors({"_schema": [STALE]}), unsaved=unsaved, summary_title="Your answers have not been saved",
            **{**context, "evaluation": fresh},
        )  # fmt: skip
    return _after_save(loaded, number)


def _after_save(loaded: _Loaded, number: int):  # type: ignore[no-untyped-def]
    evaluation_id = loaded.evaluation.evaluation_id
    if request.form.get("action") == "later":
        flash(
            "Your answers have been saved. You, or another member of staff, can come back to them at any time.",
            "success",
        )
        return redirect(url_for(".overview", evaluation_id=evaluation_id))
    later = [n for n in loaded.numbers() if n > number]
    if later:
        return redirect(url_for(".benchmark", evaluation_id=evaluation_id, number=later[0]))
    return redirect(url_for(".check", evaluation_id=evaluation_id))


def _check_page(loaded: _Loaded, status: int = 200, **context: Any):  # type: ignore[no-untyped-def]
    answers = loaded.evaluation.answers
    missing = scoring.missing_required(loaded.whole_framework, loaded.evaluation.evaluation_type, answers)
    sections = []
    for benchmark in loaded.framework.benchmarks:
        if not benchmark.criteria:
            continue
        rows = [
            {
                "question": q,
                "lines": answers_.answer_lines(q, answers.get(q.id)),
                "missing": q.id in missing,
                "href": url_for(".benchmark", evaluation_id=loaded.evaluation.evaluation_id, number=benchmark.number)
                + "#" + field_id(q.id),
            }
            for q in _questions(benchmark)
        ]  # fmt: skip
        sections.append({"benchmark": benchmark, "rows": rows})
    return _page(
        "check.html", status, loaded=loaded, evaluation=loaded.evaluation, sections=sections, missing=missing,
        **context,
    )  # fmt: skip


@audit_pages.route("/evaluations/<uuid:evaluation_id>/check")
def check(evaluation_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    loaded = _load(str(evaluation_id), permissions.can_read, principal)
    return _check_page(loaded)


@audit_pages.route("/evaluations/<uuid:evaluation_id>/submit", methods=["POST"])
def submit(evaluation_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    evaluation_id = str(evaluation_id)
    loaded = _load(evaluation_id, permissions.can_edit, principal)
    runtime = current_runtime()
    try:
        submit_evaluation(runtime, evaluation_id, _version(form_data()))
    except MissingAnswers as error:
        questions = loaded.framework.questions()
        where = {q.id: b.number for b in loaded.framework.benchmarks for q in _questions(b)}
        summary = [
            {
                "text": f"Benchmark {where[qid]}: answer “{questions[qid].text}”",
                "href": url_for(".benchmark", evaluation_id=evaluation_id, number=where[qid])
                + "#"
                + field_id(qid),
            }
            for qid in error.missing
            if qid in questions
        ]
        return _check_page(loaded, 422, errors={"summary": summary, "fields": {}})
    except EvaluationCompleted:
        flash("This evaluation had already been submitted.", "important")
        return redirect(url_for(".results", evaluation_id=evaluation_id))
    except ConcurrencyError:
        fresh = _load(evaluation_id, permissions.can_edit, principal)
        return _check_page(fresh, 409, errors=form_errors({"_schema": [STALE_SUBMIT]}))
    flash("Your evaluation has been submitted.", "success")
    return redirect(url_for(".results", evaluation_id=evaluation_id))


# -- results ------------------------------------------------------------------------------


@audit_pages.route("/evaluations/<uuid:evaluation_id>/results")
def results(evaluation_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    loaded = _load(str(evaluation_id), permissions.can_read_results, principal)
    if loaded.evaluation.status != COMPLETED and not loaded.may["read"]:
        abort(403)
    runtime = current_runtime()
    shown, previous = views.results_with_previous(runtime, loaded.evaluation)
    questions = loaded.framework.questions()
    return _page(
        "results.html",
        loaded=loaded,
        evaluation=loaded.evaluation,
        shown=shown,
        applicable=sum(1 for b in shown["benchmarks"] if b["percentage"] is not None),
        previous=previous,
        # numbers of learners the roster's year-group sizes cannot judge (in progress only)
        unjudged=[
            (questions[item["question_id"]], item["message"])
            for item in shown.get("unjudged", [])
            if item["question_id"] in questions
        ],
        when=_when,
    )


# -- formatting ---------------------------------------------------------------------------


def _when(moment: str | None) -> str:
    """``2026-03-12T10:15:00+00:00`` as "12 March 2026" (the day in England)."""
    if not moment:
        return ""
    return _day(results_.school_day(datetime.fromisoformat(moment)))


def _day(day: date | str) -> str:
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return f"{day.day} {day:%B %Y}"
