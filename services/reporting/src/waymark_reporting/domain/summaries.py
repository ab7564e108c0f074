"""An institution's summary for the roll-ups: counts that do not depend on the day, so
they stay right until an event changes them, and that add up across institutions (a
hub's summary is the sum of its institutions': :func:`flatten` them, :func:`add`,
:func:`unflatten` the total).

* ``cohorts``: per cohort (the year the learners are in Year 11) of learners on roll,
  how many there are (by stored year group too), how many each measure applies to and
  how many meet it (all but BM5's "this year"), how many had an employer encounter in
  each academic year, how many meet none of the other measures (and of those, how many
  had an employer encounter each year: the worklist of any year follows), and per
  Provider Access phase how many have two encounters (met) or one;
* ``benchmarks``: the latest completed evaluation's benchmarks achieved and percentages;
* ``delivery``: per academic year, activities planned, delivered, cancelled (and
  ``institutions``: 1, so a sum says how many had activities that year);
* ``destinations``: per leaving point and leaving cohort, leavers per category and how
  many were judged sustained, not sustained or not yet.

Which measures are met, and the Provider Access counts, are the rules of
:mod:`.evidence` and :mod:`.provider_access` (the dashboard's), applied to the same
learners and encounters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from waymark_reporting.domain import evidence as ev
from waymark_reporting.domain import provider_access as pal
from waymark_reporting.domain.calendar import academic_year
from waymark_reporting.domain.evidence import Encounter, Learner

# Any day: only BM5's "this year" depends on it, and that is kept per academic year.
_ANY_DAY = date(2000, 1, 1)
DAY_FREE_MEASURES = tuple(m for m in ev.MEASURES if m != ev.EMPLOYER_THIS_YEAR)
PLANNED, DELIVERED, CANCELLED = "planned", "delivered", "cancelled"


@dataclass(frozen=True)
class LatestEvaluation:
    completed_at: str
    benchmarks_achieved: int
    results: Mapping[int, tuple[int | None, bool]]  # benchmark -> (percentage, achieved)


@dataclass(frozen=True)
class PlannedActivity:
    academic_year: str
    status: str
    provider_access: bool = False
    participants: int = 0


@dataclass(frozen=True)
class Destination:
    leaving_point: str
    leaving_cohort: str
    category: str | None
    sustained: bool | None


def _employer_years(encounters: Iterable[Encounter]) -> set[str]:
    return {academic_year(e.delivered_on) for e in encounters if e.activity_type in ev.EMPLOYER_ENCOUNTERS}


def cohort_figures(
    learners: Sequence[Learner], encounters: Iterable[Encounter], offered: Sequence[pal.OfferedEncounter]
) -> dict[str, dict[str, Any]]:
    theirs: dict[str, list[Encounter]] = defaultdict(list)
    for encounter in encounters:
        theirs[encounter.learner_id].append(encounter)
    cohorts: dict[str, dict[str, Any]] = {}
    for learner in learners:
        mine = theirs.get(learner.learner_id, ())
        found = cohorts.setdefault(learner.cohort, _empty_cohort())
        found["learners"] += 1
        _count(found["year_groups"], str(learner.year_group))
        met = ev.learner_evidence(learner, mine, _ANY_DAY).met
        for measure in DAY_FREE_MEASURES:
            if measure in met:
                pair = found["measures"].setdefault(measure, [0, 0])
                pair[0] += 1
                pair[1] += int(met[measure])
        years = _employer_years(mine)
        for year in years:
            _count(found["employer"], year)
        if not any(met[m] for m in DAY_FREE_MEASURES if m in met):
            found["none_but_employer"] += 1
            for year in years:
                _count(found["employer_only"], year)
        compliance = pal.learner_compliance(learner, mine, offered, _ANY_DAY)
        for status in compliance.phases:
            pair = found["provider_access"][status.phase.key]
            pair[0] += int(status.encounters >= pal.REQUIRED)
            pair[1] += int(status.encounters == 1)
    return cohorts


def _empty_cohort() -> dict[str, Any]:
    return {
        "learners": 0,
        "year_groups": {},
        "measures": {},
        "employer": {},
        "none_but_employer": 0,
        "employer_only": {},
        # phase -> [learners with two or more encounters, learners with one]
        "provider_access": {pal.FIRST: [0, 0], pal.SECOND: [0, 0], pal.THIRD: [0, 0]},
    }


def _count(counts: dict[str, int], key: str, by: int = 1) -> None:
    counts[key] = counts.get(key, 0) + by


def benchmark_figures(latest: LatestEvaluation | None) -> dict[str, Any]:
    """Additive: how many institutions were evaluated, their benchmarks achieved in all,
    how many achieved each one, how many achieved 0..8, and percentages summed with how
    many each applied to (an average follows)."""
    if latest is None:
        return {"evaluated": 0}
    numbers = range(1, 9)
    return {
        "evaluated": 1,
        "achieved_total": latest.benchmarks_achieved,
        "distribution": {str(latest.benchmarks_achieved): 1},
        "achieving": {str(n): int(latest.results.get(n, (None, False))[1]) for n in numbers},
        "percentage_total": {str(n): latest.results.get(n, (None, False))[0] or 0 for n in numbers},
        "applicable": {str(n): int(latest.results.get(n, (None, False))[0] is not None) for n in numbers},
    }


def delivery_figures(planned: Iterable[PlannedActivity]) -> dict[str, dict[str, int]]:
    years: dict[str, dict[str, int]] = {}
    for activity in planned:
        year = years.setdefault(
            activity.academic_year,
            {"institutions": 1, "planned": 0, "delivered": 0, "cancelled": 0, "provider_access_delivered": 0,
             "participants": 0},
        )  # fmt: skip
        if activity.status == CANCELLED:
            year["cancelled"] += 1
            continue
        year["planned"] += 1
        if activity.status == DELIVERED:
            year["delivered"] += 1
            year["participants"] += activity.participants
            year["provider_access_delivered"] += int(activity.provider_access)
    return years


def destination_figures(destinations: Iterable[Destination]) -> dict[str, dict[str, dict[str, Any]]]:
    points: dict[str, dict[str, dict[str, Any]]] = {}
    for item in destinations:
        cohort = points.setdefault(item.leaving_point, {}).setdefault(
            item.leaving_cohort,
            {"leavers": 0, "recorded": 0, "categories": {}, "sustained": 0, "not_sustained": 0},
        )
        cohort["leavers"] += 1
        if item.category is None:
            continue
        cohort["recorded"] += 1
        _count(cohort["categories"], item.category)
        if item.sustained is True:
            cohort["sustained"] += 1
        elif item.sustained is False:
            cohort["not_sustained"] += 1
    return points


def institution_summary(  # noqa: PLR0913 - the read models an institution's summary comes from
    *,
    learners: Sequence[Learner],
    encounters: Iterable[Encounter],
    offered: Sequence[pal.OfferedEncounter],
    latest: LatestEvaluation | None,
    planned: Iterable[PlannedActivity],
    destinations: Iterable[Destination],
) -> dict[str, Any]:
    """The summary of one institution from its learners on roll, what they took part in
    (anywhere), the Provider Access activities it delivered, its latest evaluation, its
    plans' activities and its leavers' destinations."""
    return {
        "learners": len(learners),
        "cohorts": cohort_figures(learners, encounters, offered),
        "benchmarks": benchmark_figures(latest),
        "delivery": delivery_figures(planned),
        "destinations": destination_figures(destinations),
    }


SEPARATOR = "|"  # cohorts and years hold "/": "2027/28"


def flatten(figures: Mapping[str, Any], prefix: str = "") -> dict[str, int]:
    """``{"a": {"b": 1, "c": [2, 3]}}`` -> ``{"a|b": 1, "a|c|#0": 2, "a|c|#1": 3}``: how
    summaries are stored, so that adding thousands of them is one loop each."""
    flat: dict[str, int] = {}
    for key, value in figures.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, path + SEPARATOR))
        elif isinstance(value, list):
            flat.update({f"{path}{SEPARATOR}#{i}": item for i, item in enumerate(value)})
        else:
            flat[path] = value
    return flat


def unflatten(flat: Mapping[str, int]) -> dict[str, Any]:
    """The inverse of :func:`flatten`."""
    nested: dict[str, Any] = {}
    for path, value in flat.items():
        *parents, leaf = path.split(SEPARATOR)
        node = nested
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return _lists(nested)


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if node and all(key.startswith("#") for key in node):
        return [node[f"#{i}"] for i in range(len(node))]
    return {key: _lists(value) for key, value in node.items()}


def add(total: dict[str, int], more: Mapping[str, int]) -> dict[str, int]:
    """``more`` (flattened) added into ``total`` (in place; returned)."""
    get = total.get
    for key, value in more.items():
        total[key] = get(key, 0) + value
    return total
