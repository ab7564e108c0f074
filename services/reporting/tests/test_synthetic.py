"""The synthetic national dataset: the same seed makes the same events, every event is
valid against its producer's contracts, the nation has the shape domain.md describes,
no learner data names a pupil, and reporting's subscriptions apply it all."""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from waymark_reporting.service import DEFINITION
from waymark_reporting.synthetic import SOURCES, NationalDataset, Parameters, sized, write_to_stores
from waymark_reporting.synthetic.geography import REGIONS
from waymark_reporting.synthetic.log import check, producer_registry
from waymark_shared.events.envelope import RecordedEvent
from waymark_shared.messaging.embedded import EmbeddedTransport
from waymark_shared.messaging.subscriptions import EMBEDDED_PARTITION, Delivery, SubscriptionRunner
from waymark_shared.service import ServiceRuntime, discover
from waymark_shared.testing.event_logs import migrated_runtime

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
PERSONAL = {"name", "first_name", "surname", "upn", "date_of_birth", "dob", "address", "email", "phone"}


def small(**changes: Any) -> NationalDataset:
    return NationalDataset(Parameters(institutions=30, validate_every=0).with_(**changes))


def envelope(event: RecordedEvent) -> tuple[object, ...]:
    return (event.id, event.type, event.subject, event.time, event.data, event.stream_id,
            event.stream_version, event.checkpoint)  # fmt: skip


def test_the_same_seed_makes_the_same_events_and_another_seed_others() -> None:
    first, again, other = small(seed=11), small(seed=11), small(seed=12)
    for source in SOURCES:
        events = [envelope(event) for event in first.events(source)]
        assert events, source
        assert events == [envelope(event) for event in again.events(source)], source
        assert events != [envelope(event) for event in other.events(source)], source


def test_every_event_of_a_small_dataset_is_valid_and_as_its_producer_stores_it() -> None:
    dataset = small(institutions=40, validate_every=1)  # the generator checks each one too
    for source in SOURCES:
        registry = producer_registry(source)
        versions: dict[str, int] = {}
        previous_time = ""
        for position, event in enumerate(dataset.events(source), 1):
            check(registry, event.name, event.data)
            assert event.source == f"/waymark/{source}"
            assert event.checkpoint.position == position
            versions[event.stream_id] = versions.get(event.stream_id, 0) + 1
            assert event.stream_version == versions[event.stream_id], event.stream_id
            assert event.time >= previous_time
            previous_time = event.time
            assert UUID4.match(event.id)


def test_it_makes_every_kind_of_event_reporting_needs() -> None:
    dataset = small()
    names = {source: Counter(event.name for event in dataset.events(source)) for source in SOURCES}
    assert set(names["directory"]) == {
        "InstitutionRegistered",
        "LearnerEnrolled",
        "LearnerUpdated",
        "LearnerLeft",
    }
    assert names["directory"]["InstitutionRegistered"] == 30
    assert names["audit"]["AuditStarted"] == names["audit"]["AuditCompleted"] == 30 * 3 * 2
    assert names["planner"]["PlanCreated"] == 30 * 3
    for name in ("ActivityPlanned", "ActivityLogged", "ActivityEvaluated", "ActivityCancelled"):
        assert names["planner"][name] > 0, name
    assert (
        names["planner"]["ActivityLogged"]
        > names["planner"]["ActivityEvaluated"]
        > names["planner"]["ActivityCancelled"]
    )
    for name in ("DestinationConsentRecorded", "DestinationRecorded", "DestinationSustained",
                 "DestinationNotSustained"):  # fmt: skip
        assert names["destinations"][name] > 0, name


def test_participants_are_learners_directory_enrolled_at_that_institution() -> None:
    dataset = small()
    enrolled = {
        (event.data["institution_id"], event.data["learner_id"])
        for event in dataset.events("directory")
        if event.name == "LearnerEnrolled"
    }
    logged = [event for event in dataset.events("planner") if event.name == "ActivityLogged"]
    named = [(e.data["institution_id"], learner) for e in logged for learner in e.data["learner_ids"]]
    assert named and set(named) <= enrolled
    destinations = {(e.data["institution_id"], e.data["learner_id"]) for e in dataset.events("destinations")}
    assert destinations and destinations <= enrolled


@pytest.fixture(scope="module")
def nation() -> NationalDataset:
    return NationalDataset(Parameters(institutions=600, validate_every=0))


