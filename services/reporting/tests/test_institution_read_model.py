"""Reporting's institutions read model follows directory's registrations, updates and
closures: only the changed fields change, redelivery changes nothing, a replay builds
the same rows."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select, text

from waymark_reporting.adapters.tables import institutions
from waymark_reporting.readmodels.institutions import SUBSCRIPTION, on_institution_updated
from waymark_reporting.service import DEFINITION
from waymark_shared.db.migrations import alembic_config
from waymark_shared.db.tables import subscription_positions
from waymark_shared.events.envelope import qualified_type
from waymark_shared.messaging.subscriptions import SubscriptionRunner
from waymark_shared.service import Subscription

LEEDS = {
    "institution_type": "mainstream_secondary",
    "urn": "990001",
    "local_authority": "Leeds",
    "local_authority_code": "E08000035",
    "region": "Yorkshire and the Humber",
    "careers_hub": "West Yorkshire Careers Hub",
    "trust": "Aire Valley Learning Trust",
    "postcode": "LS9 8AB",
}


def _rows(runtime) -> list[dict]:  # type: ignore[no-untyped-def]
    with runtime.engine.connect() as conn:
        query = select(institutions).order_by(institutions.c.institution_id)
        return [dict(row._mapping) for row in conn.execute(query)]


def _row(runtime, institution_id) -> dict:  # type: ignore[no-untyped-def]
    [row] = [r for r in _rows(runtime) if r["institution_id"] == institution_id]
    return row


def test_a_registration_carries_what_roll_ups_need(runtime, runner, directory_log):
    riverside = directory_log.registered("Riverside Academy", **LEEDS)

    directory_log.deliver(runner)

    assert _row(runtime, riverside) == {
        "institution_id": riverside,
        "name": "Riverside Academy",
        "institution_type": "mainstream_secondary",
        "local_authority": "Leeds",
        "region": "Yorkshire and the Humber",
        "registered_at": directory_log.events[0].time,
        "local_authority_code": "E08000035",
        "careers_hub": "West Yorkshire Careers Hub",
        "trust": "Aire Valley Learning Trust",
        "status": "open",
        "closed_on": None,
        "stream_version": 1,
    }


def test_a_registration_stored_before_the_optional_fields_still_projects(runtime, runner, directory_log):
    old = directory_log.registered("Old Hall School", as_stored=True, region="London")

    directory_log.deliver(runner)

    row = _row(runtime, old)
    assert (row["name"], row["region"], row["status"]) == ("Old Hall School", "London", "open")
    assert (row["local_authority_code"], row["careers_hub"], row["trust"]) == (None, None, None)


def test_an_update_changes_only_the_fields_it_carries(runtime, runner, directory_log):
    riverside = directory_log.registered("Riverside Academy", **LEEDS)
    directory_log.updated(riverside, name="Riverside Community Academy", trust=None)
    directory_log.updated(riverside, institution_type="special_school", careers_hub="Leeds City Careers Hub")

    directory_log.deliver(runner)

    row = _row(runtime, riverside)
    assert row["name"] == "Riverside Community Academy"
    assert row["trust"] is None  # cleared
    assert (row["institution_type"], row["careers_hub"]) == ("special_school", "Leeds City Careers Hub")
    assert (row["local_authority"], row["local_authority_code"], row["region"]) == (
        "Leeds",
        "E08000035",
        "Yorkshire and the Humber",
    )
    assert (row["status"], row["stream_version"]) == ("open", 3)


def test_changes_to_fields_reporting_does_not_keep_leave_the_row_as_it_was(runtime, runner, directory_log):
    riverside = directory_log.registered("Riverside Academy", **LEEDS)
    directory_log.deliver(runner)
    before = _row(runtime, riverside)

    directory_log.updated(
        riverside, website="https://riverside.example.sch.uk", low_age=11, postcode="LS9 8AD"
    )
    directory_log.deliver(runner)

    assert _row(runtime, riverside) == {**before, "stream_version": 2}


def test_a_closure_marks_the_institution_closed_on_its_day(runtime, runner, directory_log):
    riverside = directory_log.registered("Riverside Academy", **LEEDS)
    other = directory_log.registered("Hillcrest School", urn="990002")
    directory_log.closed(riverside, closed_on="2026-08-31", reason="Merged with Hillcrest School")

    directory_log.deliver(runner)

    closed = _row(runtime, riverside)
    assert (closed["status"], closed["closed_on"]) == ("closed", "2026-08-31")
    assert (closed["name"], closed["careers_hub"]) == ("Riverside Academy", "West Yorkshire Careers Hub")
    assert _row(runtime, other)["status"] == "open"


def test_redelivery_changes_nothing(runtime, runner, directory_log):
    riverside = directory_log.registered("Riverside Academy", **LEEDS)
    directory_log.updated(riverside, name="Riverside Community Academy")
    directory_log.closed(riverside)
    first = directory_log.deliver(runner)
    after = _rows(runtime)

    again = directory_log.deliver(runner)
    from_a_kafka_partition = directory_log.deliver(runner, partition=2)

    assert first.applied == 3
    assert (again.applied, again.duplicates) == (0, 3)
    assert (from_a_kafka_partition.applied, from_a_kafka_partition.duplicates) == (0, 3)
    assert _rows(runtime) == after


def test_an_earlier_event_applied_again_after_later_ones_changes_nothing(runtime, runner, directory_log):
    """Past the runner's checkpoint (an operator retrying a parked event, say): the
    row's stream version keeps the later state."""
    riverside = directory_log.registered("Riverside Academy", **LEEDS)
    renamed = directory_log.updated(riverside, name="Riverside Community Academy", region="London")
    directory_log.updated(riverside, name="Riverside Academy", region="Yorkshire and the Humber")
    directory_log.closed(riverside)
    directory_log.deliver(runner)
    after = _rows(runtime)

    with runtime.engine.begin() as conn:
        on_institution_updated(renamed, conn)
        SUBSCRIPTION.batch_handlers[directory_log.events[0].type]([directory_log.events[0]], conn)

    assert _rows(runtime) == after
    assert (after[0]["name"], after[0]["status"]) == ("Riverside Academy", "closed")


