"""Pages for answering an evaluation: the task list of benchmarks with their progress,
a benchmark's questions, check your answers, submit, and the results.

Careers staff answer and submit; whoever may read the evaluation sees the task list and
the answers; results follow ``permissions.can_read_results`` (see ``pages_evaluations``).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for

from waymark_audit import views
from waymark_audit.domain import scoring
from waymark_audit.domain.evaluations import COMPLETED, EvaluationCompleted, InvalidAnswers, MissingAnswers
from waymark_audit.domain.frameworks import Benchmark
from waymark_audit.entrypoints import pages_answers as answers_
from waymark_audit.entrypoints.pages_common import (
    Loaded,
    audit_pages,
    evaluation_for_page,
    page,
    posted_version,
    questions_of,
    when_text,
)
from waymark_audit.service_layer import permissions
from waymark_audit.service_layer.evaluations import load_evaluation, save_answers, submit_evaluation
from waymark_shared.eventstore.store import ConcurrencyError
from waymark_shared.web.auth import require_principal
from waymark_shared.web.pages import field_id, form_data, form_errors
from waymark_shared.web.runtime import current_runtime

STALE = (
    "Someone else saved answers to this evaluation after you opened this page, so your answers "
    "on this page have not been saved. The page now shows the latest saved answers; where yours "
    "were different they are shown under the question. Check them and save again."
)
STALE_SUBMIT = (
    "Someone else saved answers to this evaluation after you opened this page, so it has not been "
    "submitted. Check the latest answers below, then submit again."
)


# -- the questionnaire --------------------------------------------------------------------


def _benchmark_states(loaded: Loaded) -> list[dict[str, Any]]:
    answers = loaded.evaluation.answers
    missing = set(
        scoring.missing_required(loaded.whole_framework, loaded.evaluation.evaluation_type, answers)
    )
    states = []
    for benchmark in loaded.framework.benchmarks:
        if not benchmark.criteria:
            continue
        questions = questions_of(benchmark)
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
    loaded = evaluation_for_page(str(evaluation_id), permissions.can_read, principal)
    if loaded.evaluation.status == COMPLETED:
        return redirect(url_for(".results", evaluation_id=evaluation_id))
    states = _benchmark_states(loaded)
    return page(
        "overview.html",
        loaded=loaded,
        evaluation=loaded.evaluation,
        framework=loaded.framework,
        states=states,
        completed=sum(1 for s in states if s["state"] == "completed"),
        when=when_text,
    )


@audit_pages.route("/evaluations/<uuid:evaluation_id>/benchmarks/<int:number>", methods=["GET", "POST"])
def benchmark(evaluation_id, number: int):  # type: ignore[no-untyped-def]
    principal = require_principal()
    evaluation_id = str(evaluation_id)
    loaded = evaluation_for_page(evaluation_id, permissions.can_edit, principal)
    if loaded.evaluation.status == COMPLETED:
        flash("This evaluation has been submitted, so its answers can no longer be changed.", "important")
        return redirect(url_for(".results", evaluation_id=evaluation_id))
    chosen = loaded.benchmark(number)
    questions = questions_of(chosen)
    context = {"loaded": loaded, "evaluation": loaded.evaluation, "benchmark": chosen}
    if request.method != "POST":
        form = answers_.form_from_answers(questions, loaded.evaluation.answers)
        return page("benchmark.html", form=form, version=loaded.evaluation.version, **context)
    return _save_benchmark(loaded, chosen, context)


def _save_benchmark(loaded: Loaded, chosen: Benchmark, context: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Save a benchmark's page, then on to the next (or back to the task list)."""
    evaluation_id, number, questions = loaded.evaluation.evaluation_id, chosen.number, questions_of(chosen)
    posted = form_data()
    part, problems = answers_.answers_from_form(questions, posted)
    if problems:
        return page(
            "benchmark.html", 422, form=posted, version=posted.get("version", ""),
            errors=form_errors(problems), **context,
        )  # fmt: skip
    runtime = current_runtime()
    try:
        save_answers(runtime, evaluation_id, part, posted_version(posted))
    except InvalidAnswers as error:
        return page(
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
        return page(
            "benchmark.html", 409,
            form=answers_.form_from_answers(questions, fresh.answers), version=fresh.version,
            errors=form_errors({"_schema": [STALE]}), unsaved=unsaved, summary_title="Your answers have not been saved",
            **{**context, "evaluation": fresh},
        )  # fmt: skip
    return _after_save(loaded, number)


def _after_save(loaded: Loaded, number: int):  # type: ignore[no-untyped-def]
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


def _check_page(loaded: Loaded, status: int = 200, **context: Any):  # type: ignore[no-untyped-def]
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
            for q in questions_of(benchmark)
        ]  # fmt: skip
        sections.append({"benchmark": benchmark, "rows": rows})
    return page(
        "check.html", status, loaded=loaded, evaluation=loaded.evaluation, sections=sections, missing=missing,
        **context,
    )  # fmt: skip


@audit_pages.route("/evaluations/<uuid:evaluation_id>/check")
def check(evaluation_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    loaded = evaluation_for_page(str(evaluation_id), permissions.can_read, principal)
    return _check_page(loaded)


@audit_pages.route("/evaluations/<uuid:evaluation_id>/submit", methods=["POST"])
def submit(evaluation_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    evaluation_id = str(evaluation_id)
    loaded = evaluation_for_page(evaluation_id, permissions.can_edit, principal)
    runtime = current_runtime()
    try:
        submit_evaluation(runtime, evaluation_id, posted_version(form_data()))
    except MissingAnswers as error:
        questions = loaded.framework.questions()
        where = {q.id: b.number for b in loaded.framework.benchmarks for q in questions_of(b)}
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
        fresh = evaluation_for_page(evaluation_id, permissions.can_edit, principal)
        return _check_page(fresh, 409, errors=form_errors({"_schema": [STALE_SUBMIT]}))
    flash("Your evaluation has been submitted.", "success")
    return redirect(url_for(".results", evaluation_id=evaluation_id))


# -- results ------------------------------------------------------------------------------


@audit_pages.route("/evaluations/<uuid:evaluation_id>/results")
def results(evaluation_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    loaded = evaluation_for_page(str(evaluation_id), permissions.can_read_results, principal)
    if loaded.evaluation.status != COMPLETED and not loaded.may["read"]:
        abort(403)
    runtime = current_runtime()
    shown, previous = views.results_with_previous(runtime, loaded.evaluation)
    questions = loaded.framework.questions()
    return page(
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
        when=when_text,
    )
