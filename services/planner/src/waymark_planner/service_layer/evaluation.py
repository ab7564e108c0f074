"""Evaluating a delivered activity: feedback with ratings 1 to 5 from learners, staff,
employers and parents and carers, and its outcome against the plan's objectives. One
transaction: ``ActivityEvaluated`` appended, the feedback and outcome rows replaced
and the activity's average rating brought up to date. A later evaluation replaces the
earlier one (both stay in the activity's history)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, update

from waymark_planner.adapters.tables import activities, activity_feedback, activity_outcomes
from waymark_planner.domain.evaluation import average_rating, check_feedback, check_outcomes, respondents
from waymark_planner.domain.vocabulary import DELIVERED
from waymark_planner.service_layer.common import (
    activity_row,
    activity_stream,
    append,
    check_version,
    now_iso,
    objective_ids,
    refuse,
    reported_at_current_version,
)
from waymark_shared.service import ServiceRuntime


def evaluate_activity(  # noqa: PLR0913
    runtime: ServiceRuntime,
    activity_id: str,
    feedback: Iterable[Mapping[str, Any]],
    outcomes: Iterable[Mapping[str, Any]] = (),
    *,
    summary: str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> int:
    """Record the evaluation of a delivered activity; its version."""
    stream = activity_stream(activity_id)
    with reported_at_current_version(runtime, stream), runtime.engine.begin() as conn:
        row = activity_row(conn, activity_id)
        check_version(stream, expected_version, row["version"])
        errors: dict[str, list[str]] = {}
        if row["status"] != DELIVERED:
            errors["status"] = [
                f"This activity is {row['status']}: only a delivered activity can be evaluated."
            ]
        checked_feedback = check_feedback(feedback or (), errors)
        checked_outcomes = check_outcomes(outcomes or (), objective_ids(conn, row["plan_id"]), errors)
        summary = (summary or "").strip() or None
        if summary is not None and len(summary) > 5000:
            errors["summary"] = ["The summary must be 5,000 characters or fewer."]
        if not checked_feedback and not checked_outcomes and summary is None and not errors:
            errors["feedback"] = ["Give some feedback, an outcome against an objective or a summary."]
        refuse(errors)
        institution_id = row["institution_id"]
        data = {
            "activity_id": activity_id,
            "institution_id": institution_id,
            "feedback": checked_feedback,
            "outcomes": checked_outcomes,
            "summary": summary,
        }
        version = append(
            conn, runtime, stream, row["version"], [("ActivityEvaluated", data)], subject=institution_id
        )
        conn.execute(delete(activity_feedback).where(activity_feedback.c.activity_id == activity_id))
        conn.execute(delete(activity_outcomes).where(activity_outcomes.c.activity_id == activity_id))
        if checked_feedback:
            conn.execute(
                activity_feedback.insert(),
                [
                    {
                        "activity_id": activity_id,
                        "position": position,
                        "respondent": item["from"],
                        "rating": item["rating"],
                        "responses": item["responses"],
                        "comment": item["comment"],
                    }
                    for position, item in enumerate(checked_feedback)
                ],
            )
        if checked_outcomes:
            conn.execute(
                activity_outcomes.insert(),
                [{"activity_id": activity_id, **item} for item in checked_outcomes],
            )
        conn.execute(
            update(activities)
            .where(activities.c.activity_id == activity_id)
            .values(
                evaluated=True,
                average_rating=average_rating(checked_feedback),
                feedback_count=respondents(checked_feedback),
                evaluation_summary=summary,
                version=version,
                updated_at=now_iso(now),
            )
        )
        return version
