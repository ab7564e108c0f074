"""Planner's events as its subscribers (reporting) see them.

Consumers' tests import this (``tests/support`` is on pytest's ``pythonpath``) rather
than planner: the events are checked against the contracts planner publishes. Streams
are ``plan-<plan_id>`` and ``activity-<activity_id>``, each event's subject the
institution."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pytest

from waymark_shared.events.envelope import RecordedEvent
from waymark_shared.testing.event_logs import ProducerLog


class PlannerLog(ProducerLog):
    def __init__(self) -> None:
        super().__init__("planner")
        self._institution: dict[str, str] = {}  # activity or plan id -> institution id

    def _plan_event(self, name: str, plan_id: str, data: dict[str, Any]) -> RecordedEvent:
        institution_id = self._institution[plan_id]
        return self.append(name, data, stream_id=f"plan-{plan_id}", subject=institution_id)

    def _activity_event(self, name: str, activity_id: str, data: dict[str, Any]) -> RecordedEvent:
        institution_id = self._institution[activity_id]
        data = {"activity_id": activity_id, "institution_id": institution_id, **data}
        return self.append(name, data, stream_id=f"activity-{activity_id}", subject=institution_id)

    def plan(self, institution_id: str, academic_year: str = "2026/27", **details: Any) -> str:
        """A ``PlanCreated`` (empty, no objectives unless given); the plan's id."""
        plan_id = str(uuid.uuid4())
        self._institution[plan_id] = institution_id
        data = {
            "plan_id": plan_id,
            "institution_id": institution_id,
            "academic_year": academic_year,
            "origin": "empty",
            "objectives": [],
            **details,
        }
        self._plan_event("PlanCreated", plan_id, data)
        return plan_id

    def activity(
        self,
        plan_id: str,
        activity_type: str = "employer_talk",
        *,
        title: str | None = None,
        benchmarks: Sequence[int] = (5,),
        year_groups: Sequence[int] = (9,),
        term: str = "autumn",
        date: str | None = None,
        provider_access: bool = False,
        **details: Any,
    ) -> str:
        """An ``ActivityPlanned`` in the plan; the activity's id."""
        activity_id = str(uuid.uuid4())
        self._institution[activity_id] = self._institution[plan_id]
        data = {
            "plan_id": plan_id,
            "title": title or activity_type.replace("_", " ").capitalize(),
            "activity_type": activity_type,
            "benchmarks": list(benchmarks),
            "year_groups": list(year_groups),
            "term": term,
            "date": date,
            "delivery": "in_person",
            "provider_access_encounter": provider_access,
            **details,
        }
        self._activity_event("ActivityPlanned", activity_id, data)
        return activity_id

    def updated(self, activity_id: str, **changes: Any) -> RecordedEvent:
        return self._activity_event("ActivityUpdated", activity_id, {"changes": changes})

    def logged(
        self,
        activity_id: str,
        learner_ids: Iterable[str] = (),
        *,
        delivered_on: str = "2026-11-10",
        counts: Mapping[int, int] | None = None,
        meaningful: Sequence[str] = ("two_way", "reflection"),
    ) -> RecordedEvent:
        """An ``ActivityLogged``: delivered on the day, to these learners (and counts per
        year group of learners not named)."""
        data = {
            "delivered_on": delivered_on,
            "learner_ids": list(learner_ids),
            "counts": _counts(counts),
            "meaningful": list(meaningful),
        }
        return self._activity_event("ActivityLogged", activity_id, data)

    def corrected(
        self,
        activity_id: str,
        *,
        add: Iterable[str] = (),
        remove: Iterable[str] = (),
        counts: Mapping[int, int] | None = None,
        reason: str = "The register was wrong",
    ) -> RecordedEvent:
        data = {
            "added_learner_ids": list(add),
            "removed_learner_ids": list(remove),
            "counts": _counts(counts),
            "reason": reason,
        }
        return self._activity_event("ParticipationCorrected", activity_id, data)

    def evaluated(self, activity_id: str, ratings: Mapping[str, tuple[int, int]]) -> RecordedEvent:
        """An ``ActivityEvaluated``: respondent group -> (rating, how many gave it)."""
        feedback = [
            {"from": group, "rating": rating, "responses": responses}
            for group, (rating, responses) in ratings.items()
        ]
        return self._activity_event("ActivityEvaluated", activity_id, {"feedback": feedback, "outcomes": []})

    def cancelled(self, activity_id: str, reason: str = "The speaker could not come") -> RecordedEvent:
        return self._activity_event("ActivityCancelled", activity_id, {"reason": reason})


def _counts(counts: Mapping[int, int] | None) -> list[dict[str, int]]:
    return [{"year_group": year, "count": count} for year, count in sorted((counts or {}).items())]


@pytest.fixture
def planner_log() -> PlannerLog:
    return PlannerLog()
