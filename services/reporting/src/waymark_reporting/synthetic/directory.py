"""Directory's log: every institution registered first, then each academic year's
roster: new year groups enrolled, everyone else moved up (``LearnerUpdated``, as a
September roster import does), and leavers end-dated in July."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from waymark_reporting.synthetic.institutions import Institution
from waymark_reporting.synthetic.learners import STAYS, Learner, form_group, on_roll
from waymark_reporting.synthetic.log import SourceLog
from waymark_reporting.synthetic.parameters import Parameters, day
from waymark_shared.events.envelope import RecordedEvent


def directory_events(parameters: Parameters, institutions: Sequence[Institution]) -> Iterator[RecordedEvent]:
    log = SourceLog("directory", parameters.seed, parameters.validate_every)
    log.at(datetime(parameters.first_year, 7, 1, 9))
    for institution in institutions:
        yield log.event(
            "InstitutionRegistered",
            registered(institution),
            f"institution-{institution.institution_id}",
            institution.institution_id,
        )
    for offset, year in enumerate(parameters.academic_years):
        if not parameters.happened(day(year, 9, 2)):
            break
        log.at(datetime(year, 9, 2, 7))
        leavers: list[tuple[str, str]] = []  # (institution id, learner id), for July
        for institution in institutions:
            yield from _september(log, parameters.seed, institution, year, leavers, first=offset == 0)
        if not parameters.happened(day(year, 7, 22)):
            break
        log.at(datetime(year + 1, 7, 22, 16))
        leaving = day(year, 7, 21).isoformat()
        for ident, learner_id in leavers:
            data = {"learner_id": learner_id, "institution_id": ident, "leaving_date": leaving,
                    "reason": "leaving_date_in_import"}  # fmt: skip
            yield log.event("LearnerLeft", data, f"learner-{learner_id}", ident)


def registered(institution: Institution) -> dict[str, object]:
    return {
        "institution_id": institution.institution_id,
        "name": institution.name,
        "institution_type": institution.institution_type,
        "urn": institution.urn,
        "ukprn": institution.ukprn,
        "local_authority": institution.local_authority,
        "region": institution.region,
        "postcode": institution.postcode,
        "local_authority_code": institution.local_authority_code,
        "careers_hub": institution.careers_hub,
        "trust": institution.trust,
        "low_age": institution.low_age,
        "high_age": institution.high_age,
        "website": institution.website,
    }


def _september(
    log: SourceLog,
    seed: int,
    institution: Institution,
    year: int,
    leavers: list[tuple[str, str]],
    *,
    first: bool,
) -> Iterator[RecordedEvent]:
    ident = institution.institution_id
    for year_group, learners in on_roll(seed, institution, year).items():
        # New to the roll: everyone in the first year, then whoever joins the first year
        # group (and a college's or sixth form's new Year 12).
        joins = first or year_group == institution.first_year_group
        name = "LearnerEnrolled" if joins else "LearnerUpdated"
        for learner in learners:
            data = attributes(learner, ident, year_group)
            yield log.event(name, data, f"learner-{learner.learner_id}", ident)
            if _leaves(institution, learner, year_group):
                leavers.append((ident, learner.learner_id))


def _leaves(institution: Institution, learner: Learner, year_group: int) -> bool:
    if year_group == institution.last_year_group:
        return True
    return year_group == 11 and institution.has_own_sixth_form and learner.ks4_destination != STAYS


def attributes(learner: Learner, institution_id: str, year_group: int) -> dict[str, object]:
    return {
        "learner_id": learner.learner_id,
        "institution_id": institution_id,
        "year_group": year_group,
        "cohort": learner.cohort,
        "form_group": form_group(learner, year_group),
        "sen_status": learner.sen_status,
        "disadvantaged": learner.disadvantaged,
    }
