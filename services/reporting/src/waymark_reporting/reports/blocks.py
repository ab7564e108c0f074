"""Blocks more than one report shows: Provider Access compliance per cohort, evidence
shares per year group, ratings and delivered activities (aggregates only: no learner)."""

from __future__ import annotations

from typing import Any

from waymark_reporting.domain.vocabulary import activity_type_label
from waymark_reporting.exports.document import Chart, Table
from waymark_reporting.wording import day

# BM5 to BM8 measures as the dashboard shows them (key, benchmark, heading).
EVIDENCE_COLUMNS = (
    ("employer_this_year", "BM5", "Employer encounter this year"),
    ("workplace_by_16", "BM6", "Workplace experience by 16"),
    ("workplace_by_18", "BM6", "Further workplace experience by 18"),
    ("provider_by_16", "BM7", "FE, HE or technical provider by 16"),
    ("providers_by_16", "BM7", "All three by 16"),
    ("guidance_by_16", "BM8", "Guidance meeting by 16"),
    ("guidance_by_18", "BM8", "Further guidance meeting by 18"),
)


def phase_text(phase: dict[str, Any]) -> str:
    """One cohort's phase as a sentence a reader can act on."""
    if phase["status"] == "not_open":
        return f"Opens {day(phase['opens'])}"
    if phase["status"] == "open":
        if phase["still_needing"]:
            return f"{phase['still_needing']} still need encounters by {day(phase['deadline'])}; {phase['met']} met"
        return f"All {phase['met']} met"
    if phase["missed"]:
        return (
            f"{phase['missed']} missed; {phase['met']} of {phase['learners']} met by {day(phase['deadline'])}"
        )
    return f"Met: {phase['met']} of {phase['learners']}"


def provider_access_table(rows: list[dict[str, Any]]) -> Table:
    return Table(
        "Provider Access Legislation: encounters with technical education and apprenticeship providers, per cohort",
        (
            "Cohort",
            "Learners",
            "First: Year 8, or by 28 February of Year 9",
            "Second: Year 10, or by 28 February of Year 11",
            "Third: Years 12 and 13 (offered)",
        ),
        tuple(
            (f"Year {row['year_group']}", row["learners"], *(phase_text(p) for p in row["phases"]))
            for row in rows
        ),
        numeric=frozenset({1}),
        empty="Reporting knows of no learner on roll.",
    )


def _measure(share: dict[str, Any] | None) -> int | None:
    return None if share is None else share["percentage"]


def evidence_table(rows: list[dict[str, Any]]) -> Table:
    return Table(
        "Learners who have had each kind of encounter, by year group",
        ("Year group", "Learners", *(f"{bm}: {label} (%)" for _, bm, label in EVIDENCE_COLUMNS), "None of these"),
        tuple(
            (
                f"Year {row['year_group']}",
                row["learners"],
                *(_measure(row["measures"][key]) for key, _, _ in EVIDENCE_COLUMNS),
                row["with_none"],
            )
            for row in rows
        ),
        numeric=frozenset(range(1, len(EVIDENCE_COLUMNS) + 3)),
        empty="Reporting knows of no learner on roll: import the roster in directory.",
    )


def ratings_table(rated: list[dict[str, Any]], caption: str = "Evaluation ratings, highest first") -> Table:
    return Table(
        caption,
        ("Activity", "Type", "Delivered", "Average rating (out of 5)", "Responses"),
        tuple(
            (
                r["title"],
                r.get("activity_type_label") or activity_type_label(r["activity_type"]),
                day(r["delivered_on"]),
                round(r["average_rating"], 1),
                r["respondents"],
            )
            for r in rated
        ),
        numeric=frozenset({3, 4}),
        empty="No delivered activity has been evaluated yet.",
    )


def delivered_table(delivered: list[dict[str, Any]], caption: str) -> Table:
    return Table(
        caption,
        ("Delivered", "Activity", "Type", "Benchmarks", "Year groups", "Participants", "Provider Access"),
        tuple(
            (
                day(a["delivered_on"]),
                a["title"],
                activity_type_label(a["activity_type"]),
                ", ".join(f"BM{n}" for n in a["benchmarks"]) or "–",
                ", ".join(str(y) for y in a["year_groups"]) or "–",
                a["named"] + a["counted"],
                "Yes" if a["provider_access"] else "No",
            )
            for a in delivered
        ),
        numeric=frozenset({5}),
        empty="No activity delivered yet.",
    )


def delivery_by_benchmark_chart(by_benchmark: list[dict[str, Any]], academic_year: str) -> Chart:
    return Chart(
        f"Activities planned and delivered in {academic_year}, by benchmark",
        "bar",
        tuple(f"BM{row['benchmark']}" for row in by_benchmark),
        (
            ("Planned", tuple(float(row["planned"]) for row in by_benchmark)),
            ("Delivered", tuple(float(row["delivered"]) for row in by_benchmark)),
        ),
        y_label="Activities",
    )
