"""Planner: logging an activity with 300 participating learners, and the plan page of
a plan with 500 activities, under gunicorn.

Each backend gets a freshly migrated planner database (SQLite file or a temporary
PostgreSQL database). Directory's events for one secondary school with a roster of
``--planner-learners`` (default 1,500: 300 a year group, Years 7 to 11, in ten form
groups a year) and 40 listed providers are delivered through planner's own
subscriptions, as they would arrive from directory. Everything else goes through the
command handlers, untimed: a plan for 2026/27 with ``--planner-activities`` activities
(default 500), of every type, dated across the year; the ones dated before today (about
a third) delivered with a form group or two each (about 30–60 learners) and most of
those evaluated, a few cancelled. Tokens are signed with a key generated for the run and
published to gunicorn's workers as a JWKS document served by the benchmark; every caller
is the school's careers leader.

Figures, each after a warm-up:

* **log 300 learners**: ``POST /api/activities/<id>/delivery`` naming 300 learners by
  id (ActivityLogged with 300 ids, the participation rows, the activity's row), each
  request a new planned activity, one at a time on one keep-alive connection
  (``--planner-logs``, default 200; quick 30). Target: p95 below 150 ms. The handler
  alone (``log_activity``) is timed in-process too.
* **downloads**: ``GET /api/plans/<id>/export.docx`` and ``.xlsx`` of the 500-activity
  plan: the first one a worker serves (python-docx, openpyxl and matplotlib imported
  then), and the median of five more. Target: under 2 s each.
* **plan page**: ``GET /plans/<id>`` (the HTML page: by term and by benchmark, counts)
  of the 500-activity plan, one at a time (``--planner-requests``, default 300; quick
  50), then from ``--planner-clients`` (4) connections at once for
  ``--planner-seconds`` (10; quick 4). Target: p95 below 100 ms, one at a time. The
  API's ``GET /api/plans/<id>`` is measured the same way.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.figures import Figure
from bench.serving import Call, Load, drive, drive_once_each, get, gunicorn, jwks, percentiles, warm_up
from waymark_planner.domain.vocabulary import ACTIVITY_TYPES, MEANINGFUL_CHECKLIST
from waymark_planner.service import DEFINITION, SUBSCRIPTIONS
from waymark_planner.service_layer.activities import cancel_activity, plan_activity
from waymark_planner.service_layer.evaluation import evaluate_activity
from waymark_planner.service_layer.participation import log_activity
from waymark_planner.service_layer.plans import create_plan
from waymark_shared.auth import Grant, Principal
from waymark_shared.auth.tokens import TOKEN_COOKIE, JwksKeySource, SigningKey, issue_token
from waymark_shared.config import Settings
from waymark_shared.messaging.subscriptions import SubscriptionRunner
from waymark_shared.service import ServiceRuntime, bootstrap
from waymark_shared.testing.databases import temporary_postgres_database
from waymark_shared.testing.event_logs import ProducerLog

BENCHMARK = "planner"
TARGET_LOG_P95_MS = 150.0
TARGET_PAGE_P95_MS = 100.0
TARGET_EXPORT_MS = 2000.0
YEAR = "2026/27"
TODAY = date(2026, 12, 1)
PARTICIPANTS = 300
FORMS = "ABCDEFGHJK"
FEEDBACK_FROM = ("learners", "staff", "employers", "parents_carers")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("planner")
    group.add_argument("--planner-learners", type=int, default=1_500, help="the school's roster (1,500)")
    group.add_argument("--planner-activities", type=int, default=500, help="activities in the plan (500)")
    group.add_argument("--planner-logs", type=int, default=None, help="timed 300-learner logs (200)")
    group.add_argument("--planner-requests", type=int, default=None, help="timed page requests (300)")
    group.add_argument("--planner-seconds", type=float, default=None, help="concurrent run length (10 s)")
    group.add_argument("--planner-clients", type=int, default=4, help="concurrent connections (4)")


def run(args: argparse.Namespace) -> list[Figure]:
    logs = args.planner_logs or (30 if args.quick else 200)
    requests_ = args.planner_requests or (50 if args.quick else 300)
    seconds = args.planner_seconds or (4.0 if args.quick else 10.0)
    key = SigningKey.generate()
    figures: list[Figure] = []
    for backend in args.backends:
        with migrated_runtime(backend, key) as (runtime, url):
            school = School.build(runtime, args.planner_learners)
            started = time.perf_counter()
            plan_id = school.big_plan(args.planner_activities)
            made = f"{args.planner_activities} activities made in {time.perf_counter() - started:.0f}s"
            figures += school.handler_log_figures(backend, max(10, logs // 4))
            pending = school.planned_activities(logs + 20)
            env = {"WAYMARK_PLANNER_DATABASE_URL": url}
            with jwks(key) as jwks_url, gunicorn("planner", {**env, "WAYMARK_JWKS_URL": jwks_url}) as server:
                figures += download_figures(backend, server.port, school, plan_id, made)
                figures += log_figures(backend, server.port, school, pending, logs)
                for label, call in (
                    ("plan page", get(f"/plans/{plan_id}", school.cookie())),
                    ("plan API", get(f"/api/plans/{plan_id}", school.bearer())),
                ):
                    figures += read_figures(
                        backend, server.port, label, call, requests_, seconds, args.planner_clients, made
                    )
    return figures


@contextmanager
def migrated_runtime(backend: str, key: SigningKey) -> Iterator[tuple[ServiceRuntime, str]]:
    with _database(backend) as url, tempfile.TemporaryDirectory(prefix="waymark-bench-planner-") as data_dir:
        env = {"WAYMARK_PLANNER_DATABASE_URL": url, "WAYMARK_ENV": "test"}
        runtime = bootstrap(DEFINITION, Settings.from_env("planner", env, data_dir=Path(data_dir)))
        runtime.extras["token_keys"] = JwksKeySource(lambda: {"keys": [key.public_jwk()]})
        runtime.key = key  # type: ignore[attr-defined]
        try:
            runtime.migrate()
            yield runtime, url
        finally:
            runtime.dispose()


@contextmanager
def _database(backend: str) -> Iterator[str]:
    if backend == "postgres":
        with temporary_postgres_database() as url:
            yield url
    else:
        with tempfile.TemporaryDirectory(prefix="waymark-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'planner.sqlite3'}"


class School:
    """One school as planner knows it from directory's events, and its plan."""

    def __init__(self, runtime: ServiceRuntime, institution_id: str, forms: dict[str, list[str]]):
        self.runtime = runtime
        self.institution_id = institution_id
        self.forms = forms  # form group -> learner ids
        self.learners = [learner for group in forms.values() for learner in group]
        self.plan_id: str | None = None
        self.logging_plan_id: str | None = None
        self.rng = random.Random(5)  # noqa: S311 - benchmark data, not secrets
        principal = Principal(
            f"leader-{institution_id[:8]}",
            "person",
            "A careers leader",
            grants=(Grant("careers_leader", "institution", institution_id),),
        )
        self.token = issue_token(principal, runtime.key, lifetime_s=4 * 3600)  # type: ignore[attr-defined]

    @classmethod
    def build(cls, runtime: ServiceRuntime, learners: int) -> School:
        log = ProducerLog("directory")
        institution_id = str(uuid.uuid4())
        registered = {
            "institution_id": institution_id,
            "name": "Bench Academy",
            "institution_type": "mainstream_secondary",
            "low_age": 11,
            "high_age": 16,
        }
        log.append("InstitutionRegistered", registered, stream_id=f"institution-{institution_id}", subject=institution_id)
        forms: dict[str, list[str]] = {}
        for index in range(learners):
            year_group = 7 + index % 5
            form_group = f"{year_group}{FORMS[(index // 5) % len(FORMS)]}"
            learner_id = str(uuid.uuid4())
            forms.setdefault(form_group, []).append(learner_id)
            data = {
                "learner_id": learner_id,
                "institution_id": institution_id,
                "year_group": year_group,
                "cohort": f"{2026 + 11 - year_group}/{(2027 + 11 - year_group) % 100:02d}",
                "form_group": form_group,
                "sen_status": "N",
                "disadvantaged": index % 4 == 0,
            }
            log.append("LearnerEnrolled", data, stream_id=f"learner-{learner_id}", subject=institution_id)
        for number in range(40):
            provider_id = str(uuid.uuid4())
            listing = _listing(provider_id, f"Bench Employer {number}")
            log.append("ProviderListed", listing, stream_id=f"provider-{provider_id}", subject=provider_id)
        for subscription in SUBSCRIPTIONS:
            log.deliver(SubscriptionRunner(subscription, runtime.engine))
        return cls(runtime, institution_id, forms)

    def cookie(self) -> dict[str, str]:
        return {"Cookie": f"{TOKEN_COOKIE}={self.token}"}

    def bearer(self, **more: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **more}

    def _plan(self) -> str:
        if self.plan_id is None:
            now = datetime(2026, 9, 1, 9, tzinfo=UTC)
            objectives = (
                "Every learner has an employer encounter each year.",
                "Every Year 11 has a guidance interview by February.",
                "Every learner meets a technical education provider by Year 10.",
            )
            self.plan_id = create_plan(self.runtime, self.institution_id, YEAR, objectives=objectives, now=now)
        return self.plan_id

    def activity_fields(self, index: int) -> dict[str, Any]:
        types = list(ACTIVITY_TYPES)
        day = date(2026, 9, 1) + timedelta(days=(index * 7) % 360)
        return {
            "title": f"{ACTIVITY_TYPES[types[index % len(types)]]} {index + 1}",
            "activity_type": types[index % len(types)],
            "year_groups": [7 + index % 5, 7 + (index + 2) % 5],
            "date": day.isoformat(),
            "delivery": "in_person" if index % 3 else "virtual",
            "provider_access_encounter": types[index % len(types)] == "provider_encounter",
            "meaningful": list(MEANINGFUL_CHECKLIST)[: 2 + index % 5],
            "owner": "Careers leader",
            "description": "Planned with the year team; follows up last year's feedback.",
        }

    def big_plan(self, activities: int) -> str:
        """The plan with ``activities`` activities: the ones dated before today delivered
        for a form group or two (most evaluated), one in 20 of the rest cancelled."""
        plan_id = self._plan()
        forms = sorted(self.forms)
        for index in range(activities):
            fields = self.activity_fields(index)
            activity_id = plan_activity(self.runtime, plan_id, fields)
            day = date.fromisoformat(fields["date"])
            if day < TODAY:
                groups = self.rng.sample(forms, 1 + index % 2)
                log_activity(self.runtime, activity_id, day, form_groups=groups, meaningful=fields["meaningful"])
                if index % 4:
                    feedback = [
                        {"from": source, "rating": 1 + (index + n) % 5, "responses": 10 + n, "comment": "Useful."}
                        for n, source in enumerate(FEEDBACK_FROM[: 1 + index % 4])
                    ]
                    evaluate_activity(self.runtime, activity_id, feedback, summary="Went as planned.")
            elif index % 20 == 0:
                cancel_activity(self.runtime, activity_id, "The visit was called off.")
        return plan_id

    def planned_activities(self, count: int) -> list[str]:
        """``count`` more planned activities (of a plan of their own, so the big plan stays
        as it is), for the log figures."""
        if self.logging_plan_id is None:
            self.logging_plan_id = create_plan(self.runtime, self.institution_id, "2025/26", objectives=("Logging",))
        plan_id = self.logging_plan_id
        fields = {**self.activity_fields(0), "date": None, "term": "spring"}
        return [plan_activity(self.runtime, plan_id, fields) for _ in range(count)]

    def participants(self) -> list[str]:
        return self.rng.sample(self.learners, PARTICIPANTS)

    def handler_log_figures(self, backend: str, count: int) -> list[Figure]:
        timings = []
        for activity_id in self.planned_activities(count):
            learners = self.participants()
            begun = time.perf_counter()
            log_activity(self.runtime, activity_id, date(2026, 3, 10), learner_ids=learners)
            timings.append((time.perf_counter() - begun) * 1000)
        p50, p95 = percentiles(timings, 50, 95)
        note = f"log_activity, {PARTICIPANTS} learner ids, {count} timed"
        return [
            Figure(BENCHMARK, backend, "log 300 learners (handler) p50", p50, "ms", note=note),
            Figure(BENCHMARK, backend, "log 300 learners (handler) p95", p95, "ms", note="in-process"),
        ]


