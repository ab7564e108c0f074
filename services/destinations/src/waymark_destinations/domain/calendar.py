"""Academic years and the dates the destination rules turn on. Pure: "today" is passed in.

An academic year runs 1 September to 31 August and is written ``"2025/26"``. A
learner's cohort is the academic year they are (or were) in Year 11; the KS4 leaving
cohort is that year, the 16–18 leaving cohort two years later. The destination year
is the academic year after the leaving year: its first two terms (October to March)
decide sustained education and employment (see ``sustained.py``).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from waymark_destinations.domain.categories import YEARS_AFTER_YEAR_11

# The functions of academic-year names are cached: a worklist asks them thousands of
# times for the same few years.

_YEAR = re.compile(r"^(\d{4})/(\d{2})$")
TRACKING_YEARS = 3  # destinations are tracked for three years after the end of KS4


def academic_year_of(day: date) -> str:
    start = day.year if day.month >= 9 else day.year - 1
    return year_name(start)


@lru_cache(maxsize=512)
def year_name(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


@lru_cache(maxsize=512)
def start_year(academic_year: str) -> int:
    """``"2025/26"`` → 2025 (the calendar year it starts in)."""
    match = _YEAR.match(academic_year)
    if match is None:
        raise ValueError(f"{academic_year!r} is not an academic year like 2025/26")
    return int(match.group(1))


@lru_cache(maxsize=512)
def leaving_cohort(cohort: str, leaving_point: str) -> str:
    """The academic year the learner reaches the leaving point in."""
    return year_name(start_year(cohort) + YEARS_AFTER_YEAR_11[leaving_point])


@lru_cache(maxsize=512)
def end_of_leaving_year(leaving_year: str) -> date:
    """The end of the summer term in which learners leave (31 July)."""
    return date(start_year(leaving_year) + 1, 7, 31)


@lru_cache(maxsize=512)
def destination_year(leaving_year: str) -> str:
    return year_name(start_year(leaving_year) + 1)


@lru_cache(maxsize=512)
def tracking_ends(cohort: str) -> date:
    """Three years after the end of Key Stage 4 (the learner's Year 11 cohort)."""
    return date(start_year(cohort) + 1 + TRACKING_YEARS, 7, 31)


@lru_cache(maxsize=512)
def september_guarantee_deadline(leaving_year: str) -> date:
    """The end of September after leaving: the offer is due by then."""
    return date(start_year(leaving_year) + 1, 9, 30)


def years_ago(leaving_year: str, today: date) -> int:
    return start_year(academic_year_of(today)) - start_year(leaving_year)
