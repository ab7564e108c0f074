"""Planner's command handlers for plans: one per institution per academic year, created
empty, from the previous year's plan, or from the gaps of the latest completed
evaluation; its objectives; the suggestions a careers leader accepts (with edits, as a
planned activity) or dismisses. Each command is one transaction: the events appended
and planner's tables written together."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.exc import IntegrityError

from waymark_planner.adapters import audit_results
from waymark_planner.adapters.institutions import CLOSED, institution
from waymark_planner.adapters.suggestion_catalogue import catalogue
from waymark_planner.adapters.tables import activities, plan_objectives, plans, suggestions
from waymark_planner.domain.academic_year import AcademicYear, a_year_later
from waymark_planner.domain.suggestions import suggest
from waymark_planner.domain.vocabulary import CANCELLED, EMPTY, EVALUATION, OFFERED, ORIGINS, PREVIOUS_YEAR
from waymark_planner.service_layer.activities import add_activity
from waymark_planner.service_layer.common import (
    activity_fields,
    append,
    check_version,
    now_iso,
    plan_context,
    plan_row,
    plan_stream,
    refuse,
    reported_at_current_version,
)
from waymark_planner.service_layer.errors import InvalidInput, NotFound, PlanExists
from waymark_shared.service import ServiceRuntime

Errors = dict[str, list[str]]
MAX_OBJECTIVES = 50


def _today(now: datetime | None) -> date:
    return (now or datetime.now(UTC)).date()


def check_objectives(
    given: Iterable[str | Mapping[str, Any]], errors: Errors, keep: Iterable[str] = ()
) -> list[dict[str, str]]:
    """Objectives as events carry them: ``{"objective_id", "text"}``; a text alone gets a
    new id, an id the plan has (``keep``) stays; blank texts are left out."""
    known = set(keep)
    objectives: list[dict[str, str]] = []
    for item in given or ():
        if isinstance(item, str):
            objective_id, text = None, item
        else:
            objective_id, text = item.get("objective_id"), item.get("text") or ""
        text = str(text).strip()
        if not text:
            continue
        if len(text) > 500:
            errors.setdefault("objectives", []).append("Each objective must be 500 characters or fewer.")
        if objective_id is not None and str(objective_id) not in known:
            errors.setdefault("objectives", []).append("Change only this plan's objectives, or add new ones.")
        objectives.append({"objective_id": str(objective_id or uuid.uuid4()), "text": text})
    if len(objectives) > MAX_OBJECTIVES:
        errors.setdefault("objectives", []).append(f"A plan has at most {MAX_OBJECTIVES} objectives.")
    if len({o["objective_id"] for o in objectives}) != len(objectives):
        errors.setdefault("objectives", []).append("Give each objective once.")
    return objectives


def create_plan(  # noqa: PLR0913
    runtime: ServiceRuntime,
    institution_id: str,
    academic_year: str | AcademicYear,
    *,
    origin: str = EMPTY,
    objectives: Iterable[str | Mapping[str, Any]] = (),
    now: datetime | None = None,
) -> str:
    """A plan for the institution's academic year; its id. From the previous year: its
    objectives (then the ones given) and its activities not cancelled, planned anew a
    year later (by date, or in the same term). From the evaluation: a suggestion per
    criterion the latest completed evaluation found not achieved."""
    errors: Errors = {}
    label = str(academic_year)
    if not AcademicYear.is_valid(label):
        raise InvalidInput({"academic_year": ["Give the academic year like 2026/27."]})
    year = AcademicYear(label)
    if origin not in ORIGINS:
        errors["origin"] = ["Choose an empty plan, last year's plan or the latest evaluation's gaps."]
    try:
        with runtime.engine.begin() as conn:
            found = institution(runtime, institution_id, conn)
            if found is None:
                raise NotFound(f"Planner has not heard of institution {institution_id}.")
            if found["status"] == CLOSED:
                errors["institution_id"] = ["This institution has closed: it takes no new plans."]
            _refuse_a_second(conn, institution_id, year)
            source, evaluation = _origin(conn, institution_id, year, origin, errors)
            keep = [o["objective_id"] for o in source["objectives"]] if source else []
            given = check_objectives(objectives, errors)
            refuse(errors)
            copied = [dict(o) for o in source["objectives"]] if source else []
            plan_id = str(uuid.uuid4())
            plan = {
                "plan_id": plan_id,
                "institution_id": institution_id,
                "academic_year": year.label,
                "origin": origin,
                "copied_from_plan_id": source["plan_id"] if source else None,
                "evaluation_id": evaluation["evaluation_id"] if evaluation else None,
                "framework_id": evaluation["framework_id"] if evaluation else None,
            }
            created = {
                key: plan[key]
                for key in (
                    "plan_id",
                    "institution_id",
                    "academic_year",
                    "origin",
                    "copied_from_plan_id",
                    "evaluation_id",
                )
            }
            events: list[tuple[str, Mapping[str, Any]]] = [
                ("PlanCreated", {**created, "objectives": [*copied, *given]})
            ]
            offered = _suggestions(evaluation, year, _today(now)) if evaluation else []
            if evaluation:
                events.append(("ActivitiesSuggested", _suggested_event(plan, evaluation, offered)))
            version = append(conn, runtime, plan_stream(plan_id), 0, events, subject=institution_id)
            at = now_iso(now)
            conn.execute(plans.insert().values(**plan, version=version, created_at=at, updated_at=at))
            _write_objectives(conn, plan_id, [*copied, *given])
            _write_suggestions(conn, plan_id, offered)
            if source:
                _copy_activities(conn, runtime, source["plan_id"], plan, set(keep), now=now)
            return plan_id
    except IntegrityError:
        with runtime.engine.connect() as conn:
            _refuse_a_second(conn, institution_id, year)  # created by someone else meanwhile
        raise


def _refuse_a_second(conn: Connection, institution_id: str, year: AcademicYear) -> None:
    existing = conn.execute(
        select(plans.c.plan_id).where(
            plans.c.institution_id == institution_id, plans.c.academic_year == year.label
        )
    ).scalar()
    if existing is not None:
        raise PlanExists(existing, year.label)


def _origin(
    conn: Connection, institution_id: str, year: AcademicYear, origin: str, errors: Errors
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The previous year's plan (with its objectives) or the latest evaluation to start from."""
    if origin == PREVIOUS_YEAR:
        previous = year.previous()
        source = conn.execute(
            select(plans).where(
                plans.c.institution_id == institution_id, plans.c.academic_year == previous.label
            )
        ).first()
        if source is None:
            errors["origin"] = [f"There is no {previous.label} plan to copy."]
            return None, None
        found = dict(source._mapping)
        t = plan_objectives.c
        rows = conn.execute(
            select(t.objective_id, t.text).where(t.plan_id == found["plan_id"]).order_by(t.position)
        )
        found["objectives"] = [{"objective_id": row.objective_id, "text": row.text} for row in rows]
        return found, None
    if origin == EVALUATION:
        evaluation = audit_results.latest_evaluation(conn, institution_id)
        if evaluation is None:
            errors["origin"] = ["There is no completed evaluation to plan from yet."]
        return None, evaluation
    return None, None


