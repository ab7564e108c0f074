"""What a roll-up shows, from summed institution summaries and the day: benchmarks
(average achieved, the share of institutions achieving each, the distribution 0–8),
pupil-level evidence and Provider Access compliance per year group as shares, plan
delivery for a year, destinations per leaving cohort and the sustained rate.

Pupil-based shares of fewer than :data:`SMALLEST` learners are suppressed
(``{"percentage": None, "suppressed": True}``, shown as "fewer than 5"): a share of
two learners would say what each of them did.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from waymark_reporting.domain import evidence as ev
from waymark_reporting.domain import national
from waymark_reporting.domain import provider_access as pal
from waymark_reporting.domain.calendar import academic_year, year_group_on
from waymark_reporting.domain.vocabulary import BENCHMARK_TITLES, BENCHMARKS

SMALLEST = 5
LEAVING_COHORTS_SHOWN = 3


def share(met: int, base: int, *, pupils: bool = True) -> dict[str, Any]:
    if pupils and 0 < base < SMALLEST:
        return {"percentage": None, "suppressed": True}
    return {"percentage": round(100 * met / base) if base else None, "suppressed": False}


def learners_shown(count: int) -> int | None:
    """A count of learners, or None when fewer than :data:`SMALLEST` (but some)."""
    return None if 0 < count < SMALLEST else count


def benchmarks(figures: dict[str, Any], institutions_open: int) -> dict[str, Any]:
    evaluated = figures.get("evaluated", 0)
    achieving = figures.get("achieving", {})
    totals = figures.get("percentage_total", {})
    applicable = figures.get("applicable", {})
    distribution = figures.get("distribution", {})
    return {
        "institutions": institutions_open,
        "evaluated": evaluated,
        "average_achieved": round(figures["achieved_total"] / evaluated, 1) if evaluated else None,
        "benchmarks": [
            {
                "number": n,
                "title": BENCHMARK_TITLES[n],
                "achieving": achieving.get(str(n), 0),
                "share": share(achieving.get(str(n), 0), evaluated, pupils=False),
                "average_percentage": (
                    round(totals.get(str(n), 0) / applicable[str(n)]) if applicable.get(str(n)) else None
                ),
            }
            for n in BENCHMARKS
        ],
        "distribution": [
            {
                "achieved": k,
                "institutions": distribution.get(str(k), 0),
                "share": share(distribution.get(str(k), 0), evaluated, pupils=False),
            }
            for k in range(9)
        ],
    }


def _cohort(found: dict[str, Any]) -> dict[str, Any]:
    """A cohort's summed figures with every part there (a flattened sum leaves out
    the parts that were empty everywhere)."""
    phases = found.get("provider_access", {})
    return {
        "learners": found.get("learners", 0),
        "measures": found.get("measures", {}),
        "employer": found.get("employer", {}),
        "none_but_employer": found.get("none_but_employer", 0),
        "employer_only": found.get("employer_only", {}),
        "provider_access": {key: phases.get(key, [0, 0]) for key in (pal.FIRST, pal.SECOND, pal.THIRD)},
    }


def cohorts_of(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {cohort: _cohort(found) for cohort, found in figures.get("cohorts", {}).items()}


def _measure_pair(cohort: dict[str, Any], measure: str, this_year: str) -> tuple[int, int] | None:
    if measure == ev.EMPLOYER_THIS_YEAR:
        return cohort["learners"], cohort["employer"].get(this_year, 0)
    pair = cohort["measures"].get(measure)
    return (pair[0], pair[1]) if pair and pair[0] else None


def evidence(cohorts: dict[str, dict[str, Any]], today: date) -> list[dict[str, Any]]:
    """Per year group now (from the cohort), each measure's share and the share with none."""
    this_year = academic_year(today)
    rows = []
    for cohort in sorted(cohorts, reverse=True):
        found = cohorts[cohort]
        if not found["learners"]:
            continue
        measures = {}
        for measure in ev.MEASURES:
            pair = _measure_pair(found, measure, this_year)
            measures[measure] = share(pair[1], pair[0]) if pair else None
        with_none = found["none_but_employer"] - found["employer_only"].get(this_year, 0)
        rows.append(
            {
                "year_group": year_group_on(cohort, today),
                "cohort": cohort,
                "learners": learners_shown(found["learners"]),
                "measures": measures,
                "with_none": share(with_none, found["learners"]),
            }
        )
    return rows


def provider_access(cohorts: dict[str, dict[str, Any]], today: date) -> list[dict[str, Any]]:
    """Per year group now, per phase: the shares met, due (open, not yet met), missed
    (closed, not met) and not yet open."""
    rows = []
    for cohort in sorted(cohorts, reverse=True):
        found = cohorts[cohort]
        learners = found["learners"]
        if not learners:
            continue
        phases = []
        for phase in pal.phases(cohort):
            met = found["provider_access"][phase.key][0]
            rest = learners - met
            state = "not_open" if today < phase.opens else ("open" if today <= phase.deadline else "closed")
            counts = {"not_open": 0, "open": 0, "closed": 0} | {state: rest}
            phases.append(
                {
                    "phase": phase.key,
                    "label": phase.label,
                    "opens": phase.opens.isoformat(),
                    "deadline": phase.deadline.isoformat(),
                    "mandatory": phase.mandatory,
                    "status": state,
                    "met": share(met, learners),
                    "due": share(counts["open"], learners),
                    "missed": share(counts["closed"], learners),
                    "not_open": share(counts["not_open"], learners),
                }
            )
        rows.append(
            {
                "year_group": year_group_on(cohort, today),
                "cohort": cohort,
                "learners": learners_shown(learners),
                "phases": phases,
            }
        )
    return rows


