"""Academic years run 1 September to 31 August; terms are autumn (September to
December), spring (January to March) and summer (April to August)."""

from __future__ import annotations

from datetime import date

import pytest

from waymark_planner.domain.academic_year import AcademicYear, InvalidAcademicYear, a_year_later, term_of


def test_a_year_runs_from_the_first_of_september_to_the_end_of_august():
    year = AcademicYear("2026/27")
    assert (year.starts, year.ends) == (date(2026, 9, 1), date(2027, 8, 31))
    assert year.contains(date(2026, 9, 1)) and year.contains(date(2027, 8, 31))
    assert not year.contains(date(2026, 8, 31)) and not year.contains(date(2027, 9, 1))
    assert (str(year.previous()), str(year.next())) == ("2025/26", "2027/28")
    assert AcademicYear("1999/00").ends == date(2000, 8, 31)


@pytest.mark.parametrize(
    ("day", "label"),
    [(date(2026, 9, 1), "2026/27"), (date(2027, 8, 31), "2026/27"), (date(2026, 8, 31), "2025/26")],
)
def test_the_year_of_a_day(day, label):
    assert AcademicYear.from_date(day).label == label


@pytest.mark.parametrize(
    ("day", "term"),
    [
        (date(2026, 9, 1), "autumn"),
        (date(2026, 12, 31), "autumn"),
        (date(2027, 1, 1), "spring"),
        (date(2027, 3, 31), "spring"),
        (date(2027, 4, 1), "summer"),
        (date(2027, 8, 31), "summer"),
    ],
)
def test_the_term_of_a_day(day, term):
    assert AcademicYear("2026/27").term_of(day) == term == term_of(day)


def test_terms_and_their_dates():
    year = AcademicYear("2026/27")
    assert [(t, first, last) for t, _, first, last in year.terms] == [
        ("autumn", date(2026, 9, 1), date(2026, 12, 31)),
        ("spring", date(2027, 1, 1), date(2027, 3, 31)),
        ("summer", date(2027, 4, 1), date(2027, 8, 31)),
    ]
    assert year.term_end("spring") == date(2027, 3, 31)
    with pytest.raises(ValueError, match="Choose a date in 2026/27"):
        year.term_of(date(2027, 9, 1))


def test_the_message_for_a_day_outside_the_year():
    assert (
        AcademicYear("2026/27").date_error()
        == "Choose a date in 2026/27 (1 September 2026 to 31 August 2027)."
    )


@pytest.mark.parametrize("label", ["2026/28", "2026-27", "2026", "26/27", "", "2026/27 "])
def test_only_consecutive_years_written_like_2026_27_are_years(label):
    assert not AcademicYear.is_valid(label)
    with pytest.raises(InvalidAcademicYear):
        AcademicYear(label)


def test_a_year_later_keeps_the_day_or_the_last_of_february():
    assert a_year_later(date(2026, 10, 14)) == date(2027, 10, 14)
    assert a_year_later(date(2028, 2, 29)) == date(2029, 2, 28)
