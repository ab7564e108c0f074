"""What the reports share: reading one in one connection, the freshness line and
section every report carries, the benchmark tables, percentages, plan years and terms."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from waymark_reporting.domain.calendar import academic_year
from waymark_reporting.domain.vocabulary import BENCHMARK_TITLES, BENCHMARKS
from waymark_reporting.exports.document import Chart, Document, Paragraph, Section, Table
from waymark_reporting.reports.queries import delivered_activities, plan_objectives
from waymark_reporting.views import benchmarks, delivery, reading
from waymark_reporting.views import freshness as freshness_views
from waymark_reporting.views.dashboard import institution
from waymark_reporting.wording import day, duration, when
from waymark_shared.service import ServiceRuntime

Builder = Callable[[Connection, dict[str, Any], datetime], Document]


@dataclass(frozen=True)
class Programme:
    """What every report starts from: the benchmark history and its latest results, the
    plan year shown (this year's, else the latest), its delivery, delivered activities
    and written objectives."""

    history: list[dict[str, Any]]
    latest: dict[str, Any] | None
    plan_year: str | None
    plan: dict[str, Any] | None
    delivered: list[dict[str, Any]]
    objectives: list[str]


def programme(conn: Connection, institution_id: str, today: date) -> Programme:
    history = benchmarks.evaluation_history(conn, institution_id)
    chosen = plan_year(delivery.plan_years(conn, institution_id), today)
    return Programme(
        history,
        benchmarks.latest_results(history),
        chosen,
        delivery.delivery(conn, institution_id, chosen) if chosen else None,
        delivered_activities(conn, institution_id, chosen) if chosen else [],
        plan_objectives(conn, institution_id, chosen) if chosen else [],
    )


@dataclass(frozen=True)
class Report:
    """A report's document, and how current the read models were (for the page's panel)."""

    document: Document
    freshness: dict[str, Any]


def read(runtime: ServiceRuntime, institution_id: str, builder: Builder, now: datetime) -> Report | None:
    """``builder``'s report of the institution, read in one connection (None: unknown)."""
    with reading(runtime) as conn:
        found = institution(conn, institution_id)
        if found is None:
            return None
        current = freshness_views.freshness(conn, now)
        document = builder(conn, found, now)
    return Report(_with_freshness(document, current), current)


def _with_freshness(document: Document, current: dict[str, Any]) -> Document:
    return replace(document, as_of=as_of(current), sections=(*document.sections, freshness_section(current)))


def as_of(current: dict[str, Any]) -> str:
    applied = [s["applied_at"] for s in current["sources"] if s["applied_at"]]
    lags = [s["lag_seconds"] for s in current["sources"] if s["lag_seconds"] is not None]
    if not applied:
        return f"As of {when(current['checked_at'])}: no events applied yet."
    lag = f"; the longest lag {duration(max(lags))}" if lags else ""
    return (
        f"As of {when(current['checked_at'])}: up to date with events applied by {when(max(applied))}{lag}."
    )


def freshness_section(current: dict[str, Any]) -> Section:
    rows = tuple(
        (
            s["label"],
            s["last_event_type"] or "Nothing applied yet",
            when(s["last_event_time"]) or "–",
            when(s["applied_at"]) or "–",
            duration(s["lag_seconds"]) if s["lag_seconds"] is not None else "–",
        )
        for s in current["sources"]
    )
    table = Table(
        "Last event applied from each source", ("Source", "Last event", "Recorded", "Applied", "Lag"), rows
    )
    note = Paragraph(
        "Reporting is rebuilt from every service's events, so it may be a few seconds behind them. "
        "The lag is how long after the service recorded its last event reporting applied it.",
        "note",
    )
    return Section("How current this is", (table, note), "freshness")


def percent(value: int | float | None) -> str:
    return "–" if value is None else f"{round(value)}%"


def share_of(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def plan_year(years: list[str], today: date) -> str | None:
    """This academic year's plan, else the latest (None: no plan)."""
    current = academic_year(today)
    return current if current in years else (years[0] if years else None)


TERM_STARTS = (("autumn", 9, 1), ("spring", 1, 1), ("summer", 4, 1))


def term_of(today: date) -> tuple[str, date]:
    """The term ``today`` is in and the day it began (autumn from 1 September, spring
    from 1 January, summer from 1 April: Easter moves, so the report takes 1 April)."""
    if today.month >= 9:
        return "autumn", date(today.year, 9, 1)
    if today.month <= 3:
        return "spring", date(today.year, 1, 1)
    return "summer", date(today.year, 4, 1)


def evaluation_on(history: list[dict[str, Any]], moment: str) -> dict[str, Any] | None:
    """The latest evaluation completed before ``moment`` (an ISO date or time)."""
    before = [h for h in history if h["completed_at"][:10] < moment[:10]]
    return before[-1] if before else None


def latest_benchmarks_table(latest: dict[str, Any]) -> Table:
    rows = tuple(
        (
            f"{b['number']}. {b['title']}",
            b["percentage"],
            "Does not apply"
            if b["percentage"] is None
            else ("Achieved" if b["achieved"] else "Not yet achieved"),
        )
        for b in latest["benchmarks"]
    )
    caption = f"Latest evaluation, completed {day(latest['completed_at'])}: criteria achieved (%)"
    return Table(caption, ("Benchmark", "Criteria achieved (%)", "Status"), rows, numeric=frozenset({1}))


def trend_chart(history: list[dict[str, Any]], *, last: int = 6) -> Chart:
    points = history[-last:]
    series = ((f"BM{n}", tuple(p["percentages"][n] for p in points)) for n in BENCHMARKS)
    return Chart(
        "Benchmark results across evaluations (criteria achieved, %)",
        "line",
        tuple(day(p["completed_at"]) for p in points),
        # A benchmark that applies to none of them (a special school's, say) is left out.
        tuple((name, values) for name, values in series if any(v is not None for v in values)),
        unit="%",
        y_label="Criteria achieved (%)",
    )


def benchmark_title(number: int) -> str:
    return f"{number}. {BENCHMARK_TITLES[number]}"
