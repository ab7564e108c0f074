"""Audit's demo data, on SQLite and PostgreSQL: from directory's demo institutions (as
its events deliver them to audit), every open institution gets a history of completed
evaluations, one each term of every past academic year since 2023/24, under Gatsby
2018 and then Gatsby 2025, improving over time and varied between institutions, and
one evaluation in progress; the termly snapshots are filled and every
``AuditCompleted`` keeps to its contract."""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

import pytest
from directory_events import DirectoryLog

from waymark_audit import demo, views
from waymark_audit.adapters import roster
from waymark_audit.adapters.contracts import registry
from waymark_audit.adapters.institutions import SUBSCRIPTION as INSTITUTIONS
from waymark_audit.adapters.tables import evaluations
from waymark_audit.domain.results import academic_year, school_day
from waymark_audit.service import DEFINITION
from waymark_audit.service_layer.evaluations import load_evaluation
from waymark_shared.messaging.subscriptions import SubscriptionRunner

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
PAST_YEARS = ("2023/24", "2024/25", "2025/26")
TYPES = (
    "mainstream_secondary",
    "mainstream_secondary",
    "special_school",
    "alternative_provision",
    "fe_college",
    "sixth_form_college",
)
INSTITUTIONS_SEEDED = 18


def _learner(log: DirectoryLog, institution_id: str, year_group: int) -> None:
    learner_id = str(uuid.uuid4())
    data = {
        "learner_id": learner_id,
        "institution_id": institution_id,
        "year_group": year_group,
        "cohort": f"{2037 - year_group}/{(2038 - year_group) % 100:02d}",
        "form_group": None,
        "sen_status": "N",
        "disadvantaged": False,
    }
    log.append("LearnerEnrolled", data, stream_id=f"learner-{learner_id}", subject=institution_id)


@pytest.fixture
def seeded(runtime) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Eighteen open institutions of every type, one with a roster, and a closed one;
    audit's demo seeded over them."""
    log = DirectoryLog()
    ids = [
        log.registered(f"Demo {n}", institution_type=TYPES[n % len(TYPES)])
        for n in range(INSTITUTIONS_SEEDED)
    ]
    closed = log.registered("Closed School")
    log.closed(closed, closed_on="2026-07-31")
    for year in range(7, 12):
        for _ in range(20 + year):
            _learner(log, ids[0], year)
    for subscription in (INSTITUTIONS, roster.SUBSCRIPTION):
        log.deliver(SubscriptionRunner(subscription, runtime.engine))
    started = time.perf_counter()
    demo.seed_demo(runtime, now=NOW)
    elapsed = time.perf_counter() - started
    with runtime.engine.connect() as conn:
        rows = [
            dict(r._mapping) for r in conn.execute(evaluations.select().order_by(evaluations.c.started_at))
        ]
    by_institution: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_institution[row["institution_id"]].append(row)
    return {"ids": ids, "closed": closed, "rows": by_institution, "elapsed": elapsed}


def _term(completed_at: str) -> str:
    day = school_day(datetime.fromisoformat(completed_at))
    return {9: "autumn", 10: "autumn", 11: "autumn", 12: "autumn", 1: "spring", 2: "spring", 3: "spring"}.get(
        day.month, "summer"
    )


def test_audit_seeds_its_demo_data():
    assert DEFINITION.seed_demo is demo.seed_demo


def test_every_institution_has_an_evaluation_each_term_of_the_past_years(runtime, seeded):
    assert set(seeded["rows"]) == set(seeded["ids"])  # the closed one takes none
    for institution_id in seeded["ids"]:
        rows = seeded["rows"][institution_id]
        done = [r for r in rows if r["status"] == "completed"]
        terms = {
            (academic_year(school_day(datetime.fromisoformat(r["completed_at"]))), _term(r["completed_at"]))
            for r in done
        }
        for year in PAST_YEARS:
            assert {term for y, term in terms if y == year} == {"autumn", "spring", "summer"}, (
                institution_id,
                year,
            )
        assert all(datetime.fromisoformat(r["completed_at"]) < NOW for r in done)
        [in_progress] = [r for r in rows if r["status"] == "in_progress"]
        assert in_progress["started_at"] > max(r["completed_at"] for r in done)
        assert in_progress["answered"] > 0
        assert in_progress["copied_from"] == max(done, key=lambda r: r["completed_at"])["evaluation_id"]


