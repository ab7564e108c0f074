"""What audit's pages share: the blueprint their routes are on, the names and tags they
show, loading an evaluation with who may do what to it, and how dates are written.

The routes are in ``pages_evaluations`` (an institution's evaluations and its
evaluation type) and ``pages_questionnaire`` (answering, checking, submitting, results).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, abort, render_template
from werkzeug.exceptions import NotFound

from waymark_audit import views
from waymark_audit.domain import results as results_
from waymark_audit.domain import scoring
from waymark_audit.domain.evaluation_types import FE_ITP, SCHOOL, SPECIALIST
from waymark_audit.domain.evaluations import Evaluation
from waymark_audit.domain.frameworks import Benchmark, Framework
from waymark_audit.entrypoints.evaluations_api import checked_institution
from waymark_audit.service_layer import permissions
from waymark_audit.service_layer.evaluations import frameworks_of, load_evaluation
from waymark_audit.service_layer.permissions import InstitutionScope
from waymark_shared.auth.principal import Principal
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


def page(template: str, status: int = 200, **context: Any):  # type: ignore[no-untyped-def]
    context.setdefault("type_names", TYPE_NAMES)
    context.setdefault("status_tags", STATUS_TAGS)
    return render_template(f"audit/{template}", **context), status


def posted_version(form: dict[str, str]) -> int | None:
    text = form.get("version", "").strip()
    return int(text) if text.isdigit() else None


def scope_of(found: dict[str, Any] | None, institution_id: str) -> InstitutionScope:
    return InstitutionScope(institution_id, found and found["careers_hub"], found and found["trust"])


def may_do(principal: Principal, found: dict[str, Any], institution_id: str) -> dict[str, bool]:
    scope = scope_of(found, institution_id)
    return {
        "edit": permissions.can_edit(principal, scope),
        "read": permissions.can_read(principal, scope),
        "change_type": permissions.can_change_evaluation_type(principal, scope),
    }


class Loaded:
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


def evaluation_for_page(evaluation_id: str, policy, principal: Principal) -> Loaded:  # type: ignore[no-untyped-def]
    runtime = current_runtime()
    row = views.evaluation_row(runtime, evaluation_id)
    if row is None:
        abort(404)
    found = checked_institution(principal, row["institution_id"], policy)
    evaluation = load_evaluation(evaluation_id, runtime)
    if evaluation is None:
        abort(404)
    framework = frameworks_of(runtime).load(evaluation.framework_id)
    return Loaded(evaluation, framework, found, may_do(principal, found, row["institution_id"]))


def questions_of(benchmark: Benchmark) -> list:  # type: ignore[type-arg]
    return [q for c in benchmark.criteria for q in c.questions]


def when_text(moment: str | None) -> str:
    """``2026-03-12T10:15:00+00:00`` as "12 March 2026" (the day in England)."""
    if not moment:
        return ""
    return day_text(results_.school_day(datetime.fromisoformat(moment)))


def day_text(day: date | str) -> str:
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return f"{day.day} {day:%B %Y}"
