"""When a destination can be judged sustained, by the DfE definitions (domain.md §4).

Participation over a six-month period in the destination year (the academic year after
leaving):

* education: all of the first two terms, October to March, at one or more providers;
* employment: five of the six months October to March;
* a combination of the two (a learner who moved between education and employment):
  the same October-to-March window;
* apprenticeships: six months at any time in the academic year (August to July).

So a judgement, sustained or not, may be recorded only once its period has passed:
from 1 April of the destination year for education, employment and combinations, and
six months after the start for an apprenticeship. A destination that began too late to
fill its period cannot be sustained (it may be judged not sustained once the period
has passed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from waymark_destinations.domain.calendar import destination_year, start_year
from waymark_destinations.domain.categories import APPRENTICESHIP, BY_CODE, EMPLOYMENT

SUSTAINED, NOT_SUSTAINED, PENDING = "sustained", "not_sustained", "pending"
EMPLOYMENT_MONTHS_NEEDED = 5


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Period:
    """The period a destination must be kept up for, and the day it can be judged."""

    starts: date
    ends: date  # the last day of the period
    rule: str  # the definition, in words

    @property
    def judged_from(self) -> date:
        return self.ends + timedelta(days=1)


def period_for(category: str, start_date: date, leaving_year: str) -> Period:
    group = BY_CODE[category].group
    year = start_year(destination_year(leaving_year))
    if group == APPRENTICESHIP:
        begins = max(start_date, date(year, 8, 1))
        return Period(begins, add_months(begins, 6) - timedelta(days=1), "six months on the apprenticeship")
    rule = (
        "five of the six months October to March in employment"
        if group == EMPLOYMENT
        else "all of the first two terms, October to March, in education"
    )
    return Period(date(year, 10, 1), date(year + 1, 3, 31), rule)


def why_it_cannot_be_sustained(category: str, start_date: date, leaving_year: str) -> str | None:
    """Why a destination that started on ``start_date`` cannot meet its definition."""
    group = BY_CODE[category].group
    period = period_for(category, start_date, leaving_year)
    if group == APPRENTICESHIP:
        year_end = date(start_year(destination_year(leaving_year)) + 1, 7, 31)
        if period.ends > year_end:
            return "An apprenticeship must last six months within the academic year (August to July)."
        return None
    if group == EMPLOYMENT:
        latest = add_months(period.starts, 6 - EMPLOYMENT_MONTHS_NEEDED)
        if start_date > latest:
            return f"Employment that began after {latest:%-d %B %Y} cannot fill five of the six months."
        return None
    if start_date > period.starts:
        return f"Education that began after {period.starts:%-d %B %Y} did not cover all of October to March."
    return None
