"""The evaluation report: which activities were delivered and how they were rated (best
first), and for each benchmark how its evidence moved: the result at the evaluation in
force when the first activity aimed at it was delivered, against the latest evaluation
completed since (audit's evaluation history)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from waymark_reporting.domain.vocabulary import BENCHMARKS, activity_type_label
from waymark_reporting.exports.document import Chart, Document, KeyFigures, Paragraph, Section, Table
from waymark_reporting.reports import common
from waymark_reporting.wording import day
from waymark_shared.service import ServiceRuntime


def evaluation_report(runtime: ServiceRuntime, institution_id: str, *, now: datetime) -> Document | None:
    report = common.read(runtime, institution_id, build, now)
    return report.document if report else None


def build(conn: Connection, found: dict[str, Any], now: datetime) -> Document:
    institution_id = found["institution_id"]
    read = common.programme(conn, institution_id, now.date())
    chosen, delivered, history = read.plan_year, read.delivered, read.history
    sections = (_ratings(chosen, delivered), _movement(delivered, history))
    return Document(
        kind="evaluation-report",
        title="Evaluation report",
        institution_name=found["name"],
        institution_id=institution_id,
        subtitle=f"What was delivered in {chosen or 'the plan'}, how it was rated, and how benchmark evidence moved",
        as_of="",
        sections=sections,
    )


def best_rated(delivered: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rated ones best first (more responses first among equals), then those not rated."""
    rated = sorted(
        (a for a in delivered if a["average_rating"] is not None),
        key=lambda a: (-a["average_rating"], -a["respondents"], a["delivered_on"] or "", a["title"]),
    )
    return rated + [a for a in delivered if a["average_rating"] is None]


def _ratings(year: str | None, delivered: list[dict[str, Any]]) -> Section:
    if not delivered:
        return Section(
            "Activities and ratings", (Paragraph("No activity has been delivered yet."),), "ratings"
        )
    ordered = best_rated(delivered)
    rated = [a for a in ordered if a["average_rating"] is not None]
    respondents = sum(a["respondents"] for a in rated)
    average = (
        sum(a["average_rating"] * a["respondents"] for a in rated) / respondents if respondents else None
    )
    figures = KeyFigures(
        (
            ("Delivered", str(len(delivered)), f"activities in {year}"),
            ("Evaluated", str(len(rated)), f"{respondents} responses"),
            (
                "Average rating",
                f"{average:.1f} out of 5" if average is not None else "–",
                "weighted by responses",
            ),
        )
    )
    table = Table(
        "Delivered activities, best rated first",
        (
            "Activity",
            "Type",
            "Delivered",
            "Benchmarks",
            "Participants",
            "Average rating (out of 5)",
            "Responses",
        ),
        tuple(
            (
                a["title"],
                activity_type_label(a["activity_type"]),
                day(a["delivered_on"]),
                ", ".join(f"BM{n}" for n in a["benchmarks"]) or "–",
                a["named"] + a["counted"],
                round(a["average_rating"], 1) if a["average_rating"] is not None else None,
                a["respondents"],
            )
            for a in ordered
        ),
        numeric=frozenset({4, 5, 6}),
    )
    chart = Chart(
        "Average rating of the best-rated activities (out of 5)",
        "bar",
        tuple(a["title"] for a in rated[:10]),
        (("Average rating", tuple(round(a["average_rating"], 2) for a in rated[:10])),),
        y_label="Rating (1 to 5)",
    )
    blocks = (figures, table, chart) if rated else (figures, table)
    return Section("Activities and ratings", blocks, "ratings")


def movement(delivered: list[dict[str, Any]], history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per benchmark with delivered activities aimed at it: how many, the first day, the
    evaluation before it and the latest since, and the change in percentage points."""
    rows = []
    for number in BENCHMARKS:
        aimed = [a for a in delivered if number in a["benchmarks"]]
        if not aimed:
            continue
        first = min(a["delivered_on"] for a in aimed)
        before = common.evaluation_on(history, first)
        since = [h for h in history if h["completed_at"][:10] >= first]
        after = since[-1] if since else None
        was = before["percentages"][number] if before else None
        now = after["percentages"][number] if after else None
        rows.append(
            {
                "benchmark": number,
                "activities": len(aimed),
                "first_delivered": first,
                "before": before,
                "after": after,
                "before_percentage": was,
                "after_percentage": now,
                "change": now - was if now is not None and was is not None else None,
            }
        )
    return rows


def _movement(delivered: list[dict[str, Any]], history: list[dict[str, Any]]) -> Section:
    rows = movement(delivered, history)
    table = Table(
        "Benchmark evidence before and after the activities aimed at it (criteria achieved, %)",
        (
            "Benchmark",
            "Activities",
            "First delivered",
            "Before",
            "Before (%)",
            "After",
            "After (%)",
            "Change (points)",
        ),
        tuple(
            (
                common.benchmark_title(r["benchmark"]),
                r["activities"],
                day(r["first_delivered"]),
                day(r["before"]["completed_at"]) if r["before"] else "No evaluation before",
                r["before_percentage"],
                day(r["after"]["completed_at"]) if r["after"] else "No evaluation since",
                r["after_percentage"],
                r["change"],
            )
            for r in rows
        ),
        numeric=frozenset({1, 4, 6, 7}),
        empty="No delivered activity is aimed at a benchmark yet.",
    )
    chart = Chart(
        "Benchmark evidence before and after the activities (%)",
        "bar",
        tuple(f"BM{r['benchmark']}" for r in rows),
        (
            ("Before", tuple(r["before_percentage"] for r in rows)),
            ("After", tuple(r["after_percentage"] for r in rows)),
        ),
        unit="%",
        y_label="Criteria achieved (%)",
    )
    note = Paragraph(
        "Before: the evaluation in force when the first activity for the benchmark was delivered. After: the "
        "latest evaluation completed since. Other things change a benchmark too, so this shows movement, not cause.",
        "note",
    )
    return Section(
        "How benchmark evidence moved", (table, chart, note) if rows else (table, note), "movement"
    )
