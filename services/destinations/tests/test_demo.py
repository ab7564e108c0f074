"""The demo: three leaving cohorts per institution in the national shape, intentions
for this year's Year 11s, nothing for an institution with no leavers, and nothing
twice."""

from __future__ import annotations

from destinations_world import World

from waymark_destinations import views, worklist
from waymark_destinations.demo import seed_demo


def _build(runtime, directory_log, per_cohort: int = 150):  # type: ignore[no-untyped-def]
    world = World(runtime, directory_log)
    school = world.school("Riverside Academy")
    sixth = world.school("Hillside School", sixth_form=True)
    empty = world.school("New Free School")
    for cohort in ("2023/24", "2024/25", "2025/26"):
        for index in range(per_cohort):
            world.leaver(school, cohort)
            if index % 3:
                world.leaver(sixth, cohort)
            else:
                world.learner(sixth, cohort)  # stayed in the sixth form (on roll, or left after Year 13)
    for _ in range(30):
        world.learner(school, "2026/27")
    world.deliver()
    return school, sixth, empty


def test_three_cohorts_in_the_national_shape(runtime, directory_log) -> None:  # type: ignore[no-untyped-def]
    school, sixth, empty = _build(runtime, directory_log)
    seed_demo(runtime)
    view = views.cohort_view(runtime, school, "ks4")
    assert [c["leaving_cohort"] for c in view["cohorts"]] == ["2025/26", "2024/25", "2023/24"]
    for summary in view["cohorts"]:
        shares = {item["code"]: item["percentage"] for item in summary["categories"]}
        assert summary["size"] == 150
        # 37% each nationally (FE also takes most of the not sustained): 150 leavers vary
        assert 25 <= shares["fe_college"] <= 55 and 22 <= shares["school_sixth_form"] <= 52
        assert shares["sixth_form_college"] <= 25 and "higher_education_degree" not in shares
    judged = view["cohorts"][2]  # 2023/24: long judged
    assert 80 <= judged["sustained_rate"] <= 97
    assert view["cohorts"][0]["pending"] > 100  # 2025/26: not judged until April 2027
    stayers = views.cohort_view(runtime, sixth, "ks4")["cohorts"][0]
    sixth_form = next(item for item in stayers["categories"] if item["code"] == "school_sixth_form")
    assert sixth_form["percentage"] >= 33  # a third stayed, and some others went to other sixth forms
    assert views.cohort_view(runtime, empty, "ks4")["cohorts"][0]["size"] == 0
    members = views.cohort_members(runtime, school, "ks4", ["2024/25"])["2024/25"]
    intended = sum(1 for row in members if row.intended_category)
    assert 0.65 * len(members) <= intended <= 0.95 * len(members)  # intentions from their Year 11
    assert view["cohorts"][1]["as_intended_rate"] >= 50  # most went where they intended
    listing = worklist.worklist(runtime, school)
    reasons = {item["level_name"] for item in listing["items"]}
    assert {"No intended destination", "Destination not known"} <= reasons


def test_seeding_again_changes_nothing_and_nothing_without_leavers(runtime, directory_log) -> None:  # type: ignore[no-untyped-def]
    seed_demo(runtime)
    assert runtime.store.count_after() == 0
    _build(runtime, directory_log, per_cohort=20)
    seed_demo(runtime)
    count = runtime.store.count_after()
    assert count > 0
    seed_demo(runtime)
    assert runtime.store.count_after() == count
