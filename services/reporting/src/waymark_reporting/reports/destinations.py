"""Destinations per leaving cohort against the national shape, and the sustained rate
over the last three leaving cohorts: a report of its own and the Ofsted pack's
destinations section.

Per cohort (the learners destinations knows of at that leaving point): the share in
each DfE group (a destination judged not sustained, and NEET, count as not sustained;
no destination recorded and Not Known as not captured, as destinations' own export
does); the **sustained rate** is the sustained among those whose outcome is known (a
destination not judged yet is left out until it can be), shown only once one has been
judged.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from waymark_reporting.domain import national
from waymark_reporting.exports.document import Chart, Document, KeyFigures, Paragraph, Section, Table
from waymark_reporting.reports import common
from waymark_reporting.reports.common import percent, share_of
from waymark_reporting.reports.queries import destination_counts
from waymark_shared.service import ServiceRuntime

KS4, POST_16 = national.KS4, "16-18"
LEAVING_POINTS = {KS4: "at the end of Year 11 (Key Stage 4)", POST_16: "at the end of Year 13 (16 to 18)"}
COHORTS_SHOWN = 3
SUSTAINABLE = {*national.EDUCATION_GROUPS, national.APPRENTICESHIPS, national.EMPLOYMENT}


@dataclass
class CohortDestinations:
    leaving_point: str
    cohort: str
    learners: int = 0
    groups: Counter = field(default_factory=Counter)
    sustained: int = 0
    judged: int = 0
    to_be_judged: int = 0
    none_recorded: int = 0

    @property
    def sustained_rate(self) -> int | None:
        known = self.learners - self.to_be_judged
        return share_of(self.sustained, known) if self.judged and known else None

    def share(self, group: str) -> int | None:
        return share_of(self.groups[group], self.learners)


def cohorts(conn: Connection, institution_id: str) -> dict[str, list[CohortDestinations]]:
    """Per leaving point, its last three leaving cohorts, newest first."""
    found: dict[tuple[str, str], CohortDestinations] = {}
    for row in destination_counts(conn, institution_id):
        key = (row["leaving_point"], row["leaving_cohort"])
        cohort = found.setdefault(key, CohortDestinations(*key))
        group = national.group_of(row["category"], row["sustained"])
        cohort.learners += row["learners"]
        cohort.groups[group] += row["learners"]
        if row["category"] is None:
            cohort.none_recorded += row["learners"]
        elif row["sustained"] is not None:
            cohort.judged += row["learners"]
            cohort.sustained += row["learners"] if row["sustained"] else 0
        elif group in SUSTAINABLE:
            cohort.to_be_judged += row["learners"]
    by_point: dict[str, list[CohortDestinations]] = defaultdict(list)
    for (point, _), cohort in sorted(found.items(), key=lambda item: item[0][1], reverse=True):
        if len(by_point[point]) < COHORTS_SHOWN:
            by_point[point].append(cohort)
    return dict(by_point)


def _shares_table(point: str, shown: list[CohortDestinations]) -> Table:
    compare = point == KS4
    columns = ("Destination", *((f"National {national.NATIONAL_COHORT} (%)",) if compare else ()))
    columns += tuple(f"{c.cohort} leavers (%)" for c in shown)
    rows = []
    for group, label in national.GROUPS.items():
        national_share = (national.NATIONAL_SHAPE[group],) if compare else ()
        rows.append((label, *national_share, *(c.share(group) for c in shown)))
    rows.append(("Leavers", *(("",) if compare else ()), *(c.learners for c in shown)))
    return Table(
        f"Destinations of leavers {LEAVING_POINTS[point]}, by leaving cohort",
        columns,
        tuple(rows),
        numeric=frozenset(range(1, len(columns))),
    )


def _shares_chart(point: str, shown: list[CohortDestinations]) -> Chart:
    series: list[tuple[str, tuple[float | None, ...]]] = []
    if point == KS4:
        series.append(("National", tuple(float(national.NATIONAL_SHAPE[g]) for g in national.GROUPS)))
    series += [(f"{c.cohort} leavers", tuple(c.share(g) for g in national.GROUPS)) for c in shown]
    return Chart(
        f"Destinations {LEAVING_POINTS[point]} against the national shape",
        "bar",
        tuple(national.GROUPS.values()),
        tuple(series),
        unit="%",
        y_label="Share of leavers (%)",
    )


def _sustained_table(point: str, shown: list[CohortDestinations]) -> Table:
    rows = tuple(
        (c.cohort, c.learners, c.sustained, c.judged, c.to_be_judged, c.none_recorded, c.sustained_rate)
        for c in shown
    )
    return Table(
        f"Sustained destinations {LEAVING_POINTS[point]}",
        (
            "Leaving cohort",
            "Leavers",
            "Sustained",
            "Judged",
            "To be judged",
            "None recorded",
            "Sustained rate (%)",
        ),
        rows,
        numeric=frozenset(range(1, 7)),
    )


def _sustained_chart(point: str, shown: list[CohortDestinations]) -> Chart:
    oldest_first = list(reversed(shown))
    series: list[tuple[str, tuple[float | None, ...]]] = [
        ("Sustained rate", tuple(c.sustained_rate for c in oldest_first))
    ]
    if point == KS4:
        series.append(("National", tuple(float(national.NATIONAL_SUSTAINED) for _ in oldest_first)))
    return Chart(
        "Sustained rate over the last three leaving cohorts",
        "line",
        tuple(c.cohort for c in oldest_first),
        tuple(series),
        unit="%",
        y_label="Sustained (%)",
    )


def sections(conn: Connection, institution_id: str) -> tuple[Section, ...]:
    return sections_of(cohorts(conn, institution_id))


def sections_of(found: dict[str, list[CohortDestinations]]) -> tuple[Section, ...]:
    if not found:
        empty = Paragraph("No destination has been recorded yet: destinations appear here once recorded.")
        return (Section("Destinations", (empty,), "destinations"),)
    result = []
    for point in (KS4, POST_16):
        shown = found.get(point)
        if not shown:
            continue
        newest = shown[0]
        figures = KeyFigures(
            (
                ("Leaving cohort", newest.cohort, f"{newest.learners} leavers"),
                ("Sustained rate", percent(newest.sustained_rate), _sustained_detail(point, newest)),
                (
                    "In education, an apprenticeship or employment",
                    percent(share_of(sum(newest.groups[g] for g in SUSTAINABLE), newest.learners)),
                    f"national {national.NATIONAL_SUSTAINED}%" if point == KS4 else "of leavers",
                ),
            )
        )
        blocks = [figures, _shares_table(point, shown), _shares_chart(point, shown)]
        blocks += [_sustained_table(point, shown), _sustained_chart(point, shown)]
        if point == KS4:
            blocks.append(Paragraph(national.NATIONAL_SOURCE, "note"))
        title = "Destinations: Year 11 leavers" if point == KS4 else "Destinations: Year 13 leavers"
        result.append(Section(title, tuple(blocks), "destinations" if point == KS4 else "destinations-16-18"))
    result[-1] = Section(result[-1].heading, (*result[-1].blocks, _how_counted()), result[-1].anchor)
    return tuple(result)


def _sustained_detail(point: str, cohort: CohortDestinations) -> str:
    if cohort.sustained_rate is None:
        return "none can be judged yet"
    return f"national {national.NATIONAL_SUSTAINED}%" if point == KS4 else f"{cohort.judged} judged"


def _how_counted() -> Paragraph:
    return Paragraph(
        "A destination judged not sustained, and NEET, count as not sustained; no destination recorded "
        "and Not Known count as activity not captured. The sustained rate leaves out destinations that "
        "cannot be judged yet (before April of the destination year).",
        "note",
    )


def destinations_report(runtime: ServiceRuntime, institution_id: str, *, now: datetime) -> Document | None:
    report = common.read(runtime, institution_id, build, now)
    return report.document if report else None


def build(conn: Connection, found: dict[str, Any], now: datetime) -> Document:
    return Document(
        kind="destinations",
        title="Destinations",
        institution_name=found["name"],
        institution_id=found["institution_id"],
        subtitle="Where leavers went, against the national shape, and whether it lasted",
        as_of="",
        sections=sections(conn, found["institution_id"]),
    )