def _suggestions(evaluation: Mapping[str, Any], year: AcademicYear, today: date) -> list[dict[str, Any]]:
    found = suggest(
        evaluation["criteria"],
        catalogue(evaluation["framework_id"]),
        year,
        today,
        evaluation["evaluation_type"],
    )
    return [
        {
            "suggestion_id": str(uuid.uuid4()),
            "benchmark": s.benchmark,
            "criterion_id": s.criterion_id,
            "criterion_title": s.criterion_title,
            "criterion_status": s.criterion_status,
            "title": s.title,
            "activity_type": s.activity_type,
            "year_groups": list(s.year_groups),
            "achieve_by": s.achieve_by.isoformat(),
            "term": s.term,
        }
        for s in found
    ]


_SUGGESTION_FIELDS = (
    "suggestion_id",
    "benchmark",
    "criterion_id",
    "title",
    "activity_type",
    "year_groups",
    "achieve_by",
)


def _suggested_event(
    plan: Mapping[str, Any], evaluation: Mapping[str, Any], offered: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "plan_id": plan["plan_id"],
        "institution_id": plan["institution_id"],
        "evaluation_id": evaluation["evaluation_id"],
        "framework_id": evaluation["framework_id"],
        "suggestions": [{key: s[key] for key in _SUGGESTION_FIELDS} for s in offered],
    }


def _write_objectives(conn: Connection, plan_id: str, objectives: list[dict[str, str]]) -> None:
    conn.execute(delete(plan_objectives).where(plan_objectives.c.plan_id == plan_id))
    if objectives:
        conn.execute(
            plan_objectives.insert(),
            [{"plan_id": plan_id, "position": index, **o} for index, o in enumerate(objectives)],
        )


