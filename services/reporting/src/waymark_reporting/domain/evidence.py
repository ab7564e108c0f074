"""Pupil-level evidence for Gatsby Benchmarks 5 to 8, computed from who took part in
which activity (what Compass+ does with MIS data). The rules, with their sources, are
in ``services/reporting/docs/evidence.md``; in short:

* **BM5** a meaningful encounter with an employer this academic year: an activity of a
  type in :data:`EMPLOYER_ENCOUNTERS`, delivered this academic year.
* **BM6** an experience of a workplace by 16 (delivered while the learner was in Year 11
  or before) and a further one by 18 (in Years 12 and 13): :data:`WORKPLACE_EXPERIENCES`.
* **BM7** encounters with further education, higher education and apprenticeship or
  technical education providers by 16: the full range means one of each kind of
  :data:`PROVIDER_KINDS` (a Provider Access Legislation encounter counts as an
  apprenticeship or technical one); any one of them is reported too.
* **BM8** a guidance meeting by 16, and a further one by 18 (Years 12 and 13).
* The **worklist**: learners on roll who meet none of these measures.

A learner's year group on the day of an activity follows from their cohort (see
:mod:`.calendar`), so an encounter counts for the stage they were at then, wherever
they were on roll.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from waymark_reporting.domain.calendar import academic_start_year, year_group_on

EMPLOYER_ENCOUNTERS = frozenset(
    {
        "employer_talk",
        "careers_fair",
        "workplace_visit",
        "work_shadowing",
        "work_experience",
        "mentoring",
        "enterprise_challenge",
    }
)
WORKPLACE_EXPERIENCES = frozenset({"workplace_visit", "work_shadowing", "work_experience"})
FE, HE, TECHNICAL = "fe", "he", "technical"
PROVIDER_KINDS = {"fe_visit": FE, "he_visit": HE, "provider_encounter": TECHNICAL}
GUIDANCE = frozenset({"guidance_meeting"})
EVIDENCE_TYPES = EMPLOYER_ENCOUNTERS | WORKPLACE_EXPERIENCES | set(PROVIDER_KINDS) | GUIDANCE

# The measures, in the order pages show them, with the year groups each applies to.
EMPLOYER_THIS_YEAR = "employer_this_year"
WORKPLACE_BY_16 = "workplace_by_16"
WORKPLACE_BY_18 = "workplace_by_18"
PROVIDER_BY_16 = "provider_by_16"
PROVIDERS_BY_16 = "providers_by_16"
FE_BY_16, HE_BY_16, TECHNICAL_BY_16 = "fe_by_16", "he_by_16", "technical_by_16"
GUIDANCE_BY_16 = "guidance_by_16"
GUIDANCE_BY_18 = "guidance_by_18"
MEASURES: dict[str, tuple[int, str]] = {
    EMPLOYER_THIS_YEAR: (5, "At least one encounter with an employer this academic year"),
    WORKPLACE_BY_16: (6, "An experience of a workplace by 16 (by the end of Year 11)"),
    WORKPLACE_BY_18: (6, "A further experience of a workplace by 18 (in Years 12 and 13)"),
    PROVIDER_BY_16: (7, "An encounter with an FE, HE or apprenticeship or technical provider by 16"),
    PROVIDERS_BY_16: (7, "Encounters with all three: FE, HE and apprenticeship or technical providers by 16"),
    FE_BY_16: (7, "An encounter with a further education provider by 16"),
    HE_BY_16: (7, "An encounter with a higher education provider by 16"),
    TECHNICAL_BY_16: (7, "An encounter with an apprenticeship or technical education provider by 16"),
    GUIDANCE_BY_16: (8, "A guidance meeting by 16 (by the end of Year 11)"),
    GUIDANCE_BY_18: (8, "A further guidance meeting by 18 (in Years 12 and 13)"),
}
SIXTH_FORM_ONLY = frozenset({WORKPLACE_BY_18, GUIDANCE_BY_18})  # Years 12 and above


class Learner(NamedTuple):
    """A learner on roll: pseudonymous id, year group, cohort and form group. (Named
    tuples: a dashboard builds tens of thousands of these and of encounters.)"""

    learner_id: str
    year_group: int
    cohort: str
    form_group: str | None = None


class Encounter(NamedTuple):
    """A learner took part in a delivered activity."""

    learner_id: str
    activity_id: str
    activity_type: str
    delivered_on: date
    provider_access: bool = False


@dataclass
class LearnerEvidence:
    learner: Learner
    met: dict[str, bool] = field(default_factory=dict)  # measure -> met (absent: does not apply)
    encounters: int = 0  # of the evidence types, ever

    @property
    def has_none(self) -> bool:
        """Meets none of the measures (an employer encounter in an earlier year only,
        say, meets none)."""
        return not any(self.met.values())


@dataclass(frozen=True)
class Share:
    learners: int
    met: int

    @property
    def percentage(self) -> int | None:
        return round(100 * self.met / self.learners) if self.learners else None


@dataclass(frozen=True)
class EvidenceRow:
    """One year group (or cohort): how many learners, each measure's share, and how
    many have none of the evidence."""

    group: int | str
    learners: int
    shares: dict[str, Share | None]
    with_none: int


def learner_evidence(learner: Learner, encounters: Iterable[Encounter], today: date) -> LearnerEvidence:
    this_year = academic_start_year(today)
    found = LearnerEvidence(learner)
    employer = workplace_16 = workplace_18 = guidance_16 = guidance_18 = False
    kinds: set[str] = set()
    for encounter in encounters:
        kind = encounter.activity_type
        technical = encounter.provider_access
        if kind not in EVIDENCE_TYPES and not technical:
            continue
        found.encounters += 1
        stage = year_group_on(learner.cohort, encounter.delivered_on)
        by_16 = stage <= 11
        if kind in EMPLOYER_ENCOUNTERS and academic_start_year(encounter.delivered_on) == this_year:
            employer = True
        if kind in WORKPLACE_EXPERIENCES:
            workplace_16 |= by_16
            workplace_18 |= stage in (12, 13)
        if kind in GUIDANCE:
            guidance_16 |= by_16
            guidance_18 |= stage in (12, 13)
        if by_16 and kind in PROVIDER_KINDS:
            kinds.add(PROVIDER_KINDS[kind])
        if by_16 and technical:
            kinds.add(TECHNICAL)
    found.met = {
        EMPLOYER_THIS_YEAR: employer,
        WORKPLACE_BY_16: workplace_16,
        PROVIDER_BY_16: bool(kinds),
        PROVIDERS_BY_16: kinds >= {FE, HE, TECHNICAL},
        FE_BY_16: FE in kinds,
        HE_BY_16: HE in kinds,
        TECHNICAL_BY_16: TECHNICAL in kinds,
        GUIDANCE_BY_16: guidance_16,
    }
    if learner.year_group >= 12:
        found.met[WORKPLACE_BY_18] = workplace_18
        found.met[GUIDANCE_BY_18] = guidance_18
    return found


def evidence_of(
    learners: Sequence[Learner], encounters: Iterable[Encounter], today: date
) -> list[LearnerEvidence]:
    """Each learner's evidence, in the order given."""
    theirs: dict[str, list[Encounter]] = defaultdict(list)
    for encounter in encounters:
        theirs[encounter.learner_id].append(encounter)
    return [learner_evidence(learner, theirs.get(learner.learner_id, ()), today) for learner in learners]