def delivery(years: dict[str, dict[str, int]], year: str) -> dict[str, Any]:
    found = years.get(year, {})
    planned, delivered = found.get("planned", 0), found.get("delivered", 0)
    return {
        "academic_year": year,
        "institutions": found.get("institutions", 0),
        "planned": planned,
        "delivered": delivered,
        "cancelled": found.get("cancelled", 0),
        "provider_access_delivered": found.get("provider_access_delivered", 0),
        "participants": found.get("participants", 0),
        "delivered_share": share(delivered, planned, pupils=False),
    }


def destinations(points: dict[str, dict[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Per leaving point, the latest :data:`LEAVING_COHORTS_SHOWN` leaving cohorts: the
    share per category (of destinations recorded) and the sustained rate (of those judged)."""
    rows = []
    for point in sorted(points):
        cohorts = points[point]
        for cohort in sorted(cohorts, reverse=True)[:LEAVING_COHORTS_SHOWN]:
            found = {"leavers": 0, "recorded": 0, "categories": {}, "sustained": 0, "not_sustained": 0}
            found.update(cohorts[cohort])
            recorded = found["recorded"]
            judged = found["sustained"] + found["not_sustained"]
            rows.append(
                {
                    "leaving_point": point,
                    "leaving_cohort": cohort,
                    "leavers": learners_shown(found["leavers"]),
                    "recorded": share(recorded, found["leavers"]),
                    "categories": [
                        {"category": category, "share": share(count, recorded)}
                        for category, count in sorted(found["categories"].items())
                    ],
                    "groups": destination_groups(found["categories"], recorded, point),
                    "sustained": share(found["sustained"], judged),
                    "not_yet_judged": share(recorded - judged, recorded),
                }
            )
    return rows


def destination_groups(categories: dict[str, int], recorded: int, point: str) -> list[dict[str, Any]]:
    """The shares of DfE's destination groups (:mod:`waymark_reporting.domain.national`),
    in their order, with the national share beside Key Stage 4 leavers'."""
    counts: dict[str, int] = {}
    for category, count in categories.items():
        group = national.CATEGORY_GROUPS.get(category, national.UNKNOWN)
        counts[group] = counts.get(group, 0) + count
    return [
        {
            "group": group,
            "label": label,
            "share": share(counts.get(group, 0), recorded),
            "national": national.NATIONAL_SHAPE[group] if point == national.KS4 else None,
        }
        for group, label in national.GROUPS.items()
        if counts.get(group) or point == national.KS4
    ]


def derived(figures: dict[str, Any], *, institutions_open: int, today: date, year: str) -> dict[str, Any]:
    cohorts = cohorts_of(figures)
    return {
        "academic_year": year,
        "current_academic_year": academic_year(today),
        "learners": learners_shown(figures.get("learners", 0)),
        "benchmarks": benchmarks(figures.get("benchmarks", {}), institutions_open),
        "evidence": {
            "measures": [
                {"measure": key, "benchmark": number, "label": label}
                for key, (number, label) in ev.MEASURES.items()
            ],
            "by_year_group": evidence(cohorts, today),
        },
        "provider_access": provider_access(cohorts, today),
        "delivery": delivery(figures.get("delivery", {}), year),
        "destinations": destinations(figures.get("destinations", {})),
    }


def _whole(cohorts: dict[str, dict[str, Any]], today: date) -> dict[str, Any]:
    """Across year groups: BM5 this year, and Provider Access phases met so far (of
    learners whose phase has opened)."""
    this_year = academic_year(today)
    learners = sum(c["learners"] for c in cohorts.values())
    employer = sum(c["employer"].get(this_year, 0) for c in cohorts.values())
    opened = met = 0
    for cohort, found in cohorts.items():
        for phase in pal.phases(cohort):
            if phase.mandatory and today >= phase.opens:
                opened += found["learners"]
                met += found["provider_access"][phase.key][0]
    return {
        "employer_this_year": share(employer, learners),
        "provider_access_met": share(met, opened),
    }


def breakdown_row(group: dict[str, Any], *, today: date, year: str) -> dict[str, Any]:
    """One row of the level below: its name (and code or institution id), institutions,
    learners, average benchmarks achieved, BM5 this year, Provider Access met (mandatory
    phases opened so far), and plan delivery for ``year``."""
    figures = group["figures"]
    marks = figures.get("benchmarks", {})
    evaluated = marks.get("evaluated", 0)
    plan = figures.get("delivery", {}).get(year, {})
    return {
        "name": group["name"],
        "code": group["code"],
        "institution_type": group.get("institution_type"),
        "institutions": group["institutions"],
        "learners": learners_shown(figures.get("learners", 0)),
        "evaluated": evaluated,
        "average_achieved": round(marks["achieved_total"] / evaluated, 1) if evaluated else None,
        **_whole(cohorts_of(figures), today),
        "planned": plan.get("planned", 0),
        "delivered": plan.get("delivered", 0),
    }
