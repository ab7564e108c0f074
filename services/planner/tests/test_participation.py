"""Logging delivery with who took part: learners by id, or by form group or year group
(their learners on roll), or counts per year group; the event carries ids and counts,
never a name. Learners the roster does not know, of another institution or not on roll
that day refuse the whole command. A correction is an event, not an overwrite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from planner_world import World, snapshot

from waymark_planner import views
from waymark_planner.service_layer import activities, participation, plans
from waymark_planner.service_layer.errors import ConcurrencyError, InvalidInput

UNKNOWN = "5b0f7a4e-0000-4000-8000-000000000000"
FEBRUARY = datetime(2027, 2, 1, 16, tzinfo=UTC)  # "now" for logging a spring-term activity


@pytest.fixture
def school(world: World) -> str:
    return world.institution()


@pytest.fixture
def activity_id(runtime, school) -> str:
    plan_id = plans.create_plan(runtime, school, "2026/27", origin="empty", objectives=[])
    return activities.plan_activity(
        runtime, plan_id, {"title": "Employer talk", "activity_type": "employer_talk", "term": "autumn"}
    )


def test_learners_by_id_form_group_and_year_group_with_counts(runtime, world: World, school, activity_id):
    form_10a = world.learners(school, 10, 3, form_group="10A")
    form_10b = world.learners(school, 10, 2, form_group="10B")
    year_11 = world.learners(school, 11, 2)
    one_year_9 = world.learners(school, 9, 2, form_group="9C")[0]
    version = participation.log_activity(
        runtime,
        activity_id,
        "2026-11-12",
        learner_ids=[one_year_9, form_10a[0]],  # 10A's first is named and in the form group: counted once
        form_groups=["10A"],
        year_groups=[11],
        counts=[{"year_group": 12, "count": 40}, {"year_group": 13, "count": 0}],
        meaningful=["two_way", "purpose_shared"],
        notes="Hall booked; two speakers.",
    )
    assert version == 2
    logged = runtime.store.read_stream(f"activity-{activity_id}")[-1]
    assert logged.name == "ActivityLogged"
    assert sorted(logged.data) == [
        "activity_id",
        "counts",
        "delivered_on",
        "institution_id",
        "learner_ids",
        "meaningful",
        "notes",
    ]
    assert logged.data["learner_ids"] == sorted([one_year_9, *form_10a, *year_11])
    assert logged.data["counts"] == [{"year_group": 12, "count": 40}]
    activity = views.activity_detail(runtime, activity_id)
    assert (activity["status"], activity["delivered_on"], activity["participant_count"]) == (
        "delivered",
        "2026-11-12",
        46,
    )
    assert activity["meaningful_delivered"] == ["purpose_shared", "two_way"]
    taking_part = activity["participation"]
    assert {(x["learner_id"], x["year_group"], x["form_group"]) for x in taking_part["learners"]} == {
        (one_year_9, 9, "9C"),
        *((lid, 10, "10A") for lid in form_10a),
        *((lid, 11, "11R") for lid in year_11),
    }
    assert not set(form_10b) & {x["learner_id"] for x in taking_part["learners"]}
    assert taking_part["by_year_group"] == {9: 1, 10: 3, 11: 2, 12: 40}
    assert taking_part["total"] == 46
    # Hub leads see counts only.
    assert views.activity_detail(runtime, activity_id, learners=False)["participation"]["learners"] is None


@pytest.mark.parametrize("problem", ["unknown", "elsewhere", "left", "malformed"])
def test_a_learner_who_cannot_have_taken_part_refuses_the_whole_log(
    runtime, world: World, school, activity_id, problem
):
    ours = world.learners(school, 10, 2)
    if problem == "unknown":
        wrong = UNKNOWN
    elif problem == "elsewhere":
        wrong = world.learners(world.institution("Another School"), 10)[0]
    elif problem == "left":
        wrong = world.learners(school, 11)[0]
        world.directory.left(school, wrong, leaving_date="2026-10-31")
        world.deliver()
    else:
        wrong = "Jane Smith"
    before = snapshot(runtime)
    with pytest.raises(InvalidInput) as refused:
        participation.log_activity(runtime, activity_id, "2026-11-12", learner_ids=[*ours, wrong])
    message = {
        "unknown": "1 learner is not on the institution's roster.",
        "elsewhere": "1 learner is at another institution.",
        "left": "1 learner is not on roll on the day it was delivered (they had left).",
        "malformed": "1 is not a learner id from the roster: jane smith.",
    }[problem]
    assert refused.value.errors == {"learner_ids": [message]}
    assert snapshot(runtime) == before
    assert views.activity_detail(runtime, activity_id)["status"] == "planned"


def test_a_learner_who_left_after_the_delivery_date_may_be_logged(runtime, world: World, school):
    plan_id = plans.create_plan(runtime, school, "2025/26", origin="empty", objectives=[])
    last_july = activities.plan_activity(
        runtime,
        plan_id,
        {"title": "Year 11 leavers' guidance", "activity_type": "guidance_meeting", "term": "summer"},
    )
    leaver = world.learners(school, 11)[0]
    world.directory.left(school, leaver, leaving_date="2026-07-22")
    world.deliver()
    participation.log_activity(runtime, last_july, "2026-07-10", learner_ids=[leaver])
    assert views.activity_detail(runtime, last_july)["participant_count"] == 1


@pytest.mark.parametrize(
    ("kwargs", "errors"),
    [
        (
            {"delivered_on": "2027-09-01"},
            {"delivered_on": ["Choose a date in 2026/27 (1 September 2026 to 31 August 2027)."]},
        ),
        ({"delivered_on": ""}, {"delivered_on": ["Enter the date it was delivered, like 2026-10-14."]}),
        (
            {"form_groups": ["7Z"]},
            {"form_groups": ["No learner on roll is in 7Z: choose form groups from the roster."]},
        ),
        ({"year_groups": [13]}, {"year_groups": ["No learner on roll is in Year 13."]}),
        (
            {"counts": [{"year_group": 6, "count": 3}]},
            {"counts": ["Year 6 is not a year group from 7 to 14."]},
        ),
        (
            {"counts": [{"year_group": 9, "count": -1}]},
            {"counts": ["The count for Year 9 must be from 0 to 100,000."]},
        ),
        (
            {"counts": [{"year_group": 9, "count": 1}, {"year_group": 9, "count": 2}]},
            {"counts": ["Year 9 is counted twice: give one count for it."]},
        ),
        ({"meaningful": ["fun"]}, {"meaningful": ["Choose from the meaningful checklist."]}),
    ],
)
def test_bad_delivery_details_are_refused_and_nothing_is_written(
    runtime, world: World, school, activity_id, kwargs, errors
):
    world.learners(school, 10, 2, form_group="10A")
    given = {"delivered_on": "2026-11-12", "form_groups": ["10A"], **kwargs}
    delivered_on = given.pop("delivered_on")
    before = snapshot(runtime)
    with pytest.raises(InvalidInput) as refused:
        participation.log_activity(runtime, activity_id, delivered_on, **given)
    assert refused.value.errors == errors
    assert snapshot(runtime) == before


def test_a_cancelled_or_logged_activity_cannot_be_logged(runtime, world: World, school, activity_id):
    participation.log_activity(runtime, activity_id, "2026-11-12", counts={10: 30})
    with pytest.raises(InvalidInput) as refused:
        participation.log_activity(runtime, activity_id, "2026-11-13", counts={10: 30})
    assert refused.value.errors == {
        "status": ["This activity is logged already: correct its participation instead."]
    }
    plan_id = views.activity_detail(runtime, activity_id)["plan_id"]
    other = activities.plan_activity(
        runtime, plan_id, {"title": "Fair", "activity_type": "careers_fair", "term": "spring"}
    )
    activities.cancel_activity(runtime, other, "No venue")
    before = snapshot(runtime)
    with pytest.raises(InvalidInput) as refused:
        participation.log_activity(runtime, other, "2027-02-01", counts={10: 30}, now=FEBRUARY)
    assert refused.value.errors == {
        "status": ["This activity was cancelled: it cannot be logged as delivered."]
    }
    assert snapshot(runtime) == before


def test_an_activity_cannot_be_logged_as_delivered_on_a_day_still_to_come(runtime, school, activity_id):
    before = snapshot(runtime)
    with pytest.raises(InvalidInput) as refused:
        participation.log_activity(
            runtime, activity_id, "2027-02-02", counts={10: 30}, now=FEBRUARY - timedelta(days=1)
        )
    assert refused.value.errors == {
        "delivered_on": ["The date is in the future: log an activity once it has been delivered."]
    }
    assert snapshot(runtime) == before
    participation.log_activity(runtime, activity_id, "2027-02-01", counts={10: 30}, now=FEBRUARY)
    assert views.activity_detail(runtime, activity_id)["status"] == "delivered"


def test_logging_on_a_stale_version_is_refused(runtime, school, activity_id):
    activities.update_activity(runtime, activity_id, {"title": "Renamed"})
    with pytest.raises(ConcurrencyError) as stale:
        participation.log_activity(runtime, activity_id, "2026-11-12", counts={10: 3}, expected_version=1)
    assert (stale.value.expected, stale.value.actual) == (1, 2)


def test_a_correction_is_an_event_with_what_was_added_and_removed(runtime, world: World, school, activity_id):
    first, second, third = world.learners(school, 10, 3)
    participation.log_activity(
        runtime, activity_id, "2026-11-12", learner_ids=[first, second], counts={12: 10}
    )
    # A learner who has left since may still be added: they took part before leaving.
    world.left(school, third)
    version = participation.correct_participation(
        runtime, activity_id, add=[third], remove=[second], counts={12: 12}, reason="Register mix-up"
    )
    assert version == 3
    history = runtime.store.read_stream(f"activity-{activity_id}")
    assert [e.name for e in history] == ["ActivityPlanned", "ActivityLogged", "ParticipationCorrected"]
    assert history[-1].data == {
        "activity_id": activity_id,
        "institution_id": school,
        "added_learner_ids": [third],
        "removed_learner_ids": [second],
        "counts": [{"year_group": 12, "count": 12}],
        "reason": "Register mix-up",
    }
    assert history[1].data["learner_ids"] == sorted([first, second])  # the log itself is not overwritten
    activity = views.activity_detail(runtime, activity_id)
    assert {x["learner_id"] for x in activity["participation"]["learners"]} == {first, third}
    assert (activity["participant_count"], activity["participation"]["total"]) == (14, 14)


def test_a_bad_correction_writes_nothing(runtime, world: World, school, activity_id):
    first, second = world.learners(school, 10, 2)
    elsewhere = world.learners(world.institution("Another School"), 10)[0]
    participation.log_activity(runtime, activity_id, "2026-11-12", learner_ids=[first])
    before = snapshot(runtime)
    cases = [
        ({"add": [first], "reason": "x"}, {"add": ["1 learner is recorded as taking part already."]}),
        ({"remove": [second], "reason": "x"}, {"remove": ["1 learner is not recorded as taking part."]}),
        ({"add": [elsewhere], "reason": "x"}, {"add": ["1 learner is at another institution."]}),
        ({"add": [second], "reason": " "}, {"reason": ["Say why the participation is corrected."]}),
        ({"reason": "Nothing"}, {"add": ["Add or remove learners, or change the counts."]}),
    ]
    for kwargs, errors in cases:
        with pytest.raises(InvalidInput) as refused:
            participation.correct_participation(runtime, activity_id, **kwargs)
        assert refused.value.errors == errors
    assert snapshot(runtime) == before


def test_a_planned_activity_has_no_participation_to_correct(runtime, world: World, school, activity_id):
    learner = world.learners(school, 10)[0]
    with pytest.raises(InvalidInput) as refused:
        participation.correct_participation(runtime, activity_id, add=[learner], reason="Forgot")
    assert refused.value.errors == {"status": ["Only a delivered activity's participation can be corrected."]}


def test_two_writers_logging_at_once_record_one_delivery(runtime, world: World, school, activity_id):
    import threading

    learners = world.learners(school, 10, 30)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def log(ids: list[str]) -> None:
        barrier.wait()
        try:
            participation.log_activity(runtime, activity_id, "2026-11-12", learner_ids=ids)
            outcomes.append("logged")
        except (ConcurrencyError, InvalidInput) as refused:
            outcomes.append(type(refused).__name__)

    writers = [
        threading.Thread(target=log, args=(learners[:20],)),
        threading.Thread(target=log, args=(learners[10:],)),
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert outcomes.count("logged") == 1
    history = runtime.store.read_stream(f"activity-{activity_id}")
    assert [e.name for e in history] == ["ActivityPlanned", "ActivityLogged"]
    activity = views.activity_detail(runtime, activity_id)
    assert {x["learner_id"] for x in activity["participation"]["learners"]} == set(
        history[-1].data["learner_ids"]
    )
    assert activity["participant_count"] == 20
