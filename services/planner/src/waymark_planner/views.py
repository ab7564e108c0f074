"""What planner's pages and API read: plans with their objectives, suggestions and
activities, an activity with who took part and its evaluation, the roster to pick
learners from (what the exports read is in ``export_views``). Each reads planner's own
tables with a few queries (never an event stream, except an activity's history); no
query is made per activity."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from waymark_planner.adapters import audit_results, roster
from waymark_planner.adapters.providers import listed_providers as _listed_providers
from waymark_planner.adapters.tables import (
    activities,
    activity_feedback,
    activity_outcomes,
    institutions,
    participation,
    participation_counts,
    plan_objectives,
    plans,
    providers,
    suggestions,
)
from waymark_planner.domain.academic_year import AcademicYear
from waymark_planner.domain.vocabulary import (
    ACTIVITY_TYPES,
    BENCHMARK_TITLES,
    CANCELLED,
    DELIVERED,
    DELIVERY_LABELS,
    FEEDBACK_FROM,
    MEANINGFUL_CHECKLIST,
    OFFERED,
    OUTCOMES,
    PLANNED,
    STATUS_LABELS,
    SUBJECT_LABELS,
    TERM_LABELS,
    TERMS,
)
from waymark_shared.db.engine import reading
from waymark_shared.service import ServiceRuntime

_TERM_ORDER = {term: index for index, term in enumerate(TERMS)}
_SUGGESTION_ORDER = {OFFERED: 0, "accepted": 1, "dismissed": 2}


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# -- plans --------------------------------------------------------------------------------


def plans_of(runtime: ServiceRuntime, institution_id: str) -> list[dict[str, Any]]:
    """The institution's plans, newest year first, with how many activities each has
    planned, delivered and cancelled."""
    a = activities.c
    with reading(runtime.engine) as conn:
        rows = conn.execute(
            select(plans.c.plan_id, plans.c.academic_year, plans.c.origin, plans.c.version)
            .where(plans.c.institution_id == institution_id)
            .order_by(plans.c.academic_year.desc())
        ).all()
        tallies = conn.execute(
            select(a.plan_id, a.status, func.count())
            .where(a.institution_id == institution_id)
            .group_by(a.plan_id, a.status)
        ).all()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys((PLANNED, DELIVERED, CANCELLED), 0))
    for plan_id, status, count in tallies:
        counts[plan_id][status] = int(count)
    return [{**dict(row._mapping), **counts[row.plan_id]} for row in rows]


def plan_for(runtime: ServiceRuntime, institution_id: str, academic_year: str) -> dict[str, Any] | None:
    """The institution's plan for ``academic_year``, as :func:`plan_detail`; None if none."""
    with reading(runtime.engine) as conn:
        plan_id = conn.execute(
            select(plans.c.plan_id).where(
                plans.c.institution_id == institution_id, plans.c.academic_year == str(academic_year)
            )
        ).scalar()
        return None if plan_id is None else plan_detail_in(conn, plan_id)


def plan_detail(runtime: ServiceRuntime, plan_id: str, *, summary: bool = False) -> dict[str, Any] | None:
    """The plan: its year, origin and version, institution, objectives, suggestions
    (offered first), activities (by date or term), the same grouped by term and by
    benchmark, and counts. None if there is no such plan. With ``summary``, each
    activity has only what the plan page lists (``SUMMARY_COLUMNS``)."""
    with reading(runtime.engine) as conn:
        return plan_detail_in(conn, plan_id, summary=summary)


