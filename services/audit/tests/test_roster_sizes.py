"""Year-group sizes from directory's roster, on SQLite and PostgreSQL: audit's copy of
the roster (learners on roll per institution and year group) follows enrolments,
updates and leavers, is idempotent and rebuilt by a replay, takes a 2,000-learner
import as one batch; and the lifecycle judges a number of learners against it (save,
progress, submit, results), while an institution whose roster is unknown is scored as
before.

Directory's learner events are built here and checked against the contracts directory
publishes; audit never imports directory."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from directory_events import DirectoryLog

from waymark_audit import views
from waymark_audit.adapters import roster
from waymark_audit.adapters.institutions import SUBSCRIPTION as INSTITUTIONS
from waymark_audit.adapters.tables import roster_learners
from waymark_audit.domain.evaluations import InvalidAnswers
from waymark_audit.domain.frameworks import (
    YEAR_GROUP_SHARE,
    YES_NO,
    Benchmark,
    Criterion,
    Framework,
    Question,
)
from waymark_audit.domain.scoring import ACHIEVED, IN_PROGRESS, unjudged_message
from waymark_audit.entrypoints.schemas import ResultsResponse
from waymark_audit.service import DEFINITION
from waymark_audit.service_layer.evaluations import (
    Frameworks,
    load_evaluation,
    save_answers,
    start_evaluation,
    submit_evaluation,
)
from waymark_shared.messaging.subscriptions import SubscriptionRunner

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def log() -> DirectoryLog:
    return DirectoryLog()


@pytest.fixture
def runners(runtime):  # type: ignore[no-untyped-def]
    return SubscriptionRunner(INSTITUTIONS, runtime.engine), SubscriptionRunner(
        roster.SUBSCRIPTION, runtime.engine
    )


def _deliver(log: DirectoryLog, runners) -> None:  # type: ignore[no-untyped-def]
    for runner in runners:
        log.deliver(runner)


def _sizes(runtime, institution_id: str) -> dict[int, int]:  # type: ignore[no-untyped-def]
    return roster.year_group_sizes(runtime, institution_id)


# -- the read model -------------------------------------------------------------------


def test_sizes_count_learners_on_roll_per_year_group(runtime, log, runners):
    school, other = log.registered(), log.registered("Hillcrest School")
    tens = [log.enrolled(school, 10) for _ in range(3)]
    elevens = [log.enrolled(school, 11) for _ in range(2)]
    log.enrolled(other, 10)
    log.left(school, tens[0])
    log.learner_updated(school, tens[1], 11)  # moved up a year
    log.erased(school, elevens[0])  # personal data gone in directory; still on roll
    _deliver(log, runners)

    assert _sizes(runtime, school) == {10: 1, 11: 3}
    assert _sizes(runtime, other) == {10: 1}
    assert _sizes(runtime, str(uuid.uuid4())) == {}  # a roster audit has not heard of: unknown

    log.enrolled(school, 10, learner_id=tens[0])  # back on roll
    log.left(school, elevens[1])
    _deliver(log, runners)
    assert _sizes(runtime, school) == {10: 2, 11: 2}


def test_a_year_group_everyone_left_is_unknown_not_empty(runtime, log, runners):
    school = log.registered()
    learner = log.enrolled(school, 9)
    log.enrolled(school, 10)
    log.left(school, learner)
    _deliver(log, runners)
    assert _sizes(runtime, school) == {10: 1}


def test_events_applied_again_change_nothing(runtime, log, runners):
    """Redelivered from another partition (so past the runner's own check) or out of
    order: a row only moves to a later version of its learner's stream."""
    school = log.registered()
    learner = log.enrolled(school, 10)
    log.learner_updated(school, learner, 11)
    log.left(school, learner)
    log.enrolled(school, 11)
    _deliver(log, runners)
    before = _sizes(runtime, school)

    with runtime.engine.begin() as conn:
        roster.on_learner_events(list(reversed(log.events[1:])), conn)
        roster.on_learner_events(log.events[1:2], conn)  # the first enrolment alone
    assert _sizes(runtime, school) == before == {11: 1}
    with runtime.engine.connect() as conn:
        row = conn.execute(roster_learners.select().where(roster_learners.c.learner_id == learner)).one()
    assert (row.on_roll, row.year_group, row.stream_version) == (False, 11, 3)


def test_a_change_to_a_learner_audit_never_heard_enrolled_is_parked(runtime, log, runners):
    school = log.registered()
    stranger = str(uuid.uuid4())
    log.enrolled(school, 10, learner_id=stranger)
    log.learner_updated(school, stranger, 11)
    log.enrolled(school, 10)
    _, roster_runner = runners

    result = log.deliver(roster_runner, [log.events[0], *log.events[2:]])  # its enrolment is missing

    assert (result.applied, result.parked) == (2, 1)
    assert [p.event.id for p in roster_runner.parked.list()] == [log.events[2].id]
    assert _sizes(runtime, school) == {10: 1}


def test_a_replay_rebuilds_the_same_sizes(runtime, log, runners):
    school = log.registered()
    learners = [log.enrolled(school, 7 + n % 5) for n in range(40)]
    for learner in learners[::7]:
        log.left(school, learner)
    _deliver(log, runners)
    before = _sizes(runtime, school)

    _, roster_runner = runners
    roster_runner.reset()
    assert _sizes(runtime, school) == {}
    log.deliver(roster_runner)
    assert _sizes(runtime, school) == before
    assert sum(before.values()) == 40 - len(learners[::7])


def test_a_whole_import_of_two_thousand_learners_is_one_quick_batch(runtime, log, runners):
    school = log.registered()
    _deliver(log, runners)
    first = len(log.events)
    learners = [log.enrolled(school, 7 + n % 7) for n in range(2000)]
    for learner in learners[:100]:
        log.left(school, learner)
    _, roster_runner = runners

    started = time.perf_counter()
    result = log.deliver(roster_runner, log.events[first:])
    elapsed = time.perf_counter() - started

    assert (result.applied, result.parked) == (2100, 0)
    sizes = _sizes(runtime, school)
    assert sum(sizes.values()) == 1900 and set(sizes) == set(range(7, 14))
    assert elapsed < 5, f"2,100 learner events took {elapsed:.2f}s"


# -- the lifecycle judges numbers of learners against the roster ----------------------

FRAMEWORK = Framework(
    id="roster-test",
    title="A framework with shares of learners",
    in_force_from=date(2025, 9, 1),
    in_force_until=None,
    benchmarks=(
        Benchmark(
            3,
            "Addressing the needs of each learner",
            (
                Criterion(
                    "3.1",
                    "Every learner has a record",
                    (
                        Question(
                            "bm3.all", "Which learners have a record?", YEAR_GROUP_SHARE, year_groups=(10, 11)
                        ),
                    ),
                ),
                Criterion(
                    "3.2",
                    "Most learners have had guidance",
                    (
                        Question(
                            "bm3.most",
                            "Which learners have had guidance?",
                            YEAR_GROUP_SHARE,
                            year_groups=(10, 11),
                            meets="most",
                        ),
                    ),
                ),
            ),
        ),
        Benchmark(
            1, "A stable programme", (Criterion("1.1", "Written", (Question("bm1.plan", "Plan?", YES_NO),)),)
        ),
    ),
)
COUNTS = {
    "bm3.all": {"10": {"count": 30}, "11": {"count": 25}},  # every learner on roll: all
    "bm3.most": {"10": {"count": 16}, "11": {"count": 13}},  # above half: most
    "bm1.plan": "yes",
}


@pytest.fixture
def rostered(runtime, log, runners):  # type: ignore[no-untyped-def]
    """A school whose roster has 30 learners in Year 10 and 25 in Year 11, and one
    whose roster audit does not know."""
    runtime.extras["frameworks"] = Frameworks({FRAMEWORK.id: FRAMEWORK}.__getitem__, lambda day: FRAMEWORK)
    school, unknown = log.registered(), log.registered("Hillcrest School")
    for year, size in ((10, 30), (11, 25)):
        for _ in range(size):
            log.enrolled(school, year)
    _deliver(log, runners)
    assert _sizes(runtime, school) == {10: 30, 11: 25}
    return school, unknown


def _criteria(result: dict[str, Any]) -> dict[str, str]:
    return {c["criterion_id"]: c["status"] for b in result["benchmarks"] for c in b["criteria"]}


def test_a_number_of_learners_is_judged_all_or_most_against_the_roster(runtime, rostered):
    school, _ = rostered
    evaluation, _ = start_evaluation(runtime, school, now=NOW)
    evaluation = save_answers(runtime, evaluation.evaluation_id, COUNTS, evaluation.version, now=NOW)

    detail = views.evaluation_detail(runtime, evaluation)
    assert {row["number"]: row["percentage"] for row in detail["progress"]} == {3: 100, 1: 100}
    shown = views.evaluation_results(runtime, evaluation)
    assert _criteria(shown) == {"3.1": ACHIEVED, "3.2": ACHIEVED, "1.1": ACHIEVED}
    assert shown["unjudged"] == []

    completed = submit_evaluation(runtime, evaluation.evaluation_id, evaluation.version, now=NOW)
    assert completed.completed is not None
    assert completed.completed.benchmarks_achieved == 2
    [event] = [
        e
        for e in runtime.store.read_stream(f"evaluation-{evaluation.evaluation_id}")
        if e.name == "AuditCompleted"
    ]
    assert {c["criterion_id"]: c["status"] for c in event.data["criteria"]} == {
        "3.1": ACHIEVED,
        "3.2": ACHIEVED,
        "1.1": ACHIEVED,
    }
    shown = views.evaluation_results(runtime, load_evaluation(evaluation.evaluation_id, runtime))
    assert shown["benchmarks_achieved"] == 2


def test_fewer_than_the_whole_year_group_is_not_all(runtime, rostered):
    school, _ = rostered
    evaluation, _ = start_evaluation(runtime, school, now=NOW)
    answers = {
        **COUNTS,
        "bm3.all": {"10": {"count": 29}, "11": {"count": 25}},
        "bm3.most": {"10": {"count": 15}, "11": {"count": 13}},
    }
    evaluation = save_answers(runtime, evaluation.evaluation_id, answers, evaluation.version, now=NOW)

    completed = submit_evaluation(runtime, evaluation.evaluation_id, evaluation.version, now=NOW)
    assert completed.completed is not None
    statuses = {c["criterion_id"]: c["status"] for c in completed.completed.criteria}
    # 29 of 30 is most, not all; 15 of 30 is half, not most.
    assert statuses == {"3.1": IN_PROGRESS, "3.2": IN_PROGRESS, "1.1": ACHIEVED}


def test_a_number_above_the_year_group_on_the_roster_is_refused_and_nothing_is_saved(runtime, rostered):
    school, _ = rostered
    evaluation, _ = start_evaluation(runtime, school, now=NOW)
    with pytest.raises(InvalidAnswers) as refused:
        save_answers(
            runtime, evaluation.evaluation_id, {"bm3.all": {"10": {"count": 31}}}, evaluation.version
        )
    assert refused.value.errors == {
        "bm3.all": ["Year 10: the roster has 30 learners in Year 10, so the number cannot be more than 30."]
    }
    assert load_evaluation(evaluation.evaluation_id, runtime).version == evaluation.version  # type: ignore[union-attr]


def test_the_roster_followed_after_a_save_is_what_submitting_judges(runtime, rostered, log, runners):
    """Two learners join Year 11 after the counts were saved: 25 of 27 is most, not all."""
    school, _ = rostered
    evaluation, _ = start_evaluation(runtime, school, now=NOW)
    evaluation = save_answers(runtime, evaluation.evaluation_id, COUNTS, evaluation.version, now=NOW)
    log.enrolled(school, 11)
    log.enrolled(school, 11)
    _deliver(log, runners)

    assert _criteria(views.evaluation_results(runtime, evaluation))["3.1"] == IN_PROGRESS
    completed = submit_evaluation(runtime, evaluation.evaluation_id, evaluation.version, now=NOW)
    assert completed.completed is not None
    assert {c["criterion_id"]: c["status"] for c in completed.completed.criteria}["3.1"] == IN_PROGRESS


def test_where_the_roster_is_unknown_counts_are_not_judged_and_bands_score_as_before(runtime, rostered):
    _, unknown = rostered
    evaluation, _ = start_evaluation(runtime, unknown, now=NOW)
    evaluation = save_answers(
        runtime, evaluation.evaluation_id, COUNTS, evaluation.version, now=NOW
    )  # no upper bound
    shown = views.evaluation_results(runtime, evaluation)
    assert _criteria(shown) == {"3.1": IN_PROGRESS, "3.2": IN_PROGRESS, "1.1": ACHIEVED}
    # The results say why: the roster does not give the year groups' sizes.
    assert ResultsResponse().dump(shown)["unjudged"] == [
        {"question_id": "bm3.all", "year_groups": [10, 11], "message": unjudged_message((10, 11))},
        {"question_id": "bm3.most", "year_groups": [10, 11], "message": unjudged_message((10, 11))},
    ]
    bands = {"bm3.all": {"10": "all", "11": "all"}, "bm3.most": {"10": "most", "11": "all"}}
    evaluation = save_answers(runtime, evaluation.evaluation_id, bands, evaluation.version, now=NOW)
    completed = submit_evaluation(runtime, evaluation.evaluation_id, evaluation.version, now=NOW)
    assert completed.completed is not None
    assert completed.completed.benchmarks_achieved == 2


def test_audit_declares_the_roster_subscription():
    assert roster.SUBSCRIPTION in DEFINITION.subscriptions
    assert roster.SUBSCRIPTION.sources == ("directory",)
