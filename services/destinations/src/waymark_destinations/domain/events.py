"""Destinations' domain events: the data of each, as the contracts (adapters/contracts.py)
publish it. Learner ids only, never a name; free text (provider or employer names,
notes) is kept apart, in a table that erasure empties, never in an event. Dates ISO 8601."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DestinationIntended:
    learner_id: str
    institution_id: str
    leaving_point: str
    leaving_cohort: str
    category: str  # a category code, or "undecided"
    source: str
    evidence_date: str


@dataclass(frozen=True)
class DestinationRecorded:
    learner_id: str
    institution_id: str
    leaving_point: str
    leaving_cohort: str
    category: str
    start_date: str
    source: str
    evidence_date: str
    september_guarantee: str = "not_recorded"


@dataclass(frozen=True)
class DestinationSustained:
    learner_id: str
    institution_id: str
    leaving_point: str
    leaving_cohort: str
    category: str
    start_date: str
    period_ended: str
    source: str
    evidence_date: str


@dataclass(frozen=True)
class DestinationNotSustained:
    learner_id: str
    institution_id: str
    leaving_point: str
    leaving_cohort: str
    category: str
    start_date: str
    period_ended: str
    source: str
    evidence_date: str


@dataclass(frozen=True)
class DestinationConsentRecorded:
    learner_id: str
    institution_id: str
    consent: str  # given, withdrawn or refused
    given_by: str  # learner or parent
    consent_date: str
    recorded_by: str
    recorded_at: str
