"""Reporting's small world (``reporting_world``) with destinations for the reports: three
Year 11 leaving cohorts of Riverside Academy, the newest not judgeable yet.

* 2023/24: two leavers, FE college and school sixth form, both sustained (100%);
* 2024/25: four leavers, FE sustained, sixth form sustained, employment sustained, FE
  not sustained (75% sustained; 25% each of FE, sixth form, employment, not sustained);
* 2025/26: five: two FE, one sixth form, one advanced apprenticeship (none judged yet)
  and one with only an intended destination (none recorded).
"""

from __future__ import annotations

import uuid

from reporting_world import World, build


def _leaver(destinations_log, school: str, cohort: str, category: str, sustained: bool | None) -> None:  # type: ignore[no-untyped-def]
    learner = str(uuid.uuid4())
    start = f"{int(cohort[:4]) + 1}-09-07"
    destinations_log.recorded(school, learner, category, leaving_cohort=cohort, start_date=start)
    if sustained is not None:
        destinations_log.judged(school, learner, sustained, category, leaving_cohort=cohort, start_date=start)


def build_with_destinations(deliver, directory_log, audit_log, planner_log, destinations_log) -> World:  # type: ignore[no-untyped-def]
    world = build(deliver, directory_log, audit_log, planner_log)
    school = world.school
    for category in ("fe_college", "school_sixth_form"):
        _leaver(destinations_log, school, "2023/24", category, True)
    for category, sustained in (
        ("fe_college", True), ("school_sixth_form", True), ("employment", True), ("fe_college", False),
    ):  # fmt: skip
        _leaver(destinations_log, school, "2024/25", category, sustained)
    for category in ("fe_college", "fe_college", "school_sixth_form", "apprenticeship_advanced"):
        _leaver(destinations_log, school, "2025/26", category, None)
    destinations_log.intended(school, str(uuid.uuid4()), "fe_college", leaving_cohort="2025/26")
    deliver(destinations_log)
    return world
