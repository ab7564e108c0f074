"""Demo rosters with a history: every demo institution imports its MIS roster each
July for the last three years and once more now, so its learners move up a year group
each September and its leavers (Year 11, and Year 13 where there is a sixth form) leave
with a leaving date, as a real school's would.

Destinations needs those leavers (three leaving cohorts a school) and planner needs
learners in every year group with form groups. Each institution's learners are one
invented population, the same every time (seeded by the institution's place in the
demo), so each import names the same learners by the same UPN and date of birth.

Cohorts are scaled down from a real school's (about 180 a year group) to keep the demo
quick to seed: ``PER_COHORT`` learners a year group in two form groups.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from waymark_directory.domain.learners import ImportRoster
from waymark_directory.domain.roster_csv import academic_year_start, expected_birth_range
from waymark_directory.domain.upn import make_upn
from waymark_directory.roster_demo import FORENAMES, SURNAMES, roster_csv
from waymark_directory.service_layer.roster import import_roster, school_today
from waymark_shared.events.context import message_context
from waymark_shared.service import ServiceRuntime

PER_COHORT = 30
FORMS = "AB"
HISTORY_YEARS = 3  # July imports before this academic year's
LAST_DAY_OF_SUMMER_TERM = (7, 19)
STAY_ON_SHARE = 0.45  # of Year 11 who stay for the sixth form, where there is one


@dataclass(frozen=True)
class Learner:
    upn: str
    surname: str
    forename: str
    born: date
    form: str
    sen: str
    disadvantaged: bool
    first_year: int  # year group they join in
    last_year: int  # year group they leave after

    def year_group(self, academic_year: int) -> int:
        """Their year group in the academic year beginning September ``academic_year``."""
        born_in = self.born.year if self.born.month >= 9 else self.born.year - 1  # of an academic year
        return academic_year - born_in - 5


def year_groups_taught(low_age: int | None, high_age: int | None) -> range:
    """Year 7 is the year pupils turn 12; a range up to 16 ends at Year 11, up to 18 or
    more at Year 13 (a sixth form). Primary-only ranges teach none of these."""
    first = max(7, (low_age or 11) - 4)
    last = min(13, (high_age or 16) - 5)
    return range(first, last + 1)


def population(seed: int, taught: range, today: date, establishment: str) -> list[Learner]:
    """Everyone on roll in any of the history years or now: each cohort in Year 7 (or
    the first year taught) by now, back to the one that left ``HISTORY_YEARS`` ago."""
    rng = random.Random(seed)  # noqa: S311 - invented demo data, not secrets
    this_year = academic_year_start(today)
    learners: list[Learner] = []
    serials = iter(rng.sample(range(100_000), PER_COHORT * (len(taught) + HISTORY_YEARS + 1)))
    # a cohort: the academic year it is in the first year group taught
    for starts in range(this_year - HISTORY_YEARS - len(taught) + 1, this_year + 1):
        first, last = expected_birth_range(taught.start, date(starts, 10, 1))
        for _ in range(PER_COHORT):
            born = first + timedelta(days=rng.randrange((last - first).days + 1))
            leaves_at = taught.stop - 1
            if leaves_at == 13 and taught.start <= 11 and rng.random() > STAY_ON_SHARE:
                leaves_at = 11
            serial = f"{next(serials):05d}"
            learners.append(
                Learner(
                    upn=make_upn(f"383{establishment}{serial}"),
                    surname=rng.choice(SURNAMES),
                    forename=rng.choice(FORENAMES),
                    born=born,
                    form=rng.choice(FORMS),
                    sen=rng.choices("NKE", weights=(82, 14, 4))[0],
                    disadvantaged=rng.random() < 0.25,
                    first_year=taught.start,
                    last_year=leaves_at,
                )
            )
    return learners


def roster_in(learners: Iterable[Learner], academic_year: int, leaving_day: date | None) -> list[list[str]]:
    """The roster an MIS exports in ``academic_year``: learners on roll, and, on the last
    day of the summer term (``leaving_day``), this year's leavers with that leaving date."""
    rows = []
    for learner in learners:
        year_group = learner.year_group(academic_year)
        if not learner.first_year <= year_group <= learner.last_year:
            continue
        leaving = leaving_day if leaving_day and year_group == learner.last_year else None
        rows.append(
            [
                learner.upn,
                learner.surname,
                learner.forename,
                "",
                "",
                learner.born.strftime("%d/%m/%Y"),
                str(year_group),
                f"{year_group}{learner.form}",
                learner.sen,
                "Y" if learner.disadvantaged else "N",
                leaving.strftime("%d/%m/%Y") if leaving else "",
            ]
        )
    return rows


def import_history(
    runtime: ServiceRuntime, institution_id: str, learners: Sequence[Learner], today: date
) -> None:
    """Each July import of the history years, then this year's, as the MIS exported them."""
    this_year = academic_year_start(today)
    for academic_year in range(this_year - HISTORY_YEARS, this_year + 1):
        if academic_year < this_year:
            day = date(academic_year + 1, *LAST_DAY_OF_SUMMER_TERM)
            leaving_day: date | None = day
        else:
            day, leaving_day = today, None
        rows = roster_in(learners, academic_year, leaving_day)
        if rows:
            command = ImportRoster(
                institution_id, roster_csv(rows), file_name="mis-export.csv", actor="demo-seed"
            )
            import_roster(command, runtime, today=day)


def seed_demo_rosters(
    runtime: ServiceRuntime, institutions: Iterable[tuple[str, int | None, int | None]]
) -> int:
    """A roster with history for each (institution id, low age, high age) that teaches a
    secondary year group; returns how many learners were invented."""
    today = school_today()
    invented = 0
    with message_context(actor="demo-seed"):
        for number, (institution_id, low_age, high_age) in enumerate(institutions):
            taught = year_groups_taught(low_age, high_age)
            if not taught:
                continue
            learners = population(number + 1, taught, today, f"{9001 + number:04d}")
            import_history(runtime, institution_id, learners, today)
            invented += len(learners)
    return invented
