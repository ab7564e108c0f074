"""Directory's institution events as its subscribers (audit, reporting) see them.

Consumers' tests import this (``tests/support`` is on pytest's ``pythonpath``) rather
than directory: the events are checked against the contracts directory publishes."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from waymark_shared.events.envelope import RecordedEvent
from waymark_shared.testing.event_logs import ProducerLog


class DirectoryLog(ProducerLog):
    """Directory's log: each institution a stream (``institution-<id>``)."""

    def __init__(self) -> None:
        super().__init__("directory")

    def _append(
        self, name: str, institution_id: str, data: dict[str, Any], *, as_stored: bool = False
    ) -> RecordedEvent:
        return self.append(
            name, data, stream_id=f"institution-{institution_id}", subject=institution_id, as_stored=as_stored
        )

    def registered(self, name: str = "Riverside Academy", *, as_stored: bool = False, **details: Any) -> str:
        """An ``InstitutionRegistered`` v1; its institution id. ``as_stored``: the data
        exactly as given, like events stored before v1 gained its optional fields."""
        institution_id = str(uuid.uuid4())
        data = {"institution_id": institution_id, "name": name, "institution_type": "mainstream_secondary"}
        self._append("InstitutionRegistered", institution_id, {**data, **details}, as_stored=as_stored)
        return institution_id

    def updated(self, institution_id: str, **changes: Any) -> RecordedEvent:
        return self._append(
            "InstitutionUpdated", institution_id, {"institution_id": institution_id, "changes": changes}
        )

    def closed(
        self, institution_id: str, closed_on: str = "2026-08-31", reason: str = "Merged"
    ) -> RecordedEvent:
        data = {"institution_id": institution_id, "reason": reason, "closed_on": closed_on}
        return self._append("InstitutionClosed", institution_id, data)


@pytest.fixture
def directory_log() -> DirectoryLog:
    return DirectoryLog()
