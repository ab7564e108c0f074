"""Answering the suggestions a plan was offered from an evaluation's gaps: accepted
(with the careers leader's changes) as a planned activity, or dismissed with a reason.
Each is one transaction on the plan's stream and its list of suggestions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from waymark_planner.adapters.tables import plans, suggestions
from waymark_planner.domain.activities import check_activity
from waymark_planner.domain.vocabulary import OFFERED
from waymark_planner.service_layer.activities import add_activity
from waymark_planner.service_layer.common import (
    append,
    check_version,
    now_iso,
    plan_context,
    plan_row,
    plan_stream,
    providers_on,
    refuse,
    reported_at_current_version,
)
from waymark_planner.service_layer.errors import InvalidInput, NotFound
from waymark_shared.service import ServiceRuntime

MAX_REASON = 1000


def accept_suggestion(
    runtime: ServiceRuntime,
    plan_id: str,
    suggestion_id: str,
    overrides: Mapping[str, Any] | None = None,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> str:
    """Plan the suggested activity, with the careers leader's ``overrides`` of its
    fields (``SuggestionAccepted`` and ``ActivityPlanned``); the activity's id."""
    stream = plan_stream(plan_id)
    with reported_at_current_version(runtime, stream), runtime.engine.begin() as conn:
        plan = plan_row(conn, plan_id)
        check_version(stream, expected_version, plan["version"])
        offered = _offered(conn, plan_id, suggestion_id)
        fields: dict[str, Any] = {
            "title": offered["title"],
            "activity_type": offered["activity_type"],
            "criteria": [offered["criterion_id"]],
            "year_groups": offered["year_groups"],
            "term": offered["term"],
            "achieve_by": offered["achieve_by"],
        }
        fields.update(overrides or {})
        checked, errors = check_activity(fields, plan_context(conn, plan), providers_on(conn))
        refuse(errors)
        checked["benchmarks"] = sorted({*checked["benchmarks"], offered["benchmark"]})
        activity_id = add_activity(
            conn, runtime, plan, checked, suggestion_id=offered["suggestion_id"], now=now
        )
        _answer(
            conn, runtime, plan, offered, event="SuggestionAccepted", data={"activity_id": activity_id},
            row={"status": "accepted", "activity_id": activity_id}, now=now,
        )  # fmt: skip
        return activity_id


def dismiss_suggestion(
    runtime: ServiceRuntime,
    plan_id: str,
    suggestion_id: str,
    reason: str | None = None,
    expected_version: int | None = None,
    *,
    now: datetime | None = None,
) -> int:
    """Set the suggestion aside (``SuggestionDismissed``); the plan's version."""
    stream = plan_stream(plan_id)
    with reported_at_current_version(runtime, stream), runtime.engine.begin() as conn:
        plan = plan_row(conn, plan_id)
        check_version(stream, expected_version, plan["version"])
        offered = _offered(conn, plan_id, suggestion_id)
        reason = (reason or "").strip() or None
        if reason is not None and len(reason) > MAX_REASON:
            raise InvalidInput({"reason": ["The reason must be 1,000 characters or fewer."]})
        return _answer(
            conn, runtime, plan, offered, event="SuggestionDismissed", data={"reason": reason},
            row={"status": "dismissed", "reason": reason}, now=now,
        )  # fmt: skip


def _offered(conn: Connection, plan_id: str, suggestion_id: str) -> dict[str, Any]:
    row = conn.execute(
        select(suggestions).where(
            suggestions.c.plan_id == plan_id, suggestions.c.suggestion_id == str(suggestion_id)
        )
    ).first()
    if row is None:
        raise NotFound(f"Plan {plan_id} has no suggestion {suggestion_id}.")
    found = dict(row._mapping)
    if found["status"] != OFFERED:
        raise InvalidInput({"suggestion_id": [f"This suggestion was {found['status']} already."]})
    return found


def _answer(  # noqa: PLR0913 (the answer's event and row)
    conn: Connection,
    runtime: ServiceRuntime,
    plan: Mapping[str, Any],
    offered: Mapping[str, Any],
    *,
    event: str,
    data: Mapping[str, Any],
    row: Mapping[str, Any],
    now: datetime | None,
) -> int:
    """Append the answer to the plan's stream and record it on the suggestion; the
    plan's new version."""
    plan_id = plan["plan_id"]
    payload = {"plan_id": plan_id, "suggestion_id": offered["suggestion_id"], **data}
    version = append(
        conn, runtime, plan_stream(plan_id), plan["version"], [(event, payload)], subject=plan["institution_id"]
    )
    conn.execute(update(suggestions).where(suggestions.c.suggestion_id == offered["suggestion_id"]).values(**row))
    conn.execute(
        update(plans).where(plans.c.plan_id == plan_id).values(version=version, updated_at=now_iso(now))
    )
    return version
