"""Suggested activities from an evaluation's gaps: one for each criterion the latest
completed evaluation found not achieved, with its benchmark and criterion, the year
groups it is for and the date to achieve it by (the end of the term the catalogue
suggests, in the plan's year; never a day already past in the current year).

Pure: the catalogue (criterion id to a suggested activity) and today are passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from waymark_planner.domain.academic_year import AcademicYear
from waymark_planner.domain.vocabulary import BENCHMARK_TITLES, TERMS, YEAR_GROUPS

ACHIEVED = "achieved"
# Colleges and training providers: learners in the first and second year of a 16-19 programme.
FE_ITP = "fe_itp"
FE_YEAR_GROUPS = (12, 13)

# When the catalogue has no entry for a criterion (a framework newer than it).
_FALLBACK_TYPE = {
    1: "other",
    2: "lmi_session",
    3: "mentoring",
    4: "curriculum_lesson",
    5: "employer_talk",
    6: "workplace_visit",
    7: "fe_visit",
    8: "guidance_meeting",
}


@dataclass(frozen=True)
class CatalogueEntry:
    """What the planner suggests for a criterion not achieved."""

    criterion_id: str
    criterion_title: str  # short: "Every pupil has an employer encounter every year"
    title: str  # the suggested activity
    activity_type: str
    year_groups: tuple[int, ...]
    term: str


@dataclass(frozen=True)
class Suggestion:
    criterion_id: str
    benchmark: int
    criterion_title: str
    criterion_status: str
    title: str
    activity_type: str
    year_groups: tuple[int, ...]
    term: str
    achieve_by: date


def fallback_entry(criterion_id: str, benchmark: int) -> CatalogueEntry:
    return CatalogueEntry(
        criterion_id,
        f"Benchmark {benchmark}, criterion {criterion_id}",
        f"An activity towards criterion {criterion_id}: {BENCHMARK_TITLES.get(benchmark, '')}".rstrip(": "),
        _FALLBACK_TYPE.get(benchmark, "other"),
        (),
        "summer",
    )


def _when(year: AcademicYear, term: str, today: date) -> tuple[str, date]:
    """The term and achieve-by date: the end of ``term``, or, in the current year, of
    the term we are in when ``term`` is over."""
    if year.contains(today) and year.term_end(term) < today:
        term = year.term_of(today)
    return term, year.term_end(term)


def _year_groups(entry: CatalogueEntry, evaluation_type: str) -> tuple[int, ...]:
    if evaluation_type == FE_ITP:
        return tuple(y for y in entry.year_groups if y in FE_YEAR_GROUPS) or FE_YEAR_GROUPS
    return tuple(y for y in entry.year_groups if y in YEAR_GROUPS)


def suggest(
    criteria: Iterable[Mapping[str, Any]],
    catalogue: Mapping[str, CatalogueEntry],
    year: AcademicYear,
    today: date,
    evaluation_type: str = "school",
) -> list[Suggestion]:
    """One suggestion per criterion result (``{"criterion_id", "benchmark", "status"}``)
    not achieved, in criterion order."""
    gaps = [c for c in criteria if c["status"] != ACHIEVED]
    gaps.sort(key=lambda c: tuple(int(part) for part in str(c["criterion_id"]).split(".")))
    found = []
    for criterion in gaps:
        criterion_id = str(criterion["criterion_id"])
        benchmark = int(criterion.get("benchmark") or criterion_id.split(".", 1)[0])
        entry = catalogue.get(criterion_id) or fallback_entry(criterion_id, benchmark)
        term, achieve_by = _when(year, entry.term if entry.term in TERMS else "summer", today)
        found.append(
            Suggestion(
                criterion_id=criterion_id,
                benchmark=benchmark,
                criterion_title=entry.criterion_title,
                criterion_status=str(criterion["status"]),
                title=entry.title,
                activity_type=entry.activity_type,
                year_groups=_year_groups(entry, evaluation_type),
                term=term,
                achieve_by=achieve_by,
            )
        )
    return found
