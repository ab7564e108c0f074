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
    """Directory's log: each institution a stream (``institution-<id>``), each learner
    one (``learner-<id>``, its subject the institution) and each provider one
    (``provider-<id>``, no subject), as directory appends them."""

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


    # -- the roster ----------------------------------------------------------------------

    def _learner(self, name: str, learner_id: str, data: dict[str, Any]) -> RecordedEvent:
        return self.append(name, data, stream_id=f"learner-{learner_id}", subject=data["institution_id"])

    def enrolled(
        self, institution_id: str, year_group: int, learner_id: str | None = None, *, form_group: str | None = None
    ) -> str:
        """A ``LearnerEnrolled``; the learner's id. Form group ``<year>R`` unless given."""
        learner_id = learner_id or str(uuid.uuid4())
        data = learner_attributes(learner_id, institution_id, year_group, form_group)
        self._learner("LearnerEnrolled", learner_id, data)
        return learner_id

    def learner_updated(
        self, institution_id: str, learner_id: str, year_group: int, *, form_group: str | None = None
    ) -> RecordedEvent:
        data = learner_attributes(learner_id, institution_id, year_group, form_group)
        return self._learner("LearnerUpdated", learner_id, data)

    def left(self, institution_id: str, learner_id: str, leaving_date: str = "2026-10-31") -> RecordedEvent:
        data = {
            "learner_id": learner_id,
            "institution_id": institution_id,
            "leaving_date": leaving_date,
            "reason": "leaving_date_in_import",
        }
        return self._learner("LearnerLeft", learner_id, data)

    def erased(self, institution_id: str, learner_id: str) -> RecordedEvent:
        data = {"learner_id": learner_id, "institution_id": institution_id}
        return self._learner("LearnerPersonalDataErased", learner_id, data)

    # -- providers -------------------------------------------------------------------------

    def provider_listed(self, name: str = "Riverside Engineering Ltd", **details: Any) -> str:
        """A provider submitted and listed (``ProviderSubmitted`` then ``ProviderListed``);
        its id. ``details`` override the listing's fields."""
        provider_id = str(uuid.uuid4())
        data = {**provider_listing(provider_id, name), **details}
        stream = f"provider-{provider_id}"
        self.append("ProviderSubmitted", data, stream_id=stream, subject=provider_id)
        self.append("ProviderListed", data, stream_id=stream, subject=provider_id)
        return provider_id

    def provider_withdrawn(self, provider_id: str) -> RecordedEvent:
        data = {"provider_id": provider_id, "reason": "No longer offered"}
        return self.append("ProviderWithdrawn", data, stream_id=f"provider-{provider_id}", subject=provider_id)


def learner_attributes(
    learner_id: str, institution_id: str, year_group: int, form_group: str | None = None
) -> dict[str, Any]:
    """What directory's learner events carry (no name, UPN or date of birth): the
    cohort is the academic year the learner is (or was) in Year 11, as of 2026/27."""
    return {
        "learner_id": learner_id,
        "institution_id": institution_id,
        "year_group": year_group,
        "cohort": f"{2026 + 11 - year_group}/{(2027 + 11 - year_group) % 100:02d}",
        "form_group": form_group or f"{year_group}R",
        "sen_status": "N",
        "disadvantaged": False,
    }


def provider_listing(provider_id: str, name: str) -> dict[str, Any]:
    """A listing as directory's provider events carry it: an employer near Leeds."""
    return {
        "provider_id": provider_id,
        "name": name,
        "description": "Engineering apprenticeships, workplace visits and employer talks.",
        "provider_type": "employer",
        "benchmarks": [5, 6],
        "key_stages": ["ks3", "ks4"],
        "send_suitable": True,
        "subjects": [],
        "cost": "free",
        "delivery": "in_person",
        "national": False,
        "postcode": "LS1 4AP",
        "radius_miles": 20.0,
    }


@pytest.fixture
def directory_log() -> DirectoryLog:
    return DirectoryLog()