def test_institutions_spread_across_the_nine_regions_hubs_trusts_and_authorities(
    nation: NationalDataset,
) -> None:
    institutions = nation.institutions
    regions = Counter(institution.region for institution in institutions)
    assert set(regions) == set(REGIONS)
    for region, (share, _, _) in REGIONS.items():
        assert abs(regions[region] / len(institutions) - share) < 0.04, region
    hubs = Counter(institution.careers_hub for institution in institutions if institution.careers_hub)
    assert 30 <= len(hubs) <= 45
    assert abs(sum(hubs.values()) / len(institutions) - 0.96) < 0.03
    assert len({i.trust for i in institutions if i.trust}) > 50
    assert len({i.local_authority_code for i in institutions}) > 80
    assert all(re.match(r"^E\d{8}$", i.local_authority_code) for i in institutions)
    types = Counter(institution.institution_type for institution in institutions)
    assert types.most_common(1)[0][0] == "mainstream_secondary"
    assert len(types) == 6


def test_destinations_follow_the_national_shape(nation: NationalDataset) -> None:
    recorded: Counter[str] = Counter()
    sustained = 0
    for event in nation.events("destinations"):
        if event.data.get("leaving_point") != "ks4":
            continue
        if event.name == "DestinationRecorded":
            recorded[event.data["category"]] += 1
        elif event.name == "DestinationSustained":
            sustained += 1
    total = sum(recorded.values())
    assert total > 2000
    assert abs(sustained / total - 0.94) < 0.02  # 94% sustained (2014/15 leavers)
    assert abs(recorded["fe_college"] / total - 0.37) < 0.03
    assert abs(recorded["school_sixth_form"] / total - 0.37) < 0.03
    assert abs(recorded["sixth_form_college"] / total - 0.11) < 0.02


def test_benchmark_results_improve_and_hubs_do_better(nation: NationalDataset) -> None:
    hub = {i.institution_id: i.careers_hub is not None for i in nation.institutions}
    by_evaluation: dict[str, list[int]] = defaultdict(list)
    by_hub: dict[bool, list[int]] = defaultdict(list)
    for event in nation.events("audit"):
        if event.name == "AuditCompleted":
            achieved = event.data["benchmarks_achieved"]
            by_evaluation[event.data["completed_at"][:10]].append(achieved)
            by_hub[hub[event.data["institution_id"]]].append(achieved)
            assert all(0 <= b["percentage"] <= 100 for b in event.data["benchmarks"])
    means = [statistics.mean(by_evaluation[day]) for day in sorted(by_evaluation)]
    # Within the 2018 framework (the first four), each evaluation better than the last.
    assert means[:4] == sorted(means[:4]) and means[3] - means[0] > 0.3
    assert 5.0 < means[-1] < 7.0
    assert statistics.mean(by_hub[True]) - statistics.mean(by_hub[False]) > 1.0


def test_no_learner_data_names_a_pupil_and_learner_ids_are_random_uuids() -> None:
    dataset = small()

    def keys(value: object) -> Iterator[str]:
        if isinstance(value, dict):
            for key, inner in value.items():
                yield key
                yield from keys(inner)
        elif isinstance(value, list):
            for inner in value:
                yield from keys(inner)

    learner_ids = set()
    for source in SOURCES:
        for event in dataset.events(source):
            if event.name in ("InstitutionRegistered", "AuditStarted", "AuditCompleted"):
                continue  # an institution's name is not a pupil's; evaluations are about programmes
            assert not PERSONAL & set(keys(event.data)), (source, event.name)
            if "learner_id" in event.data:
                learner_ids.add(event.data["learner_id"])
    assert len(learner_ids) > 500
    assert all(UUID4.match(learner_id) for learner_id in learner_ids)


def test_sized_parameters_make_about_the_events_asked_for() -> None:
    parameters = sized(20_000, Parameters(validate_every=0))
    total = sum(NationalDataset(parameters).count().values())
    assert abs(total - 20_000) / 20_000 < 0.15


def test_reporting_subscriptions_apply_a_small_dataset_with_nothing_parked(runtime: ServiceRuntime) -> None:
    dataset = small(institutions=15)
    assert DEFINITION.subscriptions
    for subscription in DEFINITION.subscriptions:
        runner = SubscriptionRunner(subscription, runtime.engine)
        for source in subscription.sources:
            wanted = sum(1 for event in dataset.events(source) if event.type in subscription.event_types)
            applied = 0
            for batch in dataset.batches(source, 1000):
                result = runner.apply(Delivery(source, EMBEDDED_PARTITION, batch))
                assert result.parked == 0, runner.parked.list()[0].error
                applied += result.applied
            assert applied == sum(1 for _ in dataset.events(source))
            assert wanted > 0, (subscription.name, source)
        assert runner.parked.count() == 0


