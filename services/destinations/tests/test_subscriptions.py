"""Destinations' copies of directory's institutions and learners, from its events, on
SQLite and PostgreSQL: what is kept, the sixth form from high_age, leavers' dates,
events delivered again changing nothing, and a change before its registration parked."""

from __future__ import annotations

from datetime import date

from destinations_world import World
from sqlalchemy import select

from waymark_destinations.adapters import institutions, roster
from waymark_destinations.adapters.tables import institutions as institution_table
from waymark_destinations.adapters.tables import learners
from waymark_shared.messaging.subscriptions import SubscriptionRunner


def _learner(runtime, learner_id: str) -> dict:  # type: ignore[no-untyped-def]
    with runtime.engine.connect() as conn:
        return dict(conn.execute(select(learners).where(learners.c.learner_id == learner_id)).one()._mapping)


def test_institutions_and_learners_are_kept_as_directory_says(runtime, directory_log) -> None:  # type: ignore[no-untyped-def]
    world = World(runtime, directory_log)
    school = world.school("Hillside School", sixth_form=True, careers_hub="Aire Valley", trust="White Rose")
    learner = world.learner(school, "2025/26", year_group=12, form_group="12C")
    directory_log.left(school, learner, "2027-07-16")
    directory_log.updated(school, high_age=16, name="Hillside Academy")
    world.deliver()
    with runtime.engine.connect() as conn:
        row = conn.execute(select(institution_table)).one()
    assert (row.name, row.high_age, row.careers_hub, row.trust, row.status) == (
        "Hillside Academy", 16, "Aire Valley", "White Rose", "open"
    )  # fmt: skip
    kept = _learner(runtime, learner)
    assert kept["cohort"] == "2025/26" and kept["year_group"] == 12 and kept["form_group"] == "12C"
    assert kept["on_roll"] is False and kept["leaving_date"] == date(2027, 7, 16)
    directory_log.closed(school)
    world.deliver()
    with runtime.engine.connect() as conn:
        assert conn.execute(select(institution_table.c.status)).scalar() == "closed"


def test_events_delivered_again_change_nothing(runtime, directory_log) -> None:  # type: ignore[no-untyped-def]
    world = World(runtime, directory_log)
    school = world.school()
    learner = world.learner(school, "2026/27")
    enrolled = list(directory_log.events)
    directory_log.left(school, learner, "2027-07-16")
    world.deliver()
    # The enrolment again, on its own: the learner stays left.
    directory_log.deliver(SubscriptionRunner(roster.SUBSCRIPTION, runtime.engine), enrolled[-1:])
    assert _learner(runtime, learner)["on_roll"] is False
    world.deliver()  # the whole log again
    with runtime.engine.connect() as conn:
        assert len(conn.execute(select(learners)).all()) == 1


def test_a_change_to_an_institution_not_registered_yet_is_parked(runtime, directory_log) -> None:  # type: ignore[no-untyped-def]
    world = World(runtime, directory_log)
    school = world.school()
    update = directory_log.updated(school, name="Renamed")
    runner = SubscriptionRunner(institutions.SUBSCRIPTION, runtime.engine)
    result = directory_log.deliver(runner, [update])
    assert result.parked == 1  # retried from the parked events once its registration is applied
    with runtime.engine.connect() as conn:
        assert conn.execute(select(institution_table.c.name)).scalar() is None