def plan_detail_in(conn: Connection, plan_id: str, *, summary: bool = False) -> dict[str, Any] | None:
    row = conn.execute(
        select(plans, institutions.c.name.label("institution_name"))
        .outerjoin(institutions, institutions.c.institution_id == plans.c.institution_id)
        .where(plans.c.plan_id == str(plan_id))
    ).first()
    if row is None:
        return None
    plan = dict(row._mapping)
    year = AcademicYear(plan["academic_year"])
    plan["starts"], plan["ends"] = year.starts, year.ends
    plan["objectives"] = _objectives(conn, plan_id)
    plan["suggestions"] = _suggestions(conn, plan_id)
    listed = _activity_summaries(conn, plan_id) if summary else _activities(conn, plan_id)
    plan["activities"] = listed
    plan["by_term"] = [
        {
            "term": term,
            "label": label,
            "starts": first,
            "ends": last,
            "activities": [x for x in listed if x["term"] == term],
        }
        for term, label, first, last in year.terms
    ]
    plan["by_benchmark"] = [
        {
            "benchmark": number,
            "title": title,
            "activities": [x for x in listed if number in x["benchmarks"]],
        }
        for number, title in BENCHMARK_TITLES.items()
    ]
    live = [x for x in listed if x["status"] != CANCELLED]
    plan["counts"] = {
        PLANNED: sum(1 for x in listed if x["status"] == PLANNED),
        DELIVERED: sum(1 for x in listed if x["status"] == DELIVERED),
        CANCELLED: sum(1 for x in listed if x["status"] == CANCELLED),
        "total": len(listed),
        "participants": sum(x["participant_count"] for x in listed),
        "offered": sum(1 for s in plan["suggestions"] if s["status"] == OFFERED),
        "by_term": {term: sum(1 for x in live if x["term"] == term) for term in TERMS},
        "by_benchmark": {n: sum(1 for x in live if n in x["benchmarks"]) for n in BENCHMARK_TITLES},
        "benchmarks_uncovered": [n for n in BENCHMARK_TITLES if not any(n in x["benchmarks"] for x in live)],
    }
    evaluation = audit_results.evaluation(conn, plan["evaluation_id"]) if plan["evaluation_id"] else None
    plan["evaluation"] = evaluation_summary(evaluation)
    return plan


def _objectives(conn: Connection, plan_id: str) -> list[dict[str, str]]:
    t = plan_objectives.c
    rows = conn.execute(select(t.objective_id, t.text).where(t.plan_id == plan_id).order_by(t.position))
    return [{"objective_id": r.objective_id, "text": r.text} for r in rows]


def _suggestions(conn: Connection, plan_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(suggestions).where(suggestions.c.plan_id == plan_id).order_by(suggestions.c.position)
    )
    found = [dict(r._mapping) for r in rows]
    for item in found:
        item["activity_type_label"] = ACTIVITY_TYPES.get(item["activity_type"], item["activity_type"])
        item["term_label"] = TERM_LABELS.get(item["term"], item["term"])
        item["benchmark_title"] = BENCHMARK_TITLES.get(item["benchmark"], "")
    found.sort(key=lambda item: (_SUGGESTION_ORDER.get(item["status"], 3), item["position"]))
    return found


def _activity_order(item: Mapping[str, Any]) -> tuple[Any, ...]:
    return (
        _TERM_ORDER.get(item["term"], 9),
        item["date"] or "9999",
        item["title"].lower(),
        item["activity_id"],
    )


def _activities(conn: Connection, plan_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(activities, providers.c.name.label("listed_provider_name"))
        .outerjoin(providers, providers.c.provider_id == activities.c.provider_id)
        .where(activities.c.plan_id == plan_id)
    )
    found = [_labelled(dict(r._mapping)) for r in rows]
    found.sort(key=_activity_order)
    return found


# What the plan page lists of each activity: the rest (descriptions, checklists,
# subjects, providers) is a page's worth of reading and decoding for 500 activities.
SUMMARY_COLUMNS = (
    "activity_id", "title", "activity_type", "benchmarks", "year_groups", "date", "term",
    "status", "delivered_on", "participant_count",
)  # fmt: skip


