"""Academic years (1 September to 31 August) and where a learner's cohort puts them.

A learner's cohort is the academic year they are (were, will be) in Year 11, e.g.
``"2027/28"``, as directory's roster gives it: it does not change as they move up, so
the year group they were in on any day follows from it.
"""

from __future__ import annotations

from datetime import date


def academic_start_year(day: date) -> int:
    """2026 for any day from 1 September 2026 to 31 August 2027."""
    return day.year if day.month >= 9 else day.year - 1


def academic_year(day: date) -> str:
    """``"2026/27"`` for a day in it."""
    start = academic_start_year(day)
    return f"{start}/{(start + 1) % 100:02d}"


def year_start(label: str) -> date:
    return date(int(label[:4]), 9, 1)


def cohort_start_year(cohort: str) -> int:
    """The calendar year the cohort's Year 11 begins in: 2027 for ``"2027/28"``."""
    return int(cohort[:4])


def year_group_on(cohort: str, day: date) -> int:
    """The year group a learner of ``cohort`` was in on ``day`` (Year 11 in the cohort's
    own academic year, Year 10 the year before, and so on)."""
    return 11 - (cohort_start_year(cohort) - academic_start_year(day))
