"""Learners on an institution's roll, and what a roster import changes about them.

A learner is known by a random pseudonymous id (uuid4, never derived from the UPN).
Their personal data (UPN, names, date of birth) is held apart, in directory's
directory table only, and compared here but never put into an event.

``plan_import`` compares the file with what directory holds and decides, learner by
learner, which events to record and which personal data to write. Comparing content,
not the file's hash, is what makes a re-import of the same data change nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from waymark_directory.domain.learner_events import (
    LearnerEnrolled,
    LearnerLeft,
    LearnerPersonalDataErased,
    LearnerUpdated,
)
from waymark_directory.domain.roster_csv import RosterRow, cohort_for

IMPORT_MODES = ("full", "partial")


@dataclass(frozen=True)
class PersonalData:
    upn: str
    legal_surname: str
    legal_forename: str
    preferred_surname: str
    preferred_forename: str
    date_of_birth: date

    @classmethod
    def of(cls, row: RosterRow) -> PersonalData:
        return cls(
            row.upn,
            row.legal_surname,
            row.legal_forename,
            row.preferred_surname,
            row.preferred_forename,
            row.date_of_birth,
        )


@dataclass(frozen=True)
class Attributes:
    """What the events carry about a learner besides their id."""

    year_group: int
    cohort: str
    form_group: str | None
    sen_status: str
    disadvantaged: bool

    @classmethod
    def of(cls, row: RosterRow, today: date) -> Attributes:
        cohort = cohort_for(row.year_group, today)
        return cls(row.year_group, cohort, row.form_group, row.sen_status, row.disadvantaged)


@dataclass(frozen=True)
class Learner:
    """Directory's current view of one learner (its table row), with its stream version."""

    learner_id: str
    institution_id: str
    version: int
    attributes: Attributes
    on_roll: bool
    leaving_date: date | None = None
    personal: PersonalData | None = None  # None once erased


@dataclass
class LearnerChange:
    """What one import does to one learner: events to append at ``expected_version``,
    and the rows to write (``personal`` None: leave personal data as it is)."""

    learner: Learner  # as it will be
    expected_version: int
    events: list[object] = field(default_factory=list)
    personal: PersonalData | None = None
    is_new: bool = False


@dataclass
class ImportPlan:
    changes: list[LearnerChange] = field(default_factory=list)
    enrolled: int = 0
    updated: int = 0
    left: int = 0
    unchanged: int = 0

    @property
    def event_count(self) -> int:
        return sum(len(change.events) for change in self.changes)


def plan_import(
    institution_id: str,
    known: Iterable[Learner],
    rows: Iterable[RosterRow],
    *,
    mode: str,
    today: date,
    new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
) -> ImportPlan:
    """The changes that bring directory's roster into line with ``rows``. In ``full``
    mode every learner on roll but absent from the file leaves on ``today``."""
    if mode not in IMPORT_MODES:
        raise ValueError(f"mode must be one of {IMPORT_MODES}")
    plan = ImportPlan()
    everyone = list(known)
    by_upn = {learner.personal.upn: learner for learner in everyone if learner.personal is not None}
    seen: set[str] = set()
    for row in rows:
        learner = by_upn.get(row.upn)
        if learner is None:
            change = _enrol(institution_id, row, today, new_id())
            plan.enrolled += 1
        else:
            seen.add(learner.learner_id)
            change = _compare(learner, row, today)
            if change is None:
                plan.unchanged += 1
                continue
            plan.updated += 1 if change.events or change.personal else 0
        plan.left += any(isinstance(event, LearnerLeft) for event in change.events)
        plan.changes.append(change)
    if mode == "full":
        for learner in everyone:
            if learner.on_roll and learner.learner_id not in seen:
                plan.changes.append(_leave(learner, today, "missing_from_full_import"))
                plan.left += 1
    return plan


def erase(learner: Learner) -> LearnerChange:
    """Erasing a learner's personal data: the event says only that it happened."""
    erased = replace(learner, personal=None, version=learner.version + 1)
    event = LearnerPersonalDataErased(learner.learner_id, learner.institution_id)
    return LearnerChange(erased, learner.version, [event])


def _enrol(institution_id: str, row: RosterRow, today: date, learner_id: str) -> LearnerChange:
    attributes = Attributes.of(row, today)
    events: list[object] = [LearnerEnrolled(learner_id, institution_id, **vars(attributes))]
    if row.leaving_date is not None:
        events.append(
            LearnerLeft(learner_id, institution_id, row.leaving_date.isoformat(), "leaving_date_in_import")
        )
    learner = Learner(
        learner_id,
        institution_id,
        len(events),
        attributes,
        on_roll=row.leaving_date is None,
        leaving_date=row.leaving_date,
        personal=PersonalData.of(row),
    )
    return LearnerChange(learner, 0, events, learner.personal, is_new=True)


def _compare(learner: Learner, row: RosterRow, today: date) -> LearnerChange | None:
    attributes = Attributes.of(row, today)
    events: list[object] = []
    ids = (learner.learner_id, learner.institution_id)
    if row.leaving_date is None and not learner.on_roll:
        events.append(LearnerEnrolled(*ids, **vars(attributes)))
    elif attributes != learner.attributes:
        events.append(LearnerUpdated(*ids, **vars(attributes)))
    if row.leaving_date is not None and (learner.on_roll or row.leaving_date != learner.leaving_date):
        events.append(LearnerLeft(*ids, row.leaving_date.isoformat(), "leaving_date_in_import"))
    personal = PersonalData.of(row)
    if not events and personal == learner.personal:
        return None
    after = replace(
        learner,
        version=learner.version + len(events),
        attributes=attributes,
        on_roll=row.leaving_date is None,
        leaving_date=row.leaving_date,
        personal=personal,
    )
    return LearnerChange(after, learner.version, events, personal if personal != learner.personal else None)


def _leave(learner: Learner, today: date, reason: str) -> LearnerChange:
    event = LearnerLeft(learner.learner_id, learner.institution_id, today.isoformat(), reason)
    after = replace(learner, version=learner.version + 1, on_roll=False, leaving_date=today)
    return LearnerChange(after, learner.version, [event])


@dataclass(frozen=True)
class ImportRoster:
    """Bring an institution's roster into line with a CSV from its MIS."""

    institution_id: str
    content: bytes
    mode: str = "full"
    import_valid_rows: bool = False
    file_name: str | None = None
    actor: str | None = None


@dataclass(frozen=True)
class EraseLearnerPersonalData:
    institution_id: str
    learner_id: str


def fold(events: Iterable[object]) -> dict[str, dict[str, object]]:
    """Learners as their events describe them (``learners`` rows without versions):
    what an inline table or a consumer's read model should agree with."""
    state: dict[str, dict[str, object]] = {}
    for event in events:
        if isinstance(event, LearnerEnrolled | LearnerUpdated):
            row = state.setdefault(event.learner_id, {"leaving_date": None, "erased": False})
            row.update(vars(event))
            if isinstance(event, LearnerEnrolled):
                row.update(on_roll=True, leaving_date=None)
        elif isinstance(event, LearnerLeft):
            state[event.learner_id].update(on_roll=False, leaving_date=event.leaving_date)
        elif isinstance(event, LearnerPersonalDataErased):
            state[event.learner_id]["erased"] = True
    return state