def _activity_summaries(conn: Connection, plan_id: str) -> list[dict[str, Any]]:
    columns = [activities.c[name] for name in SUMMARY_COLUMNS]
    rows = conn.execute(select(*columns).where(activities.c.plan_id == plan_id))
    found = [dict(r._mapping) for r in rows]
    found.sort(key=_activity_order)
    return found


def _labelled(item: dict[str, Any]) -> dict[str, Any]:
    """An activity row with what pages show of it in words."""
    listed_name = item.pop("listed_provider_name", None)
    item["provider"] = listed_name or item["provider_name"]
    item["activity_type_label"] = ACTIVITY_TYPES.get(item["activity_type"], item["activity_type"])
    item["term_label"] = TERM_LABELS.get(item["term"], item["term"])
    item["delivery_label"] = DELIVERY_LABELS.get(item["delivery"], item["delivery"])
    item["status_label"] = STATUS_LABELS.get(item["status"], item["status"])
    item["meaningful_labels"] = [
        MEANINGFUL_CHECKLIST[m] for m in item["meaningful"] if m in MEANINGFUL_CHECKLIST
    ]
    delivered = item.get("delivered_meaningful") or []
    item["meaningful_delivered"] = delivered
    item["meaningful_delivered_labels"] = [
        MEANINGFUL_CHECKLIST[m] for m in delivered if m in MEANINGFUL_CHECKLIST
    ]
    item["subject_labels"] = [SUBJECT_LABELS.get(s, s) for s in item["subjects"]]
    return item


