"""The pure summary rules (domain/summaries.py): what one institution's learners and
encounters add up to, and that summaries add up and survive being flattened."""

from __future__ import annotations

from datetime import date

from waymark_reporting.domain import provider_access as pal
from waymark_reporting.domain.evidence import Encounter, Learner
from waymark_reporting.domain.summaries import (
    Destination,
    LatestEvaluation,
    PlannedActivity,
    add,
    flatten,
    institution_summary,
    unflatten,
)

YEAR_9 = "2028/29"  # in Year 9 in 2026/27
YEAR_12 = "2025/26"


def _summary(**parts):  # type: ignore[no-untyped-def]
    base = {
        "learners": [],
        "encounters": [],
        "offered": [],
        "latest": None,
        "planned": [],
        "destinations": [],
    }
    return institution_summary(**(base | parts))


def test_employer_encounters_are_kept_per_academic_year_and_the_worklist_follows():
    learners = [Learner("a", 9, YEAR_9), Learner("b", 9, YEAR_9), Learner("c", 9, YEAR_9)]
    encounters = [
        Encounter("a", "t1", "employer_talk", date(2026, 10, 1)),
        Encounter("b", "t0", "employer_talk", date(2025, 10, 1)),
        Encounter("c", "g1", "guidance_meeting", date(2026, 11, 1)),
    ]
    cohort = _summary(learners=learners, encounters=encounters)["cohorts"][YEAR_9]
    assert cohort["employer"] == {"2026/27": 1, "2025/26": 1}
    assert cohort["measures"]["guidance_by_16"] == [3, 1]
    assert "guidance_by_18" not in cohort["measures"]  # Year 9
    # a and b meet nothing but an employer encounter; in 2026/27 only b has none at all.
    assert cohort["none_but_employer"] == 2
    assert cohort["none_but_employer"] - cohort["employer_only"]["2026/27"] == 1


def test_provider_access_counts_two_or_one_encounters_per_phase():
    learners = [Learner("a", 9, YEAR_9), Learner("b", 9, YEAR_9), Learner("c", 12, YEAR_12)]
    encounters = [
        Encounter("a", "p1", "provider_encounter", date(2025, 11, 1), True),
        Encounter("a", "p2", "provider_encounter", date(2026, 11, 1), True),
        Encounter("b", "p2", "provider_encounter", date(2026, 11, 1), True),
    ]
    offered = [pal.OfferedEncounter("p3", date(2026, 10, 1), frozenset({12}))]
    found = _summary(learners=learners, encounters=encounters, offered=offered)["cohorts"]
    assert found[YEAR_9]["provider_access"]["first"] == [1, 1]
    assert found[YEAR_12]["provider_access"]["third"] == [0, 1]  # one offered to Year 12


def test_benchmarks_delivery_and_destinations():
    latest = LatestEvaluation("2026-11-01T10:00:00Z", 2, {5: (100, True), 8: (100, True), 1: (40, False)})
    planned = [
        PlannedActivity("2026/27", "delivered", provider_access=True, participants=30),
        PlannedActivity("2026/27", "planned"),
        PlannedActivity("2026/27", "cancelled"),
    ]
    leavers = [
        Destination("ks4", "2025/26", "fe_college", True),
        Destination("ks4", "2025/26", "apprenticeship", False),
        Destination("ks4", "2025/26", None, None),
    ]
    found = _summary(latest=latest, planned=planned, destinations=leavers)
    assert found["benchmarks"]["achieving"]["5"] == 1 and found["benchmarks"]["achieving"]["1"] == 0
    assert found["benchmarks"]["applicable"]["2"] == 0
    assert found["delivery"]["2026/27"] == {
        "institutions": 1, "planned": 2, "delivered": 1, "cancelled": 1,
        "provider_access_delivered": 1, "participants": 30,
    }  # fmt: skip
    ks4 = found["destinations"]["ks4"]["2025/26"]
    assert (ks4["leavers"], ks4["recorded"], ks4["sustained"], ks4["not_sustained"]) == (3, 2, 1, 1)
    assert _summary()["benchmarks"] == {"evaluated": 0}


def test_summaries_add_up_flattened_and_come_back():
    one = _summary(learners=[Learner("a", 9, YEAR_9)], planned=[PlannedActivity("2026/27", "planned")])
    two = _summary(learners=[Learner("b", 9, YEAR_9), Learner("c", 12, YEAR_12)])
    total = add(add({}, flatten(one)), flatten(two))
    back = unflatten(total)
    assert back["learners"] == 3
    assert back["cohorts"][YEAR_9]["learners"] == 2
    assert back["cohorts"][YEAR_9]["provider_access"]["first"] == [0, 0]
    assert flatten(unflatten(flatten(one))) == flatten(one)  # (empty parts go: readers default them)
