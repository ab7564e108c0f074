"""Who may be tracked, and what may be kept (see docs/destinations.md, "Consent").

* Tracking lasts three years after the end of Key Stage 4; after that nothing is
  recorded for the learner at all.
* Tracking beyond 16 needs the consent of the young person (or their parent), recorded
  as ``DestinationConsentRecorded``, except for a learner who stays in the
  institution's own sixth form (the institution teaches them: it knows).
* Without consent only the **status allowed** is kept: the destination category and
  its dates as the local authority reports them (source ``local_authority``, the
  authority's duty to track 16–17 year olds and share it with schools), with no
  provider or employer name and no notes. Anything else, from anyone else, is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from waymark_destinations.domain.calendar import end_of_leaving_year, leaving_cohort, start_year
from waymark_destinations.domain.categories import KS4

GIVEN, WITHDRAWN, REFUSED = "given", "withdrawn", "refused"
CONSENTS = (GIVEN, WITHDRAWN, REFUSED)
GIVERS = ("learner", "parent")
SIXTH_FORM_AGE = 18  # an institution teaching to 18 has its own sixth form


@dataclass(frozen=True)
class LearnerFacts:
    """What destinations knows of a learner from directory's roster."""

    learner_id: str
    institution_id: str
    year_group: int | None
    cohort: str | None
    on_roll: bool
    leaving_date: date | None


def has_sixth_form(high_age: int | None) -> bool:
    return high_age is not None and high_age >= SIXTH_FORM_AGE


def stayed_in_own_sixth_form(learner: LearnerFacts, high_age: int | None) -> bool:
    """Still at the institution after the end of Year 11, in its own sixth form."""
    if not has_sixth_form(high_age) or learner.cohort is None:
        return False
    ks4_ends = end_of_leaving_year(learner.cohort)
    if learner.on_roll:
        return (learner.year_group or 0) >= 12
    return learner.leaving_date is not None and learner.leaving_date > date(ks4_ends.year, 8, 31)


def needs_consent(learner: LearnerFacts, leaving_point: str, high_age: int | None) -> bool:
    if leaving_point == KS4:
        return not stayed_in_own_sixth_form(learner, high_age)
    return True  # after Year 13 every learner has left the sixth form


def leaving_day(learner: LearnerFacts, leaving_point: str) -> date:
    """The day the learner reached the leaving point: the day they left, when they left
    during that year, else the end of its summer term."""
    assert learner.cohort is not None
    year = leaving_cohort(learner.cohort, leaving_point)
    begins = date(start_year(year), 9, 1)
    ends = end_of_leaving_year(year)
    if learner.leaving_date is not None and begins <= learner.leaving_date <= date(ends.year, 8, 31):
        return min(learner.leaving_date, ends)
    return ends


def left_before(learner: LearnerFacts, leaving_point: str) -> bool:
    """Left the institution before the leaving year began: another institution's leaver."""
    assert learner.cohort is not None
    year = leaving_cohort(learner.cohort, leaving_point)
    return learner.leaving_date is not None and learner.leaving_date < date(start_year(year), 9, 1)