def evaluation_summary(evaluation: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if evaluation is None:
        return None
    gaps = [c for c in evaluation["criteria"] if c["status"] != "achieved"]
    completed = datetime.fromisoformat(str(evaluation["completed_at"]).replace("Z", "+00:00"))
    return {
        "evaluation_id": evaluation["evaluation_id"],
        "framework_id": evaluation["framework_id"],
        "evaluation_type": evaluation["evaluation_type"],
        "completed_at": evaluation["completed_at"],
        "benchmarks_achieved": evaluation["benchmarks_achieved"],
        "gaps": len(gaps),
        "summary": (
            f"Based on the evaluation completed {_long(completed.date())}: "
            f"{evaluation['benchmarks_achieved']} of 8 benchmarks achieved"
        ),
    }


def latest_evaluation(runtime: ServiceRuntime, institution_id: str) -> dict[str, Any] | None:
    """The institution's latest completed evaluation: its id, when, framework, how many
    benchmarks it achieved and how many criteria it did not (gaps)."""
    with reading(runtime.engine) as conn:
        return evaluation_summary(audit_results.latest_evaluation(conn, institution_id))


# -- an activity --------------------------------------------------------------------------


def activity_detail(
    runtime: ServiceRuntime, activity_id: str, *, learners: bool = True
) -> dict[str, Any] | None:
    """The activity's fields and status, its plan's year and objectives, who took part
    (with ``learners``, each learner id with year and form group; always the counts and
    total), its evaluation and its history (each event, when and by whom)."""
    with reading(runtime.engine) as conn:
        row = conn.execute(
            select(activities, providers.c.name.label("listed_provider_name"))
            .outerjoin(providers, providers.c.provider_id == activities.c.provider_id)
            .where(activities.c.activity_id == str(activity_id))
        ).first()
        if row is None:
            return None
        item = _labelled(dict(row._mapping))
        plan = conn.execute(select(plans.c.academic_year).where(plans.c.plan_id == item["plan_id"])).first()
        item["academic_year"] = plan.academic_year if plan else None
        objectives = _objectives(conn, item["plan_id"])
        item["plan_objectives"] = objectives
        texts = {o["objective_id"]: o["text"] for o in objectives}
        item["objectives"] = [
            {"objective_id": o, "text": texts[o]} for o in item["objective_ids"] if o in texts
        ]
        item["participation"] = _participation(conn, activity_id, learners=learners)
        item["evaluation"] = _activity_evaluation(conn, item, texts)
    item["history"] = [
        {
            "type": event.name,
            "version": event.stream_version,
            "recorded_at": event.time,
            "actor": event.actor,
        }
        for event in runtime.store.read_stream(f"activity-{activity_id}")
    ]
    return item


def _participation(conn: Connection, activity_id: str, *, learners: bool) -> dict[str, Any]:
    t = participation.c
    counts = [
        {"year_group": r.year_group, "count": r.count}
        for r in conn.execute(
            select(participation_counts.c.year_group, participation_counts.c.count)
            .where(participation_counts.c.activity_id == activity_id)
            .order_by(participation_counts.c.year_group)
        )
    ]
    by_year: dict[int, int] = defaultdict(int)
    named = [
        {"learner_id": r.learner_id, "year_group": r.year_group, "form_group": r.form_group}
        for r in conn.execute(
            select(t.learner_id, t.year_group, t.form_group)
            .where(t.activity_id == activity_id)
            .order_by(t.year_group, t.form_group, t.learner_id)
        )
    ]
    for learner in named:
        if learner["year_group"] is not None:
            by_year[learner["year_group"]] += 1
    for item in counts:
        by_year[item["year_group"]] += item["count"]
    return {
        "learners": named if learners else None,
        "learner_count": len(named),
        "counts": counts,
        "by_year_group": dict(sorted(by_year.items())),
        "total": len(named) + sum(item["count"] for item in counts),
    }


def _activity_evaluation(
    conn: Connection, item: Mapping[str, Any], texts: Mapping[str, str]
) -> dict[str, Any] | None:
    if not item["evaluated"]:
        return None
    activity_id = item["activity_id"]
    f = activity_feedback.c
    feedback = [
        {
            "from": r.respondent,
            "from_label": FEEDBACK_FROM.get(r.respondent, r.respondent),
            "rating": r.rating,
            "responses": r.responses,
            "comment": r.comment,
        }
        for r in conn.execute(
            select(activity_feedback).where(f.activity_id == activity_id).order_by(f.position)
        )
    ]
    o = activity_outcomes.c
    outcomes = [
        {
            "objective_id": r.objective_id,
            "objective_text": texts.get(r.objective_id),
            "outcome": r.outcome,
            "outcome_label": OUTCOMES.get(r.outcome, r.outcome),
            "note": r.note,
        }
        for r in conn.execute(select(activity_outcomes).where(o.activity_id == activity_id))
    ]
    order = list(texts)
    outcomes.sort(key=lambda x: order.index(x["objective_id"]) if x["objective_id"] in order else len(order))
    return {
        "feedback": feedback,
        "outcomes": outcomes,
        "summary": item["evaluation_summary"],
        "average_rating": item["average_rating"],
        "respondents": item["feedback_count"],
    }


# -- choosing -----------------------------------------------------------------------------


def roster_choices(runtime: ServiceRuntime, institution_id: str) -> dict[int, dict[str, list[str]]]:
    """The institution's learners on roll: year group, then form group, then learner ids
    (pseudonymous: the roster planner keeps has no names)."""
    choices: dict[int, dict[str, list[str]]] = {}
    for learner in roster_learners(runtime, institution_id, include_left=False):
        year = choices.setdefault(learner["year_group"], {})
        year.setdefault(learner["form_group"] or "", []).append(learner["learner_id"])
    return choices


def roster_learners(
    runtime: ServiceRuntime, institution_id: str, *, include_left: bool = True
) -> list[dict[str, Any]]:
    """The institution's learners as planner's roster has them (learner id, year group,
    form group, cohort, on roll, leaving date), with those who have left unless
    ``include_left`` is false."""
    with reading(runtime.engine) as conn:
        return roster.institution_learners(conn, institution_id, include_left=include_left)


def listed_providers(runtime: ServiceRuntime) -> list[dict[str, Any]]:
    """Providers an activity can name (listed in directory), by name."""
    with reading(runtime.engine) as conn:
        return _listed_providers(conn)
