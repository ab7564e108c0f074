"""Learners: pseudonymous ids (uuid4-like, from the seed), year groups, cohorts and the
roster attributes directory carries, nothing more (no name, UPN or date of birth).

A cohort (the learners of one institution in Year 11 in the same academic year) is
drawn from its own generator, so directory, planner and destinations all see the same
learners without sharing state. Each learner carries a few uniform draws that decide
later facts (the destination after Year 11, whether it lasts, consent), so those facts
agree across sources too.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from waymark_reporting.synthetic.ids import cumulative, rng, uuid4_text
from waymark_reporting.synthetic.institutions import Institution
from waymark_reporting.synthetic.parameters import academic_year, cohort_start_of

# National shape of Key Stage 4 destinations (2014/15 leavers, domain.md section 4), as
# the destination first recorded: 94% go on to a destination that is sustained.
KS4_DESTINATIONS = cumulative({
    "fe_college": 37.5, "school_sixth_form": 37.5, "sixth_form_college": 11.0, "other_education": 1.5,
    "apprenticeship_intermediate": 2.0, "apprenticeship_advanced": 1.6, "apprenticeship_higher": 0.4,
    "employment": 3.0, "activity_not_captured": 1.0, "neet": 2.0, "not_known": 1.5,
})  # fmt: skip
# After 16-18 study (the current category list is a gap in the research: a plausible mix).
POST16_DESTINATIONS = cumulative({
    "higher_education_degree": 38.0, "higher_education_other": 5.0, "deferred_he_offer": 4.0,
    "fe_college": 9.0, "other_education": 3.0, "apprenticeship_intermediate": 2.0,
    "apprenticeship_advanced": 5.0, "apprenticeship_higher": 3.0, "employment": 22.0,
    "activity_not_captured": 3.0, "neet": 4.0, "not_known": 2.0,
})  # fmt: skip
STAYS = "school_sixth_form"
FORMS = "ABCDEFGH"


class Learner(NamedTuple):
    learner_id: str
    cohort: str
    form: str  # the form letter: "9" + letter is the form group in Year 9
    sen_status: str
    disadvantaged: bool
    ks4_destination: str
    post16_destination: str
    sustains: float  # below the destination's sustained rate: sustained
    consents: float  # below 0.8: consent given; to 0.85: refused; above: none recorded


@lru_cache(maxsize=50_000)  # a national year's cohorts: each is on roll for up to seven years
def cohort_learners(seed: int, institution: Institution, cohort_start: int) -> tuple[Learner, ...]:
    """The cohort's learners: each one 240 random bits, 128 for the id and 16 for each
    of its seven draws (fast: this runs for every cohort of every source)."""
    generator = rng(seed, "learners", institution.index, cohort_start)
    special = institution.institution_type == "special_school"
    forms = FORMS[: max(1, min(len(FORMS), institution.cohort_size // 4))]
    sen_e, sen_k = (_U * 0.8, _U) if special else (_U * 0.025, _U * 0.155)
    disadvantaged = _U * (0.4 if special else 0.25)
    cohort = academic_year(cohort_start)
    ks4, post16 = _KS4_BOUNDS, _POST16_BOUNDS
    learners = []
    for _ in range(max(1, institution.cohort_size + generator.randint(-1, 1))):
        bits = generator.getrandbits(240)
        sen, poor, form = bits & 0xFFFF, (bits >> 16) & 0xFFFF, (bits >> 32) & 0xFFFF
        first, second = (bits >> 48) & 0xFFFF, (bits >> 64) & 0xFFFF
        learners.append(
            Learner(
                uuid4_text(bits >> 112),
                cohort,
                forms[form * len(forms) >> 16],
                "E" if sen < sen_e else "K" if sen < sen_k else "N",
                poor < disadvantaged,
                KS4_DESTINATIONS[1][bisect_right(ks4, first)],
                POST16_DESTINATIONS[1][bisect_right(post16, second)],
                ((bits >> 80) & 0xFFFF) / _U,
                ((bits >> 96) & 0xFFFF) / _U,
            )
        )
    return tuple(learners)


def _bounds(distribution: tuple[list[float], list[str]]) -> list[int]:
    """Cumulative shares as 16-bit thresholds (the last one past every draw)."""
    return [round(share * _U) for share in distribution[0][:-1]] + [_U + 1]


_U = 1 << 16
_KS4_BOUNDS, _POST16_BOUNDS = _bounds(KS4_DESTINATIONS), _bounds(POST16_DESTINATIONS)


def on_roll(seed: int, institution: Institution, year_start: int) -> dict[int, Sequence[Learner]]:
    """The institution's learners by year group in the academic year starting ``year_start``:
    in a school with a sixth form, only those whose destination was its sixth form stay on."""
    roll: dict[int, Sequence[Learner]] = {}
    for year_group in institution.year_groups:
        learners = cohort_learners(seed, institution, cohort_start_of(year_group, year_start))
        if year_group >= 12 and institution.has_own_sixth_form:
            learners = [learner for learner in learners if learner.ks4_destination == STAYS]
        roll[year_group] = learners
    return roll


def form_group(learner: Learner, year_group: int) -> str:
    return f"{year_group}{learner.form}"
