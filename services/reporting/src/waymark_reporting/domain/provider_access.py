"""Provider Access Legislation (the "Baker Clause", Skills and Post-16 Education Act
2022, in force 1 January 2023): at least six encounters with providers of approved
technical education or apprenticeships, in three phases (domain.md section 3):

============  ===========================================  ===  =================
Phase         When                                          Of   Attendance
============  ===========================================  ===  =================
first         any time in Year 8, or 1 Sep–28 Feb of Year 9  2   mandatory
second        any time in Year 10, or 1 Sep–28 Feb of Year 11 2   mandatory
third         Years 12–13                                    2   offered
============  ===========================================  ===  =================

An encounter is a delivered activity flagged as a Provider Access Legislation
encounter. For the first two phases a learner needs two they **took part in**,
delivered within the phase's window; for the third the institution must **offer**
two: delivered PAL activities for the learner's year group at their institution, or
any they took part in. Each phase's dates follow from the learner's cohort (the
academic year they are in Year 11). See ``docs/evidence.md``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from waymark_reporting.domain.calendar import cohort_start_year, year_group_on
from waymark_reporting.domain.evidence import Encounter, Learner

FIRST, SECOND, THIRD = "first", "second", "third"
REQUIRED = 2
# Statuses of a phase for one learner.
MET, DUE, MISSED, NOT_OPEN = "met", "due", "missed", "not_open"


@dataclass(frozen=True)
class Phase:
    key: str
    label: str
    opens: date
    deadline: date
    mandatory: bool

    def contains(self, day: date) -> bool:
        return self.opens <= day <= self.deadline


def phases(cohort: str) -> tuple[Phase, Phase, Phase]:
    """The cohort's three phases with their dates: Year 8 opens the first, which closes
    on 28 February of Year 9; Year 10 opens the second, closing on 28 February of Year
    11; the third runs through Years 12 and 13."""
    eleven = cohort_start_year(cohort)  # Year 11 starts in September of this year
    return (
        Phase(FIRST, "Year 8, or by 28 February of Year 9", date(eleven - 3, 9, 1), date(eleven - 1, 2, 28), True),
        Phase(SECOND, "Year 10, or by 28 February of Year 11", date(eleven - 1, 9, 1), date(eleven + 1, 2, 28), True),
        Phase(THIRD, "Years 12 and 13 (offered)", date(eleven + 1, 9, 1), date(eleven + 3, 8, 31), False),
    )  # fmt: skip


@dataclass(frozen=True)
class OfferedEncounter:
    """A delivered PAL activity at an institution, for these year groups."""

    activity_id: str
    delivered_on: date
    year_groups: frozenset[int]


@dataclass(frozen=True)
class PhaseStatus:
    phase: Phase
    encounters: int  # attended (first, second) or offered (third), within the window
    status: str

    @property
    def still_needed(self) -> int:
        return max(0, REQUIRED - self.encounters)


@dataclass
class LearnerCompliance:
    learner: Learner
    phases: list[PhaseStatus] = field(default_factory=list)

    def phase(self, key: str) -> PhaseStatus:
        return next(p for p in self.phases if p.phase.key == key)


def _status(phase: Phase, encounters: int, today: date) -> str:
    if encounters >= REQUIRED:
        return MET
    if today < phase.opens:
        return NOT_OPEN
    return DUE if today <= phase.deadline else MISSED


def learner_compliance(
    learner: Learner, attended: Iterable[Encounter], offered: Iterable[OfferedEncounter], today: date
) -> LearnerCompliance:
    mine = [e for e in attended if e.provider_access]
    result = LearnerCompliance(learner)
    for phase in phases(learner.cohort):
        took_part = {e.activity_id for e in mine if phase.contains(e.delivered_on)}
        count = took_part
        if not phase.mandatory:
            count = took_part | {
                o.activity_id
                for o in offered
                if phase.contains(o.delivered_on)
                and year_group_on(learner.cohort, o.delivered_on) in o.year_groups
            }
        result.phases.append(PhaseStatus(phase, len(count), _status(phase, len(count), today)))
    return result


def compliance_of(
    learners: Sequence[Learner],
    encounters: Iterable[Encounter],
    offered: Sequence[OfferedEncounter],
    today: date,
) -> list[LearnerCompliance]:
    """Each learner's three phases. ``encounters`` may hold any activity (only PAL ones
    count); ``offered``: the institution's delivered PAL activities."""
    theirs: dict[str, list[Encounter]] = defaultdict(list)
    for encounter in encounters:
        if encounter.provider_access:
            theirs[encounter.learner_id].append(encounter)
    return [learner_compliance(one, theirs.get(one.learner_id, ()), offered, today) for one in learners]


@dataclass(frozen=True)
class PhaseSummary:
    phase: Phase
    learners: int
    met: int
    needs_one: int
    needs_two: int
    missed: int
    not_open: int
    status: str  # the phase's state for the cohort: not_open, open or closed

    @property
    def still_needing(self) -> int:
        """Learners who still need an encounter before the deadline."""
        return self.needs_one + self.needs_two


@dataclass(frozen=True)
class CohortCompliance:
    cohort: str
    year_group: int  # where the cohort is now
    learners: int
    phases: tuple[PhaseSummary, ...]


def by_cohort(compliance: Sequence[LearnerCompliance], today: date) -> list[CohortCompliance]:
    """Per cohort (youngest first), per phase: met, still needing one or two before the
    deadline, missed, not yet open."""
    groups: dict[str, list[LearnerCompliance]] = defaultdict(list)
    for item in compliance:
        groups[item.learner.cohort].append(item)
    rows = []
    for cohort in sorted(groups, reverse=True):
        members = groups[cohort]
        summaries = []
        for index, phase in enumerate(phases(cohort)):
            statuses = [m.phases[index] for m in members]
            due = [s for s in statuses if s.status == DUE]
            state = "not_open" if today < phase.opens else ("open" if today <= phase.deadline else "closed")
            summaries.append(
                PhaseSummary(
                    phase,
                    len(members),
                    sum(1 for s in statuses if s.status == MET),
                    sum(1 for s in due if s.still_needed == 1),
                    sum(1 for s in due if s.still_needed == 2),
                    sum(1 for s in statuses if s.status == MISSED),
                    sum(1 for s in statuses if s.status == NOT_OPEN),
                    state,
                )
            )
        rows.append(CohortCompliance(cohort, year_group_on(cohort, today), len(members), tuple(summaries)))
    return rows
