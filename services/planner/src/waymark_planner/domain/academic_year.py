"""Academic years (1 September to 31 August) and their terms.

Terms are the planner's simple reading: autumn 1 September to 31 December, spring
1 January to 31 March, summer 1 April to 31 August. Real term dates (and Easter) vary
by institution; an activity that needs an exact day has a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from waymark_planner.domain.vocabulary import AUTUMN, SPRING, SUMMER, TERM_LABELS, TERMS

_LABEL = re.compile(r"^(\d{4})/(\d{2})$")


class InvalidAcademicYear(ValueError):
    pass


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True, order=True)
class AcademicYear:
    """``AcademicYear("2026/27")``: 1 September 2026 to 31 August 2027."""

    label: str

    def __post_init__(self) -> None:
        match = _LABEL.match(self.label)
        if match is None or (int(match[1]) + 1) % 100 != int(match[2]):
            raise InvalidAcademicYear(f"{self.label!r} is not an academic year like 2026/27.")

    @classmethod
    def starting(cls, start_year: int) -> AcademicYear:
        return cls(f"{start_year}/{(start_year + 1) % 100:02d}")

    @classmethod
    def from_date(cls, day: date) -> AcademicYear:
        return cls.starting(day.year if day.month >= 9 else day.year - 1)

    @staticmethod
    def is_valid(label: str) -> bool:
        try:
            AcademicYear(label)
        except InvalidAcademicYear:
            return False
        return True

    @property
    def start_year(self) -> int:
        return int(self.label[:4])

    @property
    def starts(self) -> date:
        return date(self.start_year, 9, 1)

    @property
    def ends(self) -> date:
        return date(self.start_year + 1, 8, 31)

    def __str__(self) -> str:
        return self.label

    def contains(self, day: date) -> bool:
        return self.starts <= day <= self.ends

    def next(self) -> AcademicYear:
        return AcademicYear.starting(self.start_year + 1)

    def previous(self) -> AcademicYear:
        return AcademicYear.starting(self.start_year - 1)

    def term_dates(self, term: str) -> tuple[date, date]:
        """The first and last day of ``term`` in this year."""
        year = self.start_year
        if term == AUTUMN:
            return date(year, 9, 1), date(year, 12, 31)
        if term == SPRING:
            return date(year + 1, 1, 1), date(year + 1, 3, 31)
        if term == SUMMER:
            return date(year + 1, 4, 1), date(year + 1, 8, 31)
        raise ValueError(f"{term!r} is not a term: choose one of {', '.join(TERMS)}.")

    def term_end(self, term: str) -> date:
        return self.term_dates(term)[1]

    def term_of(self, day: date) -> str:
        """The term ``day`` falls in (it must be in this year)."""
        if not self.contains(day):
            raise ValueError(self.date_error())
        if day.month >= 9:
            return AUTUMN
        return SPRING if day.month <= 3 else SUMMER

    def date_error(self) -> str:
        """What a page says of a date outside this year."""
        return f"Choose a date in {self.label} ({_long(self.starts)} to {_long(self.ends)})."

    @property
    def terms(self) -> tuple[tuple[str, str, date, date], ...]:
        """Each term: id, label, first day, last day."""
        return tuple((term, TERM_LABELS[term], *self.term_dates(term)) for term in TERMS)


def term_of(day: date) -> str:
    """The term of ``day`` in whichever academic year it falls."""
    return AcademicYear.from_date(day).term_of(day)


def a_year_later(day: date) -> date:
    """The same day a year on (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)
