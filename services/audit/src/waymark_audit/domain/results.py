"""What a careers leader reads from scored evaluations: the change in each benchmark
since the previous evaluation, the criteria not yet achieved with suggested actions, and
the history by academic year with the formal termly snapshots (the latest completed
evaluation as at 31 December, 31 March and 31 July).

Rules and worked examples: ``services/audit/docs/scoring.md``. Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from waymark_audit.domain.frameworks import Criterion, Framework
from waymark_audit.domain.scoring import ACHIEVED, Result

T = TypeVar("T")

# Snapshot dates are days in England: a completion time is read in UK time.
SCHOOL_TIME = ZoneInfo("Europe/London")
_ACADEMIC_YEAR = re.compile(r"(\d{4})/(\d{2})")


def change_since(previous: Result | None, current: Result) -> dict[int, int | None]:
    """Percentage points gained (or lost, negative) in each benchmark since ``previous``.

    ``None`` for every benchmark when there is no previous evaluation, or when the two were
    scored against different frameworks or evaluation types (their criteria differ, so the
    percentages measure different things); ``None`` for a benchmark that either leaves
    unscored (no criterion applies)."""
    comparable = (
        previous is not None
        and previous.framework_id == current.framework_id
        and previous.evaluation_type == current.evaluation_type
    )
    before = {b.number: b.percentage for b in previous.benchmarks} if comparable and previous else {}
    changes: dict[int, int | None] = {}
    for benchmark in current.benchmarks:
        earlier = before.get(benchmark.number)
        if earlier is None or benchmark.percentage is None:
            changes[benchmark.number] = None
        else:
            changes[benchmark.number] = benchmark.percentage - earlier
    return changes


def suggested_actions(
    framework: Framework, evaluation_type: str, result: Result
) -> list[tuple[Criterion, tuple[str, ...]]]:
    """Each criterion not yet achieved, in framework order, with its suggested actions."""
    if result.framework_id != framework.id or result.evaluation_type != evaluation_type:
        raise ValueError(
            f"the result is for {result.framework_id}/{result.evaluation_type}, not {framework.id}/{evaluation_type}"
        )
    status = {c.criterion_id: c.status for b in result.benchmarks for c in b.criteria}
    return [
        (criterion, criterion.suggested_actions)
        for benchmark in framework.for_type(evaluation_type).benchmarks
        for criterion in benchmark.criteria
        if status.get(criterion.id) != ACHIEVED
    ]


def academic_year(day: date) -> str:
    """The academic year a day falls in, 1 September to 31 August: ``"2025/26"``."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def termly_snapshot_dates(academic_year: str) -> tuple[date, date, date]:
    """31 December, 31 March and 31 July of an academic year such as ``"2025/26"``."""
    start = _start_year(academic_year)
    return date(start, 12, 31), date(start + 1, 3, 31), date(start + 1, 7, 31)


def termly_snapshots(
    completed: Sequence[tuple[datetime, T]], academic_year: str, as_of: date | None = None
) -> dict[date, T | None]:
    """The latest evaluation completed as at each snapshot date of ``academic_year``, from
    ``(completed_at, evaluation)`` pairs in any order.

    "As at" a date includes the whole of that day in UK time, and the latest may have been
    completed in an earlier academic year. ``None``: nothing completed yet by then, or the
    date is after ``as_of`` (a snapshot not yet taken)."""
    ordered = sorted(enumerate(completed), key=lambda item: (_utc(item[1][0]), item[0]))
    snapshots: dict[date, T | None] = {}
    for day in termly_snapshot_dates(academic_year):
        latest = None
        if as_of is None or day <= as_of:
            for _, (completed_at, evaluation) in ordered:
                if school_day(completed_at) <= day:
                    latest = evaluation
        snapshots[day] = latest
    return snapshots


def school_day(moment: datetime) -> date:
    """The day in England a moment falls on; a naive datetime is taken as UTC."""
    return _utc(moment).astimezone(SCHOOL_TIME).date()


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _start_year(academic_year: str) -> int:
    match = _ACADEMIC_YEAR.fullmatch(academic_year)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError(f"not an academic year such as 2025/26: {academic_year!r}")
    return int(match[1])


def by_academic_year(completed: Sequence[tuple[datetime, T]]) -> dict[str, list[T]]:
    """Evaluations grouped by the academic year they were completed in (UK time): the
    latest year first and, within a year, the latest evaluation first."""
    ordered = sorted(enumerate(completed), key=lambda item: (_utc(item[1][0]), item[0]), reverse=True)
    years: dict[str, list[T]] = {}
    for _, (completed_at, evaluation) in ordered:
        years.setdefault(academic_year(school_day(completed_at)), []).append(evaluation)
    return years