def log_figures(backend: str, port: int, school: School, pending: list[str], count: int) -> list[Figure]:
    def call(activity_id: str) -> Call:
        body = json.dumps({"delivered_on": "2026-03-10", "learner_ids": school.participants()}).encode()
        headers = school.bearer(**{"Content-Type": "application/json"})
        return ("POST", f"/api/activities/{activity_id}/delivery", headers, body)

    warm, timed = pending[:20], pending[20 : 20 + count]
    _, failed = warm_up(port, [call(a) for a in warm], connections=2, each=10)
    if failed is not None:
        return [_not_measured(backend, "log 300 learners (HTTP) p95", failed, TARGET_LOG_P95_MS)]
    load = drive_once_each(port, [call(a) for a in timed])
    return _latency(backend, "log 300 learners (HTTP)", load, TARGET_LOG_P95_MS, "POST .../delivery, one at a time")


def download_figures(backend: str, port: int, school: School, plan_id: str, made: str) -> list[Figure]:
    """The plan as Word and Excel through the API, end to end (the view, the file, the
    response): the first download a fresh worker serves (its imports included), then the
    median of five more."""
    figures = []
    for extension in ("docx", "xlsx"):
        call = get(f"/api/plans/{plan_id}/export.{extension}", school.bearer())
        first = drive_once_each(port, [call])
        again = drive_once_each(port, [call] * 5)
        if first.errors or again.errors:
            figures.append(_not_measured(backend, f"plan .{extension} download", (first.errors or again.errors)[0], 2000))
            continue
        for label, value in (("first", first.timings[0]), ("again, median", statistics.median(again.timings))):
            figures.append(
                Figure(
                    BENCHMARK, backend, f"plan .{extension} download, {label}", value, "ms",
                    note=made if label == "first" else "GET /api/plans/<id>/export, whole response",
                    ratio=TARGET_EXPORT_MS / value, baseline=f"{TARGET_EXPORT_MS:g} ms", target=1.0,
                )
            )  # fmt: skip
    return figures