@pytest.mark.parametrize("bulk", [False, True], ids=["append", "bulk"])
def test_written_into_the_producers_stores_it_replays_into_reporting(tmp_path: Path, bulk: bool) -> None:
    dataset = small(institutions=10)
    services = discover()
    with ExitStack() as stack:
        runtimes = {
            source: stack.enter_context(
                migrated_runtime(
                    services[source], f"sqlite:///{tmp_path / source}.sqlite3", tmp_path / source
                )
            )
            for source in (*SOURCES, "reporting")
        }
        written = write_to_stores(dataset, {source: runtimes[source] for source in SOURCES}, bulk=bulk)
        for source in SOURCES:
            stored = list(runtimes[source].store.iter_all())
            generated = list(dataset.events(source))
            assert written[source] == len(stored) == len(generated)
            assert [
                (e.id, e.type, e.subject, e.time, e.stream_id, e.stream_version, e.data) for e in stored
            ] == [(e.id, e.type, e.subject, e.time, e.stream_id, e.stream_version, e.data) for e in generated]
            assert runtimes[source].store.read_all(limit=len(stored), validate=True)  # valid as stored
        feeds = {source: runtimes[source].store for source in SOURCES}
        for subscription in DEFINITION.subscriptions:
            runner = SubscriptionRunner(subscription, runtimes["reporting"].engine)
            transport = EmbeddedTransport(runner, feeds)
            assert transport.run_until_caught_up() == sum(written[s] for s in subscription.sources)
            assert runner.parked.count() == 0


def test_a_dataset_until_a_day_has_nothing_after_it_and_the_rest_unchanged() -> None:
    whole = small(first_year=2024, years=3)
    until = date(2026, 12, 1)
    cut = small(first_year=2024, years=3, until=until)
    for source in SOURCES:
        events = list(cut.events(source))
        assert events, source
        assert all(event.time[:10] <= until.isoformat() for event in events), source
        # What happened by then is as the whole dataset has it (the log up to where it stops).
        kept = {event.id for event in events}
        assert {event.id for event in whole.events(source) if event.id in kept} == kept
    planner = list(cut.events("planner"))
    names = Counter(event.name for event in planner)
    delivered = {e.data["activity_id"] for e in planner if e.name in ("ActivityLogged", "ActivityCancelled")}
    this_year = [e for e in planner if e.name == "ActivityPlanned" and e.data["date"] >= "2026-09-01"]
    assert names["PlanCreated"] == 30 * 3
    assert any(e.data["activity_id"] not in delivered for e in this_year)  # still to come
    assert all(e.data["activity_id"] in delivered or e.data["date"] > until.isoformat() for e in this_year)
    assert all(e.data["delivered_on"] <= until.isoformat() for e in planner if e.name == "ActivityLogged")
    completed = [e.data["completed_at"] for e in cut.events("audit") if e.name == "AuditCompleted"]
    assert max(completed)[:10] <= until.isoformat() and len(completed) == 30 * (2 + 2 + 1)
    left = [e for e in cut.events("directory") if e.name == "LearnerLeft"]
    assert max(e.data["leaving_date"] for e in left) == "2026-07-21"
    judged = [e for e in cut.events("destinations") if e.name.startswith("DestinationSustained")]
    assert max(e.data["evidence_date"] for e in judged) < "2026-09-01"


def test_named_hubs_trusts_and_authority_codes_take_the_places_of_invented_ones() -> None:
    named = Parameters(institutions=300, validate_every=0).with_(
        hubs=(("Yorkshire and the Humber", "West Yorkshire Careers Hub"),),
        trusts=(("Yorkshire and the Humber", "Aire Valley Learning Trust"),),
        authority_codes=(("Leeds", "E08000035"),),
    )
    institutions = NationalDataset(named).institutions
    plain = NationalDataset(Parameters(institutions=300, validate_every=0)).institutions
    hub = [i for i in institutions if i.careers_hub == "West Yorkshire Careers Hub"]
    trust = [i for i in institutions if i.trust == "Aire Valley Learning Trust"]
    assert len(hub) >= 5 and {i.region for i in hub} == {"Yorkshire and the Humber"}
    assert len(trust) >= 3 and {i.region for i in trust} == {"Yorkshire and the Humber"}
    assert {i.local_authority_code for i in institutions if i.local_authority == "Leeds"} == {"E08000035"}
    # The same institutions otherwise: the same ids, places and sizes.
    assert [(i.institution_id, i.region, i.local_authority, i.cohort_size) for i in institutions] == [
        (i.institution_id, i.region, i.local_authority, i.cohort_size) for i in plain
    ]
    assert len({i.careers_hub for i in institutions if i.careers_hub}) == len(
        {i.careers_hub for i in plain if i.careers_hub}
    )
