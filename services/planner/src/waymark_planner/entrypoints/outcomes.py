"""Turning the service layer's refusals into problems, and read models into bodies."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any

from marshmallow import ValidationError

from waymark_planner.domain.academic_year import AcademicYear
from waymark_planner.entrypoints.schemas import UpdateActivityRequest
from waymark_planner.service_layer.errors import InvalidInput, NotFound, PlanExists
from waymark_shared.web.problems import CONFLICT, VALIDATION, Problem


@contextmanager
def refusals() -> Iterator[None]:
    """Run a command; its refusals become problems (a stale version is the shared 409)."""
    try:
        yield
    except InvalidInput as error:
        raise Problem(422, "Some details are not valid", errors=error.errors, type=VALIDATION) from error
    except PlanExists as error:
        raise Problem(
            409,
            "There is already a plan for this year",
            str(error),
            type=CONFLICT,
            extensions={"plan_id": getattr(error, "plan_id", None)},
        ) from error
    except NotFound as error:
        raise Problem(404, "Not found", str(error)) from error


def academic_year(label: str, field: str) -> AcademicYear:
    if not AcademicYear.is_valid(label):
        raise Problem(
            422,
            "Some details are not valid",
            errors={field: ["Give the academic year like 2026/27."]},
            type=VALIDATION,
        )
    return AcademicYear(label)


def plain(values: Mapping[str, Any]) -> dict[str, Any]:
    """A loaded body as the service layer takes it: ids as strings, dates as dates."""

    def one(value: Any) -> Any:
        if isinstance(value, uuid.UUID):
            return str(value)
        if isinstance(value, list):
            return [one(item) for item in value]
        if isinstance(value, dict):
            return {key: one(item) for key, item in value.items()}
        return value

    return {key: one(value) for key, value in values.items() if key != "version"}


def activity_fields(values: Mapping[str, Any], *, partial: bool, prefix: str) -> dict[str, Any]:
    """Activity fields sent inside another body (a suggestion's overrides), validated."""
    try:
        loaded = UpdateActivityRequest(partial=partial).load(dict(values))
    except ValidationError as error:
        errors = {f"{prefix}.{name}": messages for name, messages in _flat(error.messages).items()}
        raise Problem(422, "Some details are not valid", errors=errors, type=VALIDATION) from error
    return plain(loaded)


def _flat(messages: Any) -> dict[str, Any]:
    return messages if isinstance(messages, dict) else {"_schema": messages}


def iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _isos(row: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {**row, **{name: iso(row.get(name)) for name in names}}


def plan_body(plan: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **plan,
        "suggestions": [_isos(s, "achieve_by") for s in plan.get("suggestions", [])],
        "activities": [_isos(a, "date", "achieve_by", "delivered_on") for a in plan.get("activities", [])],
    }


def activity_body(activity: Mapping[str, Any], may_see_learners: bool) -> dict[str, Any]:
    """An activity's answer; learner-level participation only for who may see it."""
    body = _isos(activity, "date", "achieve_by", "delivered_on")
    participation = activity.get("participation")
    if participation is not None and (not may_see_learners or participation.get("learners") is None):
        body["participation"] = {**participation, "learners": []}
    return body


def plan_summaries(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``views.plans_of`` with each plan's counts together."""
    names = ("planned", "delivered", "cancelled")
    return [{**row, "counts": {name: row.get(name, 0) for name in names}} for row in rows]