def test_both_frameworks_each_where_it_was_in_force(seeded):
    for rows in seeded["rows"].values():
        frameworks = {r["framework_id"] for r in rows}
        assert frameworks == {"gatsby-2018", "gatsby-2025"}
        for row in rows:
            started = datetime.fromisoformat(row["started_at"]).date()
            expected = "gatsby-2018" if started < date(2025, 9, 1) else "gatsby-2025"
            assert row["framework_id"] == expected
        later = [r for r in rows if r is not rows[0]]
        assert all(r["copied_from"] for r in later)  # each one a copy of the last, updated


def test_answers_improve_over_time_and_vary_between_institutions(runtime, seeded):
    """Under each framework an institution never does worse than last time, and most do
    better by the end (some may already meet everything, or stand still a while)."""
    histories = set()
    improved: dict[str, int] = defaultdict(int)
    for rows in seeded["rows"].values():
        done = sorted((r for r in rows if r["status"] == "completed"), key=lambda r: r["completed_at"])
        histories.add(tuple(r["benchmarks_achieved"] for r in done))
        for framework_id in ("gatsby-2018", "gatsby-2025"):
            runs = [r for r in done if r["framework_id"] == framework_id]
            totals = [sum(b["percentage"] or 0 for b in r["result"]["benchmarks"]) for r in runs]
            assert totals == sorted(totals), (framework_id, totals)
            improved[framework_id] += totals[-1] > totals[0]
    assert min(improved.values()) > INSTITUTIONS_SEEDED // 2, improved
    assert len(histories) > INSTITUTIONS_SEEDED // 2


def test_the_termly_snapshots_of_past_years_are_filled(runtime, seeded):
    for institution_id in seeded["ids"]:
        years = {y["academic_year"]: y for y in views.history(runtime, institution_id, today=NOW.date())}
        assert set(PAST_YEARS) <= set(years)
        for year in PAST_YEARS:
            snapshots = years[year]["termly_snapshots"]
            taken = [s["evaluation_id"] for s in snapshots]
            assert None not in taken and len(set(taken)) == 3, (institution_id, year, snapshots)
            assert all(s["benchmarks_achieved"] is not None for s in snapshots)


def test_audit_completed_events_keep_to_their_contract(runtime, seeded):
    completed = [e for e in runtime.store.read_all(limit=100_000) if e.name == "AuditCompleted"]
    expected = sum(r["status"] == "completed" for rows in seeded["rows"].values() for r in rows)
    assert len(completed) == expected >= INSTITUTIONS_SEEDED * 9
    for event in completed:
        assert registry.validate("AuditCompleted", event.data) == event.data
        assert datetime.fromisoformat(event.data["completed_at"]) < NOW
        assert event.actor == "demo-seed"


def test_the_rostered_institution_answers_with_numbers_of_learners(runtime, seeded):
    def counted(institution_id: str) -> bool:
        rows = seeded["rows"][institution_id]
        evaluation = load_evaluation(rows[-2]["evaluation_id"], runtime)
        assert evaluation is not None
        return any(
            isinstance(answer, dict) and "count" in answer
            for value in evaluation.answers.values()
            if isinstance(value, dict)
            for answer in value.values()
        )

    assert counted(seeded["ids"][0])
    assert not any(counted(institution_id) for institution_id in seeded["ids"][1:])


def test_seeding_is_quick(seeded):
    assert seeded["elapsed"] < 20, f"seeding {INSTITUTIONS_SEEDED} institutions took {seeded['elapsed']:.1f}s"