def summarise(
    evidence: Sequence[LearnerEvidence], group_of: Callable[[Learner], int | str]
) -> list[EvidenceRow]:
    """Rows per group (``lambda l: l.year_group``, or ``l.cohort``), in group order."""
    groups: dict[int | str, list[LearnerEvidence]] = defaultdict(list)
    for item in evidence:
        groups[group_of(item.learner)].append(item)
    rows = []
    for group in sorted(groups):
        members = groups[group]
        shares: dict[str, Share | None] = {}
        for measure in MEASURES:
            applicable = [m for m in members if measure in m.met]
            shares[measure] = (
                Share(len(applicable), sum(1 for m in applicable if m.met[measure])) if applicable else None
            )
        rows.append(EvidenceRow(group, len(members), shares, sum(1 for m in members if m.has_none)))
    return rows


def by_year_group(evidence: Sequence[LearnerEvidence]) -> list[EvidenceRow]:
    return summarise(evidence, lambda learner: learner.year_group)


def by_cohort(evidence: Sequence[LearnerEvidence]) -> list[EvidenceRow]:
    return summarise(evidence, lambda learner: learner.cohort)


def worklist(evidence: Sequence[LearnerEvidence]) -> list[Learner]:
    """Learners with none of the evidence, by year group, form group and id."""
    return sorted(
        (item.learner for item in evidence if item.has_none),
        key=lambda learner: (learner.year_group, learner.form_group or "", learner.learner_id),
    )
