"""The plan page's two views, by term and by benchmark, made ready to show.

A plan may have hundreds of activities, and the page lists each in one or more
sections: every row's words and link are worked out here once, so the template only
loops (rendering a macro per cell was most of the page's time)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from flask import url_for

from waymark_planner.domain import vocabulary
from waymark_planner.domain.academic_year import AcademicYear
from waymark_planner.entrypoints.pages_common import STATUS_TAGS, when_text, year_groups_text

VIEWS = ("term", "benchmark")
_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


def counts(activities: list[dict[str, Any]]) -> dict[str, int]:
    """Planned counts every activity not cancelled, delivered or not."""
    counted = Counter(activity["status"] for activity in activities)
    return {
        "planned": counted[vocabulary.PLANNED] + counted[vocabulary.DELIVERED],
        "delivered": counted[vocabulary.DELIVERED],
        "cancelled": counted[vocabulary.CANCELLED],
        "participants": sum(
            a.get("participant_count") or 0 for a in activities if a["status"] == vocabulary.DELIVERED
        ),
    }


def rows(activities: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each activity's row, by id."""
    link = url_for("planner_pages.activity", activity_id=_PLACEHOLDER)
    found = {}
    for activity in activities:
        benchmarks = activity.get("benchmarks") or []
        kind = vocabulary.activity_type_label(activity["activity_type"])
        if benchmarks:
            kind += (
                f" · Benchmark{'s' if len(benchmarks) > 1 else ''} {', '.join(str(b) for b in benchmarks)}"
            )
        delivered = activity["status"] == vocabulary.DELIVERED
        found[activity["activity_id"]] = {
            "href": link.replace(_PLACEHOLDER, activity["activity_id"]),
            "title": activity["title"],
            "kind": kind,
            "years": year_groups_text(activity.get("year_groups")),
            "when": when_text(activity),
            "status": vocabulary.STATUS_LABELS[activity["status"]],
            "tag": STATUS_TAGS[activity["status"]],
            "took_part": activity.get("participant_count") or 0 if delivered else "–",
        }
    return found


def _order(activity: dict[str, Any]) -> tuple[str, str]:
    return (str(activity.get("delivered_on") or activity.get("date") or "9999"), activity["title"].lower())


def term_of(activity: dict[str, Any], year: AcademicYear) -> str | None:
    """The term it happened in (once delivered), else the term it is planned for."""
    when = activity.get("delivered_on") or activity.get("date")
    if when:
        day = date.fromisoformat(str(when)[:10])
        if year.contains(day):
            return year.term_of(day)
    return activity.get("term")


def by_term(plan: dict[str, Any]) -> list[dict[str, Any]]:
    year = AcademicYear(plan["academic_year"])
    terms = [(term_of(a, year), a) for a in plan["activities"]]
    sections = []
    for term, label, first, last in year.terms:
        mine = sorted((a for of, a in terms if of == term), key=_order)
        sections.append(
            {
                "id": f"term-{term}",
                "title": label,
                "dates": (first, last),
                "activities": mine,
                "counts": counts(mine),
            }
        )
    return sections


def by_benchmark(plan: dict[str, Any]) -> list[dict[str, Any]]:
    sections = []
    for number, title in vocabulary.BENCHMARK_TITLES.items():
        mine = sorted((a for a in plan["activities"] if number in (a.get("benchmarks") or ())), key=_order)
        sections.append(
            {"id": f"benchmark-{number}", "title": f"Benchmark {number}: {title}", "short": f"{number}. {title}",
             "activities": mine, "counts": counts(mine)}
        )  # fmt: skip
    untagged = sorted((a for a in plan["activities"] if not a.get("benchmarks")), key=_order)
    if untagged:
        sections.append(
            {"id": "benchmark-none", "title": "No benchmark given", "short": "No benchmark given",
             "activities": untagged, "counts": counts(untagged)}
        )  # fmt: skip
    return sections
