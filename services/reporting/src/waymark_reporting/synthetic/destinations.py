"""Destinations' log: for each year's leavers (end of Year 11 and end of Year 13), the
young person's consent, where they went (in the national shape, see ``learners``), and
after October to March whether it was sustained.

Learners staying in their school's own sixth form need no consent; without consent
only the local authority's status is kept (source ``local_authority``). A leaving
cohort's destinations are recorded in the autumn after it left and judged in April.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import datetime

from waymark_reporting.synthetic.ids import rng
from waymark_reporting.synthetic.institutions import Institution
from waymark_reporting.synthetic.learners import STAYS, Learner, cohort_learners
from waymark_reporting.synthetic.log import SourceLog
from waymark_reporting.synthetic.parameters import Parameters, academic_year, cohort_start_of, day
from waymark_shared.events.envelope import RecordedEvent

SUSTAINABLE = {
    "fe_college", "school_sixth_form", "sixth_form_college", "other_education", "higher_education_degree",
    "higher_education_other", "deferred_he_offer", "apprenticeship_intermediate", "apprenticeship_advanced",
    "apprenticeship_higher", "employment",
}  # fmt: skip
# Of the destinations that can be sustained, how many are (94% sustained nationally after KS4).
SUSTAINED = {"employment": 0.80, "apprenticeship_intermediate": 0.90}
SUSTAINED_OTHERWISE = 0.99
GIVEN, REFUSED = 0.80, 0.85
LEAVING_POINTS = (("ks4", 11), ("16-18", 13))


def destinations_events(
    parameters: Parameters, institutions: Sequence[Institution]
) -> Iterator[RecordedEvent]:
    """Each year from the second on, the previous year's leavers (the first year's
    leavers are the first tracked)."""
    log = SourceLog("destinations", parameters.seed, parameters.validate_every)
    for year in parameters.academic_years[1:]:
        left = year - 1
        if not parameters.happened(day(year, 10, 1)):
            break
        log.at(datetime(year, 10, 1, 8))
        judged = []
        for institution in institutions:
            generator = rng(parameters.seed, "destinations", institution.index, left)
            for point, year_group in LEAVING_POINTS:
                if year_group not in institution.year_groups:
                    continue
                for learner in _leavers(parameters, institution, left, year_group, generator):
                    yield from _recorded(log, institution, learner, point, left=left, year=year)
                    judged.append((institution, learner, point))
        if not parameters.happened(day(year, 4, 20)):
            break
        log.at(datetime(year + 1, 4, 20, 8))
        for institution, learner, point in judged:
            yield from _judged(log, institution, learner, point, left=left, year=year)


def _leavers(
    parameters: Parameters, institution: Institution, left: int, year_group: int, generator: random.Random
) -> list[Learner]:
    learners = cohort_learners(parameters.seed, institution, cohort_start_of(year_group, left))
    if year_group == 13 and institution.has_own_sixth_form:
        learners = [learner for learner in learners if learner.ks4_destination == STAYS]
    return [learner for learner in learners if generator.random() < parameters.destination_share]


def category(learner: Learner, point: str) -> str:
    return learner.ks4_destination if point == "ks4" else learner.post16_destination


def _stays(institution: Institution, learner: Learner, point: str) -> bool:
    return point == "ks4" and institution.has_own_sixth_form and learner.ks4_destination == STAYS


def _recorded(
    log: SourceLog, institution: Institution, learner: Learner, point: str, *, left: int, year: int
) -> Iterator[RecordedEvent]:
    ident, stream = institution.institution_id, f"destination-{learner.learner_id}"
    about = {"learner_id": learner.learner_id, "institution_id": ident}
    consented = _stays(institution, learner, point) or learner.consents < GIVEN
    if not _stays(institution, learner, point) and learner.consents < REFUSED:
        consent = {**about, "consent": "given" if consented else "refused",
                   "given_by": "learner" if learner.consents < 0.5 else "parent",
                   "consent_date": day(left, 6, 10).isoformat(), "recorded_by": "careers-leader",
                   "recorded_at": f"{day(left, 6, 10).isoformat()}T11:00:00+00:00"}  # fmt: skip
        yield log.event("DestinationConsentRecorded", consent, stream, ident)
    recorded = {
        **_at_leaving_point(about, point, left, consented, day(year, 10, 1).isoformat()),
        "category": category(learner, point),
        "start_date": day(year, 9, 5).isoformat(),
        "september_guarantee": ("offer_made" if learner.sustains < 0.95 else "no_offer")
        if point == "ks4"
        else "not_recorded",
    }
    yield log.event("DestinationRecorded", recorded, stream, ident)


def _judged(
    log: SourceLog, institution: Institution, learner: Learner, point: str, *, left: int, year: int
) -> Iterator[RecordedEvent]:
    code = category(learner, point)
    if code not in SUSTAINABLE:
        return
    ident = institution.institution_id
    about = {"learner_id": learner.learner_id, "institution_id": ident}
    consented = _stays(institution, learner, point) or learner.consents < GIVEN
    judgement = {
        **_at_leaving_point(about, point, left, consented, day(year, 4, 15).isoformat()),
        "category": code,
        "start_date": day(year, 9, 5).isoformat(),
        "period_ended": day(year, 3, 31).isoformat(),
    }
    sustained = learner.sustains < SUSTAINED.get(code, SUSTAINED_OTHERWISE)
    name = "DestinationSustained" if sustained else "DestinationNotSustained"
    yield log.event(name, judgement, f"destination-{learner.learner_id}", ident)


def _at_leaving_point(
    about: dict[str, str], point: str, left: int, consented: bool, evidence_date: str
) -> dict[str, str]:
    return {
        **about,
        "leaving_point": point,
        "leaving_cohort": academic_year(left),
        "source": "learner" if consented else "local_authority",
        "evidence_date": evidence_date,
    }