def _write_suggestions(conn: Connection, plan_id: str, offered: list[dict[str, Any]], start: int = 0) -> None:
    if offered:
        conn.execute(
            suggestions.insert(),
            [
                {"plan_id": plan_id, "position": start + index, "status": OFFERED, **s}
                for index, s in enumerate(offered)
            ],
        )


def _copy_activities(
    conn: Connection,
    runtime: ServiceRuntime,
    source_plan_id: str,
    plan: Mapping[str, Any],
    objectives: set[str],
    *,
    now: datetime | None,
) -> None:
    """Last year's activities not cancelled, planned again: a year later by date, or in
    the same term; achieve-by dates a year on; nothing of their delivery."""
    rows = conn.execute(
        select(activities)
        .where(activities.c.plan_id == source_plan_id, activities.c.status != CANCELLED)
        .order_by(activities.c.date, activities.c.created_at)
    )
    for row in rows.mappings().all():
        fields = activity_fields(row)
        for name in ("date", "achieve_by"):
            if fields[name]:
                fields[name] = a_year_later(date.fromisoformat(fields[name])).isoformat()
        fields["objective_ids"] = [o for o in fields["objective_ids"] if o in objectives]
        add_activity(conn, runtime, plan, fields, now=now)


def change_objectives(
    runtime: ServiceRuntime,
    plan_id: str,
    objectives: Iterable[str | Mapping[str, Any]],
    expected_version: int | None = None,
    *,
    now: datetime | None = None,
) -> int:
    """Replace the plan's objectives with ``objectives`` (``PlanObjectivesChanged``); its
    version. Give an objective's id to keep it (and what activities say of it)."""
    stream = plan_stream(plan_id)
    with reported_at_current_version(runtime, stream), runtime.engine.begin() as conn:
        plan = plan_row(conn, plan_id)
        check_version(stream, expected_version, plan["version"])
        context = plan_context(conn, plan)
        errors: Errors = {}
        checked = check_objectives(objectives, errors, keep=context.objective_ids)
        refuse(errors)
        data = {"plan_id": plan_id, "institution_id": plan["institution_id"], "objectives": checked}
        version = append(
            conn,
            runtime,
            stream,
            plan["version"],
            [("PlanObjectivesChanged", data)],
            subject=plan["institution_id"],
        )
        _write_objectives(conn, plan_id, checked)
        _touch(conn, plan_id, version, now)
        return version


def _touch(conn: Connection, plan_id: str, version: int, now: datetime | None) -> None:
    conn.execute(
        update(plans).where(plans.c.plan_id == plan_id).values(version=version, updated_at=now_iso(now))
    )


def suggest_from_latest_evaluation(
    runtime: ServiceRuntime, plan_id: str, expected_version: int | None = None, *, now: datetime | None = None
) -> int:
    """Offer suggestions from the institution's latest completed evaluation on a plan
    that has none from it yet (created empty, say, or before the evaluation); the
    plan's version."""
    stream = plan_stream(plan_id)
    with reported_at_current_version(runtime, stream), runtime.engine.begin() as conn:
        plan = plan_row(conn, plan_id)
        check_version(stream, expected_version, plan["version"])
        evaluation = audit_results.latest_evaluation(conn, plan["institution_id"])
        if evaluation is None:
            raise InvalidInput({"evaluation_id": ["There is no completed evaluation to plan from yet."]})
        if evaluation["evaluation_id"] == plan["evaluation_id"]:
            raise InvalidInput(
                {"evaluation_id": ["This plan has the latest evaluation's suggestions already."]}
            )
        offered = _suggestions(evaluation, AcademicYear(plan["academic_year"]), _today(now))
        data = _suggested_event(plan, evaluation, offered)
        version = append(
            conn,
            runtime,
            stream,
            plan["version"],
            [("ActivitiesSuggested", data)],
            subject=plan["institution_id"],
        )
        start = (
            conn.execute(select(suggestions.c.position).where(suggestions.c.plan_id == plan_id))
            .scalars()
            .all()
        )
        _write_suggestions(conn, plan_id, offered, start=max(start, default=-1) + 1)
        conn.execute(
            update(plans)
            .where(plans.c.plan_id == plan_id)
            .values(
                evaluation_id=evaluation["evaluation_id"],
                framework_id=evaluation["framework_id"],
                version=version,
                updated_at=now_iso(now),
            )
        )
        return version
