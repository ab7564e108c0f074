"""Planner's command handlers for activities in a plan: planning one, changing it and
cancelling it. Each is one transaction: the events appended to the activity's stream
and its row in ``activities`` written together. Logging delivery is in
:mod:`participation`, evaluating in :mod:`evaluation`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, update

from waymark_planner.adapters.tables import activities
from waymark_planner.domain.activities import check_activity, check_changes
from waymark_planner.domain.vocabulary import CANCELLED, PLANNED
from waymark_planner.service_layer.common import (
    activity_fields,
    activity_row,
    activity_stream,
    append,
    check_version,
    now_iso,
    plan_context,
    plan_row,
    providers_on,
    refuse,
    reported_at_current_version,
)
from waymark_planner.service_layer.errors import InvalidInput
from waymark_shared.service import ServiceRuntime


def plan_activity(
    runtime: ServiceRuntime, plan_id: str, fields: Mapping[str, Any], *, now: datetime | None = None
) -> str:
    """Add an activity to the plan (``ActivityPlanned``); its id."""
    with runtime.engine.begin() as conn:
        plan = plan_row(conn, plan_id)
        checked, errors = check_activity(fields, plan_context(conn, plan), providers_on(conn))
        refuse(errors)
        return add_activity(conn, runtime, plan, checked, now=now)


def add_activity(
    conn: Connection,
    runtime: ServiceRuntime,
    plan: Mapping[str, Any],
    checked: Mapping[str, Any],
    *,
    suggestion_id: str | None = None,
    now: datetime | None = None,
) -> str:
    """Append ``ActivityPlanned`` for checked fields and add the activity's row, on ``conn``."""
    activity_id = str(uuid.uuid4())
    institution_id = plan["institution_id"]
    data = {
        "activity_id": activity_id,
        "plan_id": plan["plan_id"],
        "institution_id": institution_id,
        **checked,
        "suggestion_id": suggestion_id,
    }
    version = append(
        conn, runtime, activity_stream(activity_id), 0, [("ActivityPlanned", data)], subject=institution_id
    )
    at = now_iso(now)
    conn.execute(
        activities.insert().values(**data, status=PLANNED, version=version, created_at=at, updated_at=at)
    )
    return activity_id


def update_activity(
    runtime: ServiceRuntime,
    activity_id: str,
    changes: Mapping[str, Any],
    expected_version: int | None = None,
    *,
    now: datetime | None = None,
) -> int:
    """Change fields of an activity not cancelled (``ActivityUpdated`` with the fields
    that really change); its version. Nothing to change: nothing appended."""
    stream = activity_stream(activity_id)
    with reported_at_current_version(runtime, stream), runtime.engine.begin() as conn:
        row = activity_row(conn, activity_id)
        check_version(stream, expected_version, row["version"])
        if row["status"] == CANCELLED:
            raise InvalidInput({"status": ["This activity was cancelled: it cannot be changed."]})
        plan = plan_row(conn, row["plan_id"])
        changed, errors = check_changes(
            activity_fields(row), changes, plan_context(conn, plan), providers_on(conn)
        )
        refuse(errors)
        if not changed:
            return int(row["version"])
        data = {"activity_id": activity_id, "institution_id": row["institution_id"], "changes": changed}
        version = append(
            conn, runtime, stream, row["version"], [("ActivityUpdated", data)], subject=row["institution_id"]
        )
        conn.execute(
            update(activities)
            .where(activities.c.activity_id == activity_id)
            .values(**changed, version=version, updated_at=now_iso(now))
        )
        return version


def cancel_activity(
    runtime: ServiceRuntime,
    activity_id: str,
    reason: str,
    expected_version: int | None = None,
    *,
    now: datetime | None = None,
) -> int:
    """Cancel a planned activity, with a reason (``ActivityCancelled``); its version."""
    stream = activity_stream(activity_id)
    with reported_at_current_version(runtime, stream), runtime.engine.begin() as conn:
        row = activity_row(conn, activity_id)
        check_version(stream, expected_version, row["version"])
        errors: dict[str, list[str]] = {}
        if row["status"] != PLANNED:
            errors["status"] = [
                f"This activity is {row['status']}: only a planned activity can be cancelled."
            ]
        reason = (reason or "").strip()
        if not reason:
            errors["reason"] = ["Say why the activity is cancelled."]
        elif len(reason) > 1000:
            errors["reason"] = ["The reason must be 1,000 characters or fewer."]
        refuse(errors)
        data = {"activity_id": activity_id, "institution_id": row["institution_id"], "reason": reason}
        version = append(
            conn,
            runtime,
            stream,
            row["version"],
            [("ActivityCancelled", data)],
            subject=row["institution_id"],
        )
        conn.execute(
            update(activities)
            .where(activities.c.activity_id == activity_id)
            .values(status=CANCELLED, cancel_reason=reason, version=version, updated_at=now_iso(now))
        )
        return version
