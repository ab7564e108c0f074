"""The model planner's Word and Excel exports lay out: the plan in words and counts,
with no learner id (``exports.model``), read in a few queries however long the plan."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from waymark_planner.adapters import audit_results
from waymark_planner.adapters.tables import (
    activities,
    activity_feedback,
    activity_outcomes,
    participation,
    participation_counts,
    plan_objectives,
)
from waymark_planner.domain.vocabulary import BENCHMARK_TITLES, FEEDBACK_FROM, MEANINGFUL_CHECKLIST, OUTCOMES
from waymark_planner.exports.model import ExportActivity, ExportFeedback, PlanExport
from waymark_planner.views import evaluation_summary, plan_detail_in
from waymark_shared.db.engine import reading
from waymark_shared.service import ServiceRuntime


def export_model(runtime: ServiceRuntime, plan_id: str, *, now: datetime | None = None) -> PlanExport | None:
    """The plan as its Word and Excel exports show it: no learner id, only counts."""
    with reading(runtime.engine) as conn:
        plan = plan_detail_in(conn, plan_id)
        if plan is None:
            return None
        ids = [a["activity_id"] for a in plan["activities"]]
        by_year = _participants_by_year_group(conn, plan_id)
        feedback = _feedback_by_group(conn, plan_id)
        outcomes = _outcomes(conn, plan_id)
        evaluation = plan["evaluation"]
        if evaluation is None:
            evaluation = evaluation_summary(audit_results.latest_evaluation(conn, plan["institution_id"]))
    texts = {o["objective_id"]: o["text"] for o in plan["objectives"]}
    exported = tuple(
        _export_activity(item, texts, by_year.get(aid, {}), feedback.get(aid, ()), outcomes.get(aid, ()))
        for aid, item in zip(ids, plan["activities"], strict=True)
    )
    return PlanExport(
        institution_name=plan["institution_name"] or "",
        academic_year=plan["academic_year"],
        generated_at=now or datetime.now(UTC),
        objectives=tuple(o["text"] for o in plan["objectives"]),
        activities=exported,
        benchmark_titles=dict(BENCHMARK_TITLES),
        evaluation_summary=evaluation["summary"] if evaluation else None,
        meaningful_checklist=tuple(MEANINGFUL_CHECKLIST.values()),
    )


def _export_activity(
    item: Mapping[str, Any],
    texts: Mapping[str, str],
    by_year: Mapping[int, int],
    feedback: Iterable[ExportFeedback],
    outcomes: Iterable[tuple[str, str]],
) -> ExportActivity:
    return ExportActivity(
        title=item["title"],
        activity_type_label=item["activity_type_label"],
        benchmarks=tuple(item["benchmarks"]),
        criteria=tuple(item["criteria"]),
        year_groups=tuple(item["year_groups"]),
        term_label=item["term_label"],
        date=date.fromisoformat(item["date"]) if item["date"] else None,
        provider=item["provider"],
        delivery_label=item["delivery_label"],
        provider_access_encounter=bool(item["provider_access_encounter"]),
        meaningful_labels=tuple(item["meaningful_delivered_labels"] or item["meaningful_labels"]),
        owner=item["owner"],
        status=item["status"],
        delivered_on=date.fromisoformat(item["delivered_on"]) if item["delivered_on"] else None,
        participants=int(item["participant_count"]),
        average_rating=item["average_rating"],
        feedback_count=int(item["feedback_count"]),
        objectives=tuple(texts[o] for o in item["objective_ids"] if o in texts),
        subject_labels=tuple(item["subject_labels"]),
        participants_by_year_group=dict(by_year),
        feedback=tuple(feedback),
        outcomes=tuple(outcomes),
        evaluation_summary=item["evaluation_summary"],
    )


def _participants_by_year_group(conn: Connection, plan_id: str) -> dict[str, dict[int, int]]:
    """Per activity of the plan: participants per year group, learners and counts (two queries)."""
    found: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    p = participation.c
    named = (
        select(p.activity_id, p.year_group, func.count())
        .join(activities, activities.c.activity_id == p.activity_id)
        .where(activities.c.plan_id == plan_id, p.year_group.is_not(None))
        .group_by(p.activity_id, p.year_group)
    )
    c = participation_counts.c
    counted = (
        select(c.activity_id, c.year_group, c.count)
        .join(activities, activities.c.activity_id == c.activity_id)
        .where(activities.c.plan_id == plan_id)
    )
    for query in (named, counted):
        for activity_id, year_group, count in conn.execute(query):
            found[activity_id][int(year_group)] += int(count)
    return {aid: dict(sorted(years.items())) for aid, years in found.items()}


def _feedback_by_group(conn: Connection, plan_id: str) -> dict[str, tuple[ExportFeedback, ...]]:
    f = activity_feedback.c
    query = (
        select(f.activity_id, f.respondent, f.rating, f.responses)
        .join(activities, activities.c.activity_id == f.activity_id)
        .where(activities.c.plan_id == plan_id)
        .order_by(f.activity_id, f.position)
    )
    sums: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for activity_id, respondent, rating, responses in conn.execute(query):
        totals = sums[activity_id].setdefault(respondent, [0, 0])
        totals[0] += rating * responses
        totals[1] += responses
    order = list(FEEDBACK_FROM)
    return {
        aid: tuple(
            ExportFeedback(FEEDBACK_FROM.get(who, who), round(total / count, 2), count)
            for who, (total, count) in sorted(
                groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 9
            )
        )
        for aid, groups in sums.items()
    }


def _outcomes(conn: Connection, plan_id: str) -> dict[str, tuple[tuple[str, str], ...]]:
    o = activity_outcomes.c
    query = (
        select(o.activity_id, plan_objectives.c.text, o.outcome)
        .join(activities, activities.c.activity_id == o.activity_id)
        .join(
            plan_objectives,
            (plan_objectives.c.plan_id == activities.c.plan_id)
            & (plan_objectives.c.objective_id == o.objective_id),
        )
        .where(activities.c.plan_id == plan_id)
        .order_by(o.activity_id, plan_objectives.c.position)
    )
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for activity_id, text, outcome in conn.execute(query):
        found[activity_id].append((text, OUTCOMES.get(outcome, outcome)))
    return {aid: tuple(items) for aid, items in found.items()}