def read_figures(  # noqa: PLR0913
    backend: str, port: int, label: str, call: Call, count: int, seconds: float, clients: int, made: str
) -> list[Figure]:
    sizes, failed = warm_up(port, [call] * 40, connections=4, each=10)
    if failed is not None:
        return [_not_measured(backend, f"{label} p95", failed, TARGET_PAGE_P95_MS)]
    single = drive_once_each(port, [call] * count)
    note = f"{made}; {sizes[-1] / 1024:.0f} KiB"
    figures = _latency(backend, label, single, TARGET_PAGE_P95_MS, note)
    loaded = drive(port, [call], seconds, clients)
    p95 = loaded.percentiles(95)[0]
    figures.append(
        Figure(
            BENCHMARK, backend, f"{label} p95, {clients} at once", p95, "ms",
            note=f"{loaded.rate:.0f} req/s, {len(loaded.errors)} errors, client on the same CPUs",
        )
    )  # fmt: skip
    return figures


def _latency(backend: str, subject: str, load: Load, target: float, note: str) -> list[Figure]:
    if load.errors:
        print(f"planner {backend} {subject}: {sorted(set(load.errors))[:2]}")
    p50, p95 = load.percentiles(50, 95)
    return [
        Figure(BENCHMARK, backend, f"{subject} p50", p50, "ms", note=f"{len(load.timings)} timed, {len(load.errors)} errors"),
        Figure(
            BENCHMARK, backend, f"{subject} p95", p95, "ms", note=note,
            ratio=target / p95 if p95 else 0.0, baseline=f"{target:g} ms", target=1.0,
        ),
    ]  # fmt: skip


def _not_measured(backend: str, subject: str, failed: str, target: float) -> Figure:
    return Figure(
        BENCHMARK, backend, subject, 0.0, "ms", note=f"not measured: {failed[:80]}",
        ratio=0.0, baseline=f"{target:g} ms", target=1.0,
    )  # fmt: skip


def _listing(provider_id: str, name: str) -> dict[str, Any]:
    return {
        "provider_id": provider_id,
        "name": name,
        "description": "Employer talks and workplace visits.",
        "provider_type": "employer",
        "benchmarks": [5, 6],
        "key_stages": ["ks3", "ks4"],
        "send_suitable": True,
        "subjects": [],
        "cost": "free",
        "delivery": "in_person",
        "national": True,
    }