def test_changes_to_an_unregistered_institution_are_parked_and_apply_once_it_is(runtime, directory_log):
    """A registration that failed (a fault in the handler, since fixed) is parked; the
    institution's later events are parked after it, not lost, and a retry in parking
    order applies them all."""
    failing = {"now": True}

    registered_type = qualified_type("directory", "InstitutionRegistered")

    def registration_with_a_fault(events, conn):  # type: ignore[no-untyped-def]
        if failing["now"] and any(event.type == registered_type for event in events):
            raise RuntimeError("a fault in the handler")
        SUBSCRIPTION.batch_handlers[registered_type](events, conn)

    flaky = Subscription(
        SUBSCRIPTION.name,
        batch_handlers=dict.fromkeys(SUBSCRIPTION.batch_handlers, registration_with_a_fault),
        reset=SUBSCRIPTION.reset,
    )
    runner = SubscriptionRunner(flaky, runtime.engine)
    riverside = directory_log.registered("Riverside Academy", **LEEDS)
    directory_log.updated(riverside, name="Riverside Community Academy")
    directory_log.closed(riverside)

    result = directory_log.deliver(runner)

    assert (result.applied, result.parked) == (0, 3)
    assert _rows(runtime) == []
    assert "has not heard of" in runner.parked.list()[1].error

    failing["now"] = False
    outcomes = runner.parked.retry()

    assert [o.succeeded for o in outcomes] == [True, True, True]
    row = _row(runtime, riverside)
    assert (row["name"], row["status"], row["stream_version"]) == ("Riverside Community Academy", "closed", 3)


def test_a_replay_empties_the_read_model_and_builds_the_same_rows(runtime, runner, directory_log):
    riverside = directory_log.registered("Riverside Academy", **LEEDS)
    hillcrest = directory_log.registered("Hillcrest School", urn="990002", region="London")
    directory_log.updated(riverside, careers_hub="Leeds City Careers Hub", institution_type="fe_college")
    directory_log.updated(hillcrest, trust="Thames Trust")
    directory_log.closed(hillcrest)
    directory_log.deliver(runner)
    before = _rows(runtime)

    runner.reset()
    assert _rows(runtime) == []
    directory_log.deliver(runner)

    assert _rows(runtime) == before
    assert len(before) == 2


def test_the_api_shows_the_new_fields(runtime, runner, directory_log):
    riverside = directory_log.registered("Riverside Academy", **LEEDS)
    directory_log.closed(riverside, closed_on="2026-07-31")
    directory_log.deliver(runner)

    client = DEFINITION.create_app(runtime).test_client()
    [listed] = client.get("/api/institutions").json["institutions"]

    assert {
        k: listed[k] for k in ("local_authority_code", "careers_hub", "trust", "status", "closed_on")
    } == {
        "local_authority_code": "E08000035",
        "careers_hub": "West Yorkshire Careers Hub",
        "trust": "Aire Valley Learning Trust",
        "status": "closed",
        "closed_on": "2026-07-31",
    }
    assert "stream_version" not in listed


def test_upgrading_from_the_first_revision_rebuilds_the_read_model(runtime, directory_log):
    """Rows projected before reporting_0002 lack the new fields and missed updates and
    closures: the revision empties them and the positions, so the subscription starts
    over from the start of directory's log."""
    engine = runtime.engine
    config = alembic_config(engine, DEFINITION.migrations, DEFINITION.metadata)
    command.downgrade(config, "reporting_0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO institutions (institution_id, name, institution_type, registered_at)"
                " VALUES ('i-1', 'Riverside Academy', 'mainstream_secondary', '2026-12-01T09:00:00Z')"
            )
        )
        conn.execute(
            subscription_positions.insert().values(
                subscription="reporting",
                source="directory",
                partition=-1,
                commit_id=0,
                position=7,
                updated_at="2026-12-01T09:00:00Z",
            )
        )
        conn.execute(
            subscription_positions.insert().values(
                subscription="someone-else",
                source="directory",
                partition=-1,
                commit_id=0,
                position=7,
                updated_at="2026-12-01T09:00:00Z",
            )
        )

    runtime.migrate()

    with engine.connect() as conn:
        assert conn.execute(select(institutions)).all() == []
        assert conn.execute(select(subscription_positions.c.subscription)).scalars().all() == ["someone-else"]
    riverside = directory_log.registered("Riverside Academy", **LEEDS)
    directory_log.deliver(SubscriptionRunner(SUBSCRIPTION, engine))
    assert _row(runtime, riverside)["local_authority_code"] == "E08000035"
