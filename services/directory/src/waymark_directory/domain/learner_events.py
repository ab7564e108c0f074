"""The learner roster's events (past tense, immutable).

They carry a pseudonymous learner id and what planning, destinations and reporting
need (year group, cohort, form group, SEN status, disadvantaged flag), never a name,
UPN or date of birth. Dates are ISO strings (``2027-07-21``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LearnerEnrolled:
    """On the institution's roll: for the first time, or again after leaving."""

    learner_id: str
    institution_id: str
    year_group: int
    cohort: str
    form_group: str | None
    sen_status: str
    disadvantaged: bool


@dataclass(frozen=True)
class LearnerUpdated:
    """A learner's roster attributes changed; the event carries all of them."""

    learner_id: str
    institution_id: str
    year_group: int
    cohort: str
    form_group: str | None
    sen_status: str
    disadvantaged: bool


@dataclass(frozen=True)
class LearnerLeft:
    learner_id: str
    institution_id: str
    leaving_date: str
    reason: str  # one of LEFT_REASONS


@dataclass(frozen=True)
class LearnerPersonalDataErased:
    learner_id: str
    institution_id: str


LEFT_REASONS = ("leaving_date_in_import", "missing_from_full_import")
LEARNER_EVENTS = (LearnerEnrolled, LearnerUpdated, LearnerLeft, LearnerPersonalDataErased)
