"""Audit: submitting an evaluation, loading one, and its results under gunicorn.

Each backend gets a freshly migrated audit database (SQLite file or a temporary
PostgreSQL database) with ``--audit-institutions`` schools (default 40; quick 8) put
straight into audit's ``institutions`` table (as its subscription to directory would),
each with a realistic history, made untimed through the command handlers at past
dates: ``--audit-history`` completed evaluations (default 6), one a term from autumn
2024, the first three against Gatsby 2018 and the rest against Gatsby 2025, each a copy
of the last one where the framework is the same, with about a fifth of the answers
changed, and every question answered (evidence a paragraph), saved in eight parts, one
a benchmark, as the questionnaire saves them. Tokens are signed with a key generated
for the run: in-process through ``runtime.extras["token_keys"]``, under gunicorn
through a JWKS document served by the benchmark (``WAYMARK_JWKS_URL``). Every caller
is the institution's careers leader.

Figures, each after a warm-up, ``--audit-requests`` (default 200; quick 30) timed each:

* **submit**: an evaluation of the real ``gatsby-2025`` framework, every question of
  the school type answered (74) and saved (untimed), then submitted: the handler
  (``submit_evaluation``: read the stream, check nothing required is missing, score,
  append ``AuditCompleted``, update the list) and ``POST .../submit`` through the Flask
  test client (authentication, permissions, the same, and the evaluation as answered);
* **load**: ``GET /api/evaluations/<id>`` of an evaluation in progress with 150
  questions answered (a 150-question framework built from gatsby-2025 by repeating its
  criteria, given through ``runtime.extras["frameworks"]``), saved in eight parts;
  the same saved one question at a time (151 events); and the real framework's 74. The
  handler figure is ``load_evaluation`` and ``evaluation_detail`` alone;
* **results**: ``waymark serve audit --workers 2`` on a free port, driven for
  ``--audit-seconds`` (15; quick 5) by ``--audit-clients`` (8) threads, each with its
  own keep-alive ``http.client`` connection, each request the results of a random
  completed evaluation of a random institution (and the change since the one before).
  If audit has an HTML results page, it is driven the same way.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.figures import Figure
from bench.serving import drive, get, gunicorn, jwks, percentiles, warm_up
from waymark_audit import views
from waymark_audit.adapters import framework_files
from waymark_audit.adapters.tables import institutions
from waymark_audit.domain.frameworks import (
    EVIDENCE,
    NUMBER,
    SHARE_BANDS,
    SINGLE_CHOICE,
    YEAR_GROUP_SHARE,
    YES_NO,
    Benchmark,
    Criterion,
    Framework,
    Question,
)
from waymark_audit.entrypoints.schemas import EvaluationResponse
from waymark_audit.service import DEFINITION
from waymark_audit.service_layer.evaluations import (
    Frameworks,
    load_evaluation,
    save_answers,
    start_evaluation,
    submit_evaluation,
)
from waymark_shared.auth import Grant, Principal
from waymark_shared.auth.tokens import JwksKeySource, SigningKey, issue_token
from waymark_shared.config import Settings
from waymark_shared.service import ServiceRuntime, bootstrap
from waymark_shared.testing.databases import temporary_postgres_database

BENCHMARK = "audit"
TARGET_SUBMIT_P95_MS = 100.0
TARGET_LOAD_P95_MS = 50.0
TARGET_RESULTS_PER_S = 150.0
SCHOOL = "school"
LEADER = "careers_leader"
REAL = "gatsby-2025"
BIG_QUESTIONS = 150
BIG_ID = "bench-gatsby-2025-150"
# One completed evaluation a term: three against Gatsby 2018, then Gatsby 2025.
TERMS = (
    datetime(2024, 11, 20, 10, tzinfo=UTC),
    datetime(2025, 3, 12, 10, tzinfo=UTC),
    datetime(2025, 7, 2, 10, tzinfo=UTC),
    datetime(2025, 11, 19, 10, tzinfo=UTC),
    datetime(2026, 3, 11, 10, tzinfo=UTC),
    datetime(2026, 7, 1, 10, tzinfo=UTC),
    datetime(2026, 10, 14, 10, tzinfo=UTC),
    datetime(2026, 11, 18, 10, tzinfo=UTC),
)
EVIDENCE_TEXT = (
    "The careers programme is published on the school website and reviewed each summer by the "
    "careers leader with the link governor; the last review added employer encounters for Year 8 "
    "and a destinations survey. Minutes of the review and the action plan are in the shared drive."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("audit")
    group.add_argument(
        "--audit-institutions", type=int, default=None, help="institutions with a history (default 40)"
    )
    group.add_argument(
        "--audit-history",
        type=int,
        default=6,
        help=f"completed evaluations each (default 6, at most {len(TERMS)})",
    )
    group.add_argument(
        "--audit-requests", type=int, default=None, help="timed requests per figure (default 200)"
    )
    group.add_argument("--audit-seconds", type=float, default=None, help="gunicorn run length (default 15 s)")
    group.add_argument("--audit-clients", type=int, default=8, help="concurrent HTTP clients (default 8)")


def run(args: argparse.Namespace) -> list[Figure]:
    count = args.audit_requests or (30 if args.quick else 200)
    places = args.audit_institutions or (8 if args.quick else 40)
    history = max(1, min(args.audit_history, len(TERMS)))
    seconds = args.audit_seconds or (5.0 if args.quick else 15.0)
    key = SigningKey.generate()
    figures: list[Figure] = []
    for backend in args.backends:
        with migrated_runtime(backend, key) as (runtime, url):
            bench = AuditBench(runtime, key)
            started = time.perf_counter()
            completed = bench.make_history(places, history)
            made_s = time.perf_counter() - started
            figures += bench.submit_figures(backend, count)
            figures += bench.load_figures(backend, count)
            note = f"{places} institutions x {history} completed evaluations (made in {made_s:.0f}s)"
            for label, address in bench.results_addresses():
                figures += gunicorn_figures(
                    backend, url, key, bench, completed, label, address, seconds, args.audit_clients, note
                )
    return figures


# -- frameworks and answers -----------------------------------------------------------


def big_framework(
    base: Framework, questions: int = BIG_QUESTIONS, evaluation_type: str = SCHOOL
) -> Framework:
    """``base`` with its criteria repeated (new criterion and question ids) until the
    evaluation type is asked exactly ``questions`` questions."""
    asked = len(base.for_type(evaluation_type).questions())
    extra: dict[int, list[Criterion]] = {b.number: [] for b in base.benchmarks}
    copy = 1
    while asked < questions:
        copy += 1
        for benchmark in base.benchmarks:
            for criterion in benchmark.criteria:
                if asked >= questions:
                    break
                if evaluation_type not in criterion.evaluation_types:
                    continue
                keep = criterion.questions[: questions - asked]
                number = len(benchmark.criteria) + len(extra[benchmark.number]) + 1
                extra[benchmark.number].append(
                    replace(
                        criterion,
                        id=f"{benchmark.number}.{number}",
                        questions=tuple(replace(q, id=f"{q.id}_{copy}") for q in keep),
                    )
                )
                asked += len(keep)
    benchmarks = tuple(
        Benchmark(b.number, b.title, b.criteria + tuple(extra[b.number])) for b in base.benchmarks
    )
    framework = replace(base, id=BIG_ID, title=f"{base.title}, {questions} questions", benchmarks=benchmarks)
    assert len(framework.for_type(evaluation_type).questions()) == questions
    return framework


def answer(question: Question, rng: random.Random) -> Any:
    if question.answer_type == YES_NO:
        return "yes" if rng.random() < 0.7 else "no"
    if question.answer_type == SINGLE_CHOICE:
        return rng.choice(question.options).value
    if question.answer_type == YEAR_GROUP_SHARE:
        return {str(year): rng.choice(SHARE_BANDS[1:]) for year in question.year_groups}
    if question.answer_type == NUMBER:
        return rng.randint(0, 12)
    assert question.answer_type == EVIDENCE
    return EVIDENCE_TEXT


def full_answers(framework: Framework, rng: random.Random) -> dict[str, Any]:
    return {qid: answer(q, rng) for qid, q in framework.for_type(SCHOOL).questions().items()}


def parts(framework: Framework, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The answers as the questionnaire saves them: one part a benchmark."""
    found = [
        {q.id: answers[q.id] for c in b.criteria for q in c.questions if q.id in answers}
        for b in framework.for_type(SCHOOL).benchmarks
    ]
    return [part for part in found if part]


