"""Planner's copies of directory's institutions, roster and providers and of audit's
completed evaluations: kept from their events, unchanged by events delivered again
(or out of order), and rebuilt the same by a replay. Planner's own records are never
touched by a replay."""

from __future__ import annotations

from typing import Any

import pytest
from planner_world import World, snapshot
from sqlalchemy import select

from waymark_planner import views
from waymark_planner.adapters.tables import completed_evaluations, institutions, providers, roster_learners
from waymark_planner.service import DEFINITION, SUBSCRIPTIONS
from waymark_planner.service_layer import plans
from waymark_shared.service import ServiceRuntime, Subscription

TABLES = (institutions, roster_learners, providers, completed_evaluations)


def _copies(runtime: ServiceRuntime) -> dict[str, list[dict[str, Any]]]:
    with runtime.engine.connect() as conn:
        return {
            table.name: sorted((dict(r._mapping) for r in conn.execute(select(table))), key=repr)
            for table in TABLES
        }


def _apply_directly(subscription: Subscription, events, conn) -> None:  # type: ignore[no-untyped-def]
    """Each event past the runner's checkpoint check: as a parked event retried, or one
    redelivered from another partition."""
    for event in events:
        if event.type in subscription.batch_handlers:
            subscription.batch_handlers[event.type]([event], conn)
        elif event.type in subscription.handlers:
            subscription.handlers[event.type](event, conn)


def _busy_world(world: World) -> str:
    school = world.institution(
        "Riverside Academy", careers_hub="West Yorkshire Careers Hub", trust="Aire Trust"
    )
    world.directory.updated(school, name="Riverside Academy Trust School", trust="Calder Trust")
    learners = world.learners(school, 10, 3, form_group="10A")
    world.directory.learner_updated(school, learners[0], 11, form_group="11B")
    world.directory.left(school, learners[1], leaving_date="2026-10-31")
    kept = world.directory.provider_listed("Leeds College", provider_type="fe_college")
    gone = world.directory.provider_listed("Hillside Motors")
    world.directory.provider_withdrawn(gone)
    world.audit.completed(school, {"5.1": "not_started", "6.1": "achieved"})
    other = world.directory.registered("Closing School")
    world.directory.closed(other)
    world.deliver()
    assert kept
    return school


def test_the_copies_follow_directory_and_audit(runtime, world: World):
    school = _busy_world(world)
    copies = _copies(runtime)
    by_name = {row["name"]: row for row in copies["institutions"]}
    riverside = by_name["Riverside Academy Trust School"]
    assert (riverside["institution_id"], riverside["careers_hub"], riverside["trust"]) == (
        school,
        "West Yorkshire Careers Hub",
        "Calder Trust",
    )
    assert by_name["Closing School"]["status"] == "closed"
    roster = {
        (r["year_group"], r["form_group"], r["on_roll"], r["leaving_date"]) for r in copies["roster_learners"]
    }
    assert roster == {(11, "11B", True, None), (10, "10A", False, "2026-10-31"), (10, "10A", True, None)}
    assert all(r["cohort"] for r in copies["roster_learners"])
    assert {(p["name"], p["status"], p["listed"]) for p in copies["providers"]} == {
        ("Leeds College", "listed", True),
        ("Hillside Motors", "withdrawn", False),
    }
    assert [p["name"] for p in views.listed_providers(runtime)] == ["Leeds College"]
    assert views.latest_evaluation(runtime, school)["gaps"] == 1
    assert views.roster_choices(runtime, school) == {
        10: {
            "10A": sorted(
                r["learner_id"]
                for r in copies["roster_learners"]
                if r["form_group"] == "10A" and r["on_roll"]
            )
        },
        11: {"11B": [r["learner_id"] for r in copies["roster_learners"] if r["form_group"] == "11B"]},
    }
    assert len(views.roster_learners(runtime, school)) == 3
    assert len(views.roster_learners(runtime, school, include_left=False)) == 2


def test_events_delivered_again_or_out_of_order_change_nothing(runtime, world: World):
    _busy_world(world)
    before = _copies(runtime)
    for runner in world.runners.values():
        assert world.directory.deliver(runner).applied == 0
        assert world.audit.deliver(runner).applied == 0
        assert world.directory.deliver(runner, partition=3).applied == 0
    with runtime.engine.begin() as conn:
        for subscription in SUBSCRIPTIONS:
            for log in (world.directory, world.audit):
                _apply_directly(subscription, log.events, conn)
                _apply_directly(subscription, list(reversed(log.events)), conn)
    assert _copies(runtime) == before


def test_a_replay_rebuilds_the_same_copies_and_leaves_planners_own_records(runtime, world: World):
    school = _busy_world(world)
    plans.create_plan(runtime, school, "2026/27", origin="evaluation", objectives=["Raise aspirations"])
    before, own = _copies(runtime), snapshot(runtime)
    for runner in world.runners.values():
        runner.reset()
    assert all(rows == [] for rows in _copies(runtime).values())
    world.deliver()
    assert _copies(runtime) == before
    assert snapshot(runtime) == own


@pytest.mark.parametrize("change", ["institution", "learner", "provider"])
def test_a_change_to_something_planner_never_heard_of_is_parked(runtime, world: World, change):
    import uuid

    stranger = str(uuid.uuid4())
    if change == "institution":
        world.directory.updated(stranger, name="Nowhere School")
        runner = world.runners["planner-institutions"]
    elif change == "learner":
        school = world.institution()
        world.directory.learner_updated(school, stranger, 9)
        runner = world.runners["planner-roster"]
    else:
        world.directory.provider_withdrawn(stranger)
        runner = world.runners["planner-providers"]
    result = world.directory.deliver(runner)
    assert result.parked == 1


def test_planner_declares_its_four_subscriptions():
    assert [s.name for s in DEFINITION.subscriptions] == [
        "planner-institutions",
        "planner-roster",
        "planner-providers",
        "planner-audit",
    ]
    assert all(s.reset is not None and s.description for s in DEFINITION.subscriptions)
