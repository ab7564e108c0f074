"""Audit's read side for evaluations: the list (history) from its table, one
evaluation from its stream, and results with the change since the previous one."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from waymark_audit.adapters.roster import year_group_sizes
from waymark_audit.adapters.tables import evaluations
from waymark_audit.domain import results as results_
from waymark_audit.domain import scoring
from waymark_audit.domain.evaluations import COMPLETED, Evaluation, progress
from waymark_audit.service_layer.evaluations import frameworks_of, last_completed
from waymark_shared.db.engine import reading
from waymark_shared.service import ServiceRuntime

LIST_FIELDS = (
    "evaluation_id",
    "framework_id",
    "evaluation_type",
    "status",
    "version",
    "started_at",
    "updated_at",
    "completed_at",
    "copied_from",
    "answered",
    "benchmarks_achieved",
)


def evaluation_row(runtime: ServiceRuntime, evaluation_id: str) -> dict[str, Any] | None:
    with reading(runtime.engine) as conn:
        row = conn.execute(select(evaluations).where(evaluations.c.evaluation_id == evaluation_id)).first()
    return None if row is None else dict(row._mapping)


def _sizes(runtime: ServiceRuntime, evaluation: Evaluation) -> dict[int, int] | None:
    """The roster's year-group sizes an evaluation in progress is scored against (a
    completed one keeps the result it was submitted with)."""
    if evaluation.completed is not None:
        return None
    return year_group_sizes(runtime, evaluation.institution_id)


def evaluation_detail(runtime: ServiceRuntime, evaluation: Evaluation) -> dict[str, Any]:
    """An evaluation as the page that answers it needs it: answers, version, and
    progress per benchmark (questions answered, and the percentage so far)."""
    framework = frameworks_of(runtime).load(evaluation.framework_id)
    result = evaluation.result(framework, year_group_sizes=_sizes(runtime, evaluation))
    percentages = {b.number: b.percentage for b in result.benchmarks}
    rows = progress(framework, evaluation.evaluation_type, evaluation.answers)
    return {
        "evaluation_id": evaluation.evaluation_id,
        "institution_id": evaluation.institution_id,
        "framework_id": evaluation.framework_id,
        "evaluation_type": evaluation.evaluation_type,
        "status": evaluation.status,
        "version": evaluation.version,
        "started_at": evaluation.started_at,
        "completed_at": evaluation.completed.completed_at if evaluation.completed else None,
        "copied_from": evaluation.copied_from,
        "answers": evaluation.answers,
        "progress": [{**row, "percentage": percentages.get(row["number"])} for row in rows],
    }


def evaluation_results(runtime: ServiceRuntime, evaluation: Evaluation) -> dict[str, Any]:
    """Per benchmark its percentage, criteria statuses and the change since the
    institution's previous completed evaluation; and what to do next."""
    return results_with_previous(runtime, evaluation)[0]


def results_with_previous(
    runtime: ServiceRuntime, evaluation: Evaluation
) -> tuple[dict[str, Any], Evaluation | None]:
    """:func:`evaluation_results`, and the previous evaluation it compared with (the
    results page shows it, and loading it twice costs a page a tenth of its time)."""
    framework = frameworks_of(runtime).load(evaluation.framework_id)
    typed = framework.for_type(evaluation.evaluation_type)
    sizes = _sizes(runtime, evaluation)
    result = evaluation.result(framework, year_group_sizes=sizes)
    before = evaluation.completed.completed_at if evaluation.completed else None
    previous = last_completed(runtime, evaluation.institution_id, before=before)
    previous_result = (
        previous.result(frameworks_of(runtime).load(previous.framework_id)) if previous else None
    )
    changes = results_.change_since(previous_result, result)
    criteria = {c.id: c for b in typed.benchmarks for c in b.criteria}
    titles = {b.number: b.title for b in typed.benchmarks}
    shown = {
        "evaluation_id": evaluation.evaluation_id,
        "institution_id": evaluation.institution_id,
        "framework_id": evaluation.framework_id,
        "evaluation_type": evaluation.evaluation_type,
        "status": evaluation.status,
        "completed_at": before,
        "benchmarks_achieved": result.benchmarks_achieved,
        "previous_evaluation_id": previous.evaluation_id if previous else None,
        "benchmarks": [
            {
                "number": b.number,
                "title": titles.get(b.number, ""),
                "percentage": b.percentage,
                "achieved": b.achieved,
                "change": changes.get(b.number),
                "criteria": [
                    {
                        "criterion_id": c.criterion_id,
                        "text": criteria[c.criterion_id].text if c.criterion_id in criteria else "",
                        "status": c.status,
                        "met": c.met,
                        "scored": c.scored,
                    }
                    for c in b.criteria
                ],
            }
            for b in result.benchmarks
        ],
        # In progress: numbers of learners not judged, the roster not giving the year group's size.
        "unjudged": [
            {"question_id": qid, "year_groups": list(years), "message": scoring.unjudged_message(years)}
            for qid, years in (
                {}
                if evaluation.completed is not None
                else scoring.unjudged_counts(framework, evaluation.evaluation_type, evaluation.answers, sizes)
            ).items()
        ],
        "suggested_actions": [
            {"criterion_id": criterion.id, "text": criterion.text, "actions": list(actions)}
            for criterion, actions in results_.suggested_actions(
                framework, evaluation.evaluation_type, result
            )
        ],
    }
    return shown, previous


def history(runtime: ServiceRuntime, institution_id: str, today: date | None = None) -> list[dict[str, Any]]:
    """The institution's evaluations by academic year, latest first (an evaluation in
    progress in the year it started, a completed one in the year it was completed), each
    year with its termly snapshots: the latest evaluation completed as at 31 December,
    31 March and 31 July."""
    query = (
        select(*(evaluations.c[name] for name in LIST_FIELDS))
        .where(evaluations.c.institution_id == institution_id)
        .order_by(evaluations.c.started_at.desc())
    )
    with reading(runtime.engine) as conn:
        rows = [dict(row._mapping) for row in conn.execute(query)]
    completed = [(datetime.fromisoformat(r["completed_at"]), r) for r in rows if r["status"] == COMPLETED]
    years: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        moment = row["completed_at"] or row["started_at"]
        years.setdefault(
            results_.academic_year(results_.school_day(datetime.fromisoformat(moment))), []
        ).append(row)
    answer = []
    for year in sorted(years, reverse=True):
        snapshots = results_.termly_snapshots(completed, year, as_of=today)
        answer.append(
            {
                "academic_year": year,
                "evaluations": years[year],
                "termly_snapshots": [
                    {
                        "date": day.isoformat(),
                        "evaluation_id": found["evaluation_id"] if found else None,
                        "benchmarks_achieved": found["benchmarks_achieved"] if found else None,
                    }
                    for day, found in snapshots.items()
                ],
            }
        )
    return answer