# -- the database ---------------------------------------------------------------------


@contextmanager
def migrated_runtime(backend: str, key: SigningKey) -> Iterator[tuple[ServiceRuntime, str]]:
    with _database(backend) as url:
        env = {"WAYMARK_AUDIT_DATABASE_URL": url, "WAYMARK_ENV": "test", "LOG_LEVEL": "warning"}
        with tempfile.TemporaryDirectory(prefix="waymark-bench-audit-") as data_dir:
            runtime = bootstrap(DEFINITION, Settings.from_env("audit", env, data_dir=Path(data_dir)))
            runtime.migrate()
            runtime.extras["token_keys"] = JwksKeySource(lambda: {"keys": [key.public_jwk()]})
            try:
                yield runtime, url
            finally:
                runtime.dispose()


@contextmanager
def _database(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="waymark-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'audit.sqlite3'}"
    else:
        with temporary_postgres_database() as url:
            yield url


def _uuid(kind: int, number: int) -> str:
    return f"{kind:08d}-{number:04d}-4000-8000-000000000000"


class AuditBench:
    """One backend's audit: institutions, their histories, and callers."""

    def __init__(self, runtime: ServiceRuntime, key: SigningKey):
        self.runtime = runtime
        self.key = key
        self.real = framework_files.load_framework(REAL)
        self.big = big_framework(self.real)
        self._for_day: Callable[[Any], Framework] = framework_files.framework_for
        runtime.extras["frameworks"] = Frameworks(self._load, self._in_force)
        self.app = DEFINITION.create_app(runtime)
        self.client = self.app.test_client()
        self._tokens: dict[str, str] = {}
        self._next = 0

    def _in_force(self, day: Any) -> Framework:
        return self._for_day(day)

    def _load(self, framework_id: str) -> Framework:
        return self.big if framework_id == BIG_ID else framework_files.load_framework(framework_id)

    def institution(self, number: int | None = None) -> str:
        if number is None:
            self._next += 1
            number = 1000 + self._next
        institution_id = _uuid(1, number)
        with self.runtime.engine.begin() as conn:
            conn.execute(
                institutions.insert().values(
                    institution_id=institution_id,
                    institution_type="mainstream_secondary",
                    evaluation_type=SCHOOL,
                    status="open",
                    careers_hub="Aire Valley Careers Hub",
                    trust=None,
                    stream_version=1,
                )
            )
        return institution_id

    def token(self, institution_id: str) -> str:
        if institution_id not in self._tokens:
            principal = Principal(
                f"leader-{institution_id[:8]}-{institution_id[9:13]}",
                "person",
                "A careers leader",
                grants=(Grant(LEADER, "institution", institution_id),),
            )
            self._tokens[institution_id] = issue_token(principal, self.key, lifetime_s=4 * 3600)
        return self._tokens[institution_id]

    def headers(self, institution_id: str, **more: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(institution_id)}", **more}

    def answered(
        self,
        institution_id: str,
        answers: dict[str, Any],
        framework: Framework,
        *,
        copy: bool = False,
        now: datetime | None = None,
        one_at_a_time: bool = False,
    ) -> tuple[str, int]:
        """An evaluation started (or copied) and ``answers`` saved: its id and version."""
        evaluation, _ = start_evaluation(self.runtime, institution_id, copy_last=copy, now=now)
        version = evaluation.version
        chunks = [{k: v} for k, v in answers.items()] if one_at_a_time else parts(framework, answers)
        for part in chunks:
            version = save_answers(self.runtime, evaluation.evaluation_id, part, version, now=now).version
        return evaluation.evaluation_id, version

    def make_history(self, places: int, history: int) -> list[tuple[str, str]]:
        """(institution id, evaluation id) of every completed evaluation."""
        rng = random.Random(17)
        completed = []
        for number in range(places):
            institution_id = self.institution(number)
            previous: dict[str, Any] = {}
            previous_framework = None
            for term in TERMS[-history:]:
                framework = framework_files.framework_for(term.date())
                fresh = full_answers(framework, rng)
                copy = previous_framework is framework
                if copy:  # carried over, with about a fifth changed
                    answers = {k: (fresh[k] if rng.random() < 0.2 else v) for k, v in previous.items()}
                    changed = {k: v for k, v in answers.items() if previous[k] != v}
                else:
                    answers = changed = fresh
                evaluation_id, version = self.answered(
                    institution_id, changed if copy else answers, framework, copy=copy, now=term
                )
                submit_evaluation(self.runtime, evaluation_id, version, now=term)
                completed.append((institution_id, evaluation_id))
                previous, previous_framework = answers, framework
        return completed

    # -- submit -------------------------------------------------------------------------

    def submit_figures(self, backend: str, count: int) -> list[Figure]:
        rng = random.Random(23)
        institution_id = self.institution()
        warm = max(10, count // 10)

        def prepared() -> tuple[str, int]:
            return self.answered(institution_id, full_answers(self.real, rng), self.real)

        handler_ms, request_ms = [], []
        for number in range(warm + count):
            evaluation_id, version = prepared()
            begun = time.perf_counter()
            done = submit_evaluation(self.runtime, evaluation_id, version)
            elapsed = (time.perf_counter() - begun) * 1000
            assert done.status == "completed"
            if number >= warm:
                handler_ms.append(elapsed)
        for number in range(warm + count):
            evaluation_id, version = prepared()
            headers = self.headers(institution_id, **{"If-Match": f'"{version}"'})
            begun = time.perf_counter()
            response = self.client.post(f"/api/evaluations/{evaluation_id}/submit", headers=headers)
            elapsed = (time.perf_counter() - begun) * 1000
            assert response.status_code == 200, response.json
            if number >= warm:
                request_ms.append(elapsed)
        asked = len(self.real.for_type(SCHOOL).questions())
        return [
            *_latency(
                backend, "submit (handler)", handler_ms, TARGET_SUBMIT_P95_MS, f"{REAL}, {asked} answered"
            ),
            *_latency(
                backend,
                "submit (test client)",
                request_ms,
                TARGET_SUBMIT_P95_MS,
                "POST .../submit, replies with the evaluation",
            ),
        ]

    # -- load ---------------------------------------------------------------------------

    def load_figures(self, backend: str, count: int) -> list[Figure]:
        rng = random.Random(29)
        figures = []
        cases = (
            (self.big, False, f"{BIG_QUESTIONS} answered", "in progress, saved in 8 parts"),
            (self.big, True, f"{BIG_QUESTIONS} answered, saved 1 at a time", "in progress, 151 events"),
            (
                self.real,
                False,
                f"{REAL}, {len(self.real.for_type(SCHOOL).questions())} answered",
                "in progress, saved in 8 parts",
            ),
        )
        for framework, one_at_a_time, label, how in cases:
            self._for_day = lambda day, framework=framework: framework  # type: ignore[misc]
            loaded = [
                (
                    institution_id,
                    *self.answered(
                        institution_id, full_answers(framework, rng), framework, one_at_a_time=one_at_a_time
                    ),
                )
                for institution_id in (self.institution() for _ in range(10))
            ]
            self._for_day = framework_files.framework_for
            warm = max(20, count // 10)
            handler_ms, request_ms = [], []
            for number in range(warm + count):
                _, evaluation_id, _ = loaded[number % len(loaded)]
                begun = time.perf_counter()
                evaluation = load_evaluation(evaluation_id, self.runtime)
                assert evaluation is not None
                body = EvaluationResponse().dump(views.evaluation_detail(self.runtime, evaluation))
                elapsed = (time.perf_counter() - begun) * 1000
                assert len(body["answers"]) == len(framework.for_type(SCHOOL).questions())
                if number >= warm:
                    handler_ms.append(elapsed)
            for number in range(warm + count):
                institution_id, evaluation_id, _ = loaded[number % len(loaded)]
                headers = self.headers(institution_id)
                begun = time.perf_counter()
                response = self.client.get(f"/api/evaluations/{evaluation_id}", headers=headers)
                elapsed = (time.perf_counter() - begun) * 1000
                assert response.status_code == 200, response.json
                if number >= warm:
                    request_ms.append(elapsed)
            size = len(
                self.client.get(f"/api/evaluations/{loaded[0][1]}", headers=self.headers(loaded[0][0])).data
            )
            target = TARGET_LOAD_P95_MS if framework is self.big and not one_at_a_time else None
            figures += _latency(backend, f"load {label} (handler)", handler_ms, target, how)
            figures += _latency(
                backend,
                f"load {label} (test client)",
                request_ms,
                target,
                f"GET /api/evaluations/<id>, {size / 1024:.0f} KiB",
            )
        return figures

    # -- results ------------------------------------------------------------------------

    def results_addresses(self) -> list[tuple[str, str]]:
        """The results routes: the API's, and a page's if audit has one."""
        found = [("results API", "/api/evaluations/{evaluation_id}/results")]
        for rule in self.app.url_map.iter_rules():
            page = "GET" in (rule.methods or ()) and not rule.rule.startswith("/api")
            if page and rule.rule.endswith("/results") and rule.arguments == {"evaluation_id"}:
                address = rule.rule.split("<")[0] + "{evaluation_id}" + rule.rule.split(">", 1)[1]
                found.append(("results page", address))
        return found


def _latency(
    backend: str, subject: str, timings: list[float], target: float | None, note: str
) -> list[Figure]:
    p50, p95 = percentiles(timings, 50, 95)
    p95_figure = Figure(BENCHMARK, backend, f"{subject} p95", p95, "ms", note=note)
    if target is not None:
        p95_figure = replace(
            p95_figure,
            note=f"{note}; ratio is {target:g} ms / p95",
            ratio=target / p95,
            baseline=f"{target:g} ms",
            target=1.0,
        )
    return [Figure(BENCHMARK, backend, f"{subject} p50", p50, "ms", note=f"{len(timings)} timed"), p95_figure]


# -- gunicorn -------------------------------------------------------------------------


def gunicorn_figures(
    backend: str,
    url: str,
    key: SigningKey,
    bench: AuditBench,
    completed: list[tuple[str, str]],
    label: str,
    address: str,
    seconds: float,
    clients: int,
    history_note: str,
) -> list[Figure]:
    rng = random.Random(31)
    requests_ = [rng.choice(completed) for _ in range(5_000)]
    calls = [
        get(
            address.format(evaluation_id=evaluation_id),
            {"Authorization": f"Bearer {bench.token(institution_id)}"},
        )
        for institution_id, evaluation_id in requests_
    ]
    env = {"WAYMARK_AUDIT_DATABASE_URL": url}
    with jwks(key) as jwks_url, gunicorn("audit", {**env, "WAYMARK_JWKS_URL": jwks_url}) as server:
        sizes, failed = warm_up(server.port, calls)
        if failed is not None:
            print(f"audit {backend} {label}: {failed}\n{server.log_tail()}", file=sys.stderr)
            return [
                Figure(
                    BENCHMARK, backend, f"gunicorn {label} requests/s", 0.0, "req/s",
                    note=f"not measured: the warm-up got {failed[:60]}",
                    ratio=0.0, baseline=f"{TARGET_RESULTS_PER_S:g}/s", target=1.0,
                )
            ]  # fmt: skip
        load = drive(server.port, calls, seconds, clients)
        if load.errors:
            for error in sorted(set(load.errors))[:3]:
                print(f"audit {backend} {label}: {error}", file=sys.stderr)
            print(server.log_tail(), file=sys.stderr)
    rate = load.rate
    p50, p95 = load.percentiles(50, 95)
    note = (
        f"2 workers x 4 threads, {clients} keep-alive http.client connections, {len(load.timings):,} "
        f"requests, {len(load.errors)} errors"
    )
    return [
        Figure(
            BENCHMARK,
            backend,
            f"gunicorn {label} requests/s",
            rate,
            "req/s",
            note=note,
            ratio=rate / TARGET_RESULTS_PER_S,
            baseline=f"{TARGET_RESULTS_PER_S:g}/s",
            target=1.0,
        ),
        Figure(
            BENCHMARK,
            backend,
            f"gunicorn {label} p50 (client)",
            p50,
            "ms",
            note=f"{history_note}; {statistics.median(sizes) / 1024:.1f} KiB",
        ),
        Figure(
            BENCHMARK,
            backend,
            f"gunicorn {label} p95 (client)",
            p95,
            "ms",
            note="under full load, client on the same CPUs",
        ),
    ]
