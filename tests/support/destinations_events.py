"""Destinations' events as its subscribers (reporting) see them, checked against the
contracts destinations publishes. Each learner is a stream (``destination-<learner_id>``),
its subject the institution."""

from __future__ import annotations

from typing import Any

import pytest

from waymark_shared.events.envelope import RecordedEvent
from waymark_shared.testing.event_logs import ProducerLog


class DestinationsLog(ProducerLog):
    def __init__(self) -> None:
        super().__init__("destinations")

    def _append(self, name: str, institution_id: str, learner_id: str, data: dict[str, Any]) -> RecordedEvent:
        data = {"learner_id": learner_id, "institution_id": institution_id, **data}
        return self.append(name, data, stream_id=f"destination-{learner_id}", subject=institution_id)

    def _at(self, leaving_point: str, leaving_cohort: str, evidence_date: str) -> dict[str, Any]:
        return {
            "leaving_point": leaving_point,
            "leaving_cohort": leaving_cohort,
            "source": "learner",
            "evidence_date": evidence_date,
        }

    def intended(
        self, institution_id: str, learner_id: str, category: str = "fe_college", *,
        leaving_point: str = "ks4", leaving_cohort: str = "2026/27",
    ) -> RecordedEvent:  # fmt: skip
        data = {**self._at(leaving_point, leaving_cohort, "2027-03-01"), "category": category}
        return self._append("DestinationIntended", institution_id, learner_id, data)

    def recorded(
        self, institution_id: str, learner_id: str, category: str = "fe_college", *,
        leaving_point: str = "ks4", leaving_cohort: str = "2025/26", start_date: str = "2026-09-07",
    ) -> RecordedEvent:  # fmt: skip
        data = {
            **self._at(leaving_point, leaving_cohort, start_date),
            "category": category,
            "start_date": start_date,
        }
        return self._append("DestinationRecorded", institution_id, learner_id, data)

    def judged(
        self, institution_id: str, learner_id: str, sustained: bool, category: str = "fe_college", *,
        leaving_point: str = "ks4", leaving_cohort: str = "2025/26", start_date: str = "2026-09-07",
    ) -> RecordedEvent:  # fmt: skip
        """``DestinationSustained`` (or ``NotSustained``) of the destination named."""
        data = {
            **self._at(leaving_point, leaving_cohort, "2027-04-01"),
            "category": category,
            "start_date": start_date,
            "period_ended": "2027-03-31",
        }
        name = "DestinationSustained" if sustained else "DestinationNotSustained"
        return self._append(name, institution_id, learner_id, data)


@pytest.fixture
def destinations_log() -> DestinationsLog:
    return DestinationsLog()
