"""Destinations: importing 2,000 destinations, the cohort view of 300 leavers and the
worklist of 1,500 tracked learners, under gunicorn over HTTP.

Each backend gets a freshly migrated destinations database (SQLite file or a temporary
PostgreSQL database). Institutions and learners are put straight into destinations'
``institutions`` and ``learners`` tables, as its subscriptions to directory would; the
destinations are recorded through the import (untimed, except where it is the figure),
so events, tables and rules are exactly what careers staff would make. Tokens are a
careers leader's, signed with a key generated for the run and published to gunicorn as
a JWKS document. The rules stand on the machine's date (gunicorn has no test clock), and
the cohorts are chosen relative to it.

Figures:

* **import 2,000**: ``POST /api/institutions/<id>/destinations/imports`` with a CSV of
  ``--destinations-import-rows`` (2,000) rows, one a leaver of a fresh institution,
  every row valid (the local authority's status, so no consent is needed), end to end
  over HTTP: parse, check every row against the learner, append 2,000 events, update
  the tables. The median of ``--repeat`` imports (quick 1). Target under 5 s
  (ratio is 5 s / the figure). The same file again (nothing written) is reported too;
* **cohort view**: ``GET .../destinations/cohorts`` (the API) and the cohort page for
  an institution whose latest leaving cohort has ``--destinations-leavers`` (300)
  leavers (and the three before it as many, all with destinations, some judged), each
  request alone on one connection (latency, no queueing), ``--destinations-requests``
  (200; quick 30) timed after a warm-up. Target p95 under 100 ms;
* **worklist**: ``GET .../destinations/worklist`` (the API) and the page for an
  institution with ``--destinations-tracked`` (1,500) tracked learners (three leaving
  cohorts and this year's Year 11, a fifth with no destination, some NEET, some judged),
  the same way. Target p95 under 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

from bench.figures import Figure
from bench.serving import Call, drive_once_each, gunicorn, jwks, percentiles, send, warm_up
from waymark_destinations.adapters.tables import institutions, learners
from waymark_destinations.domain import calendar
from waymark_destinations.service import DEFINITION
from waymark_destinations.service_layer.clock import today
from waymark_destinations.service_layer.imports import import_destinations
from waymark_destinations.service_layer.recording import judge_destination
from waymark_shared.auth import CAREERS_LEADER, Grant, Principal
from waymark_shared.auth.tokens import SigningKey, issue_token
from waymark_shared.config import Settings
from waymark_shared.service import ServiceRuntime, bootstrap
from waymark_shared.testing.databases import temporary_postgres_database

BENCHMARK = "destinations"
TARGET_IMPORT_S = 5.0
TARGET_P95_MS = 100.0
CATEGORIES = ("fe_college", "school_sixth_form", "sixth_form_college", "fe_college", "school_sixth_form",
              "apprenticeship_advanced", "employment", "neet", "not_known")  # fmt: skip
HEADER = "learner_id,leaving_point,category,provider,start_date,source\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("destinations")
    group.add_argument("--destinations-import-rows", type=int, default=2000, help="rows imported (2,000)")
    group.add_argument("--destinations-leavers", type=int, default=300, help="leavers a cohort (300)")
    group.add_argument("--destinations-tracked", type=int, default=1500, help="tracked learners (1,500)")
    group.add_argument("--destinations-requests", type=int, default=None, help="timed requests (200; quick 30)")


def run(args: argparse.Namespace) -> list[Figure]:
    key = SigningKey.generate()
    requests_ = args.destinations_requests or (30 if args.quick else 200)
    figures: list[Figure] = []
    for backend in args.backends:
        with migrated_runtime(backend) as (runtime, url):
            world = BenchWorld(runtime, key)
            imports = [world.import_file(args.destinations_import_rows) for _ in range(args.repeat)]
            cohort_school = world.cohort_school(args.destinations_leavers)
            tracked_school = world.tracked_school(args.destinations_tracked)
            env = {"WAYMARK_DESTINATIONS_DATABASE_URL": url}
            with jwks(key) as jwks_url, gunicorn("destinations", {**env, "WAYMARK_JWKS_URL": jwks_url}) as server:
                figures += _import_figures(backend, server.port, world, imports, args.destinations_import_rows)
                for label, path, school, target in (
                    ("cohort view API", "/api/institutions/{i}/destinations/cohorts", cohort_school, TARGET_P95_MS),
                    ("cohort view page", "/institutions/{i}", cohort_school, None),
                    ("worklist API", "/api/institutions/{i}/destinations/worklist", tracked_school, TARGET_P95_MS),
                    ("worklist page", "/institutions/{i}/worklist", tracked_school, None),
                ):  # fmt: skip
                    note = (f"{args.destinations_leavers} leavers a cohort" if school == cohort_school
                            else f"{args.destinations_tracked} tracked learners")  # fmt: skip
                    figures += _latency_figures(backend, server.port, world, label, path.format(i=school),
                                                school, requests_, target, note)  # fmt: skip
    return figures


@contextmanager
def migrated_runtime(backend: str) -> Iterator[tuple[ServiceRuntime, str]]:
    with _database(backend) as url:
        env = {"WAYMARK_DESTINATIONS_DATABASE_URL": url, "WAYMARK_ENV": "test", "LOG_LEVEL": "warning"}
        with tempfile.TemporaryDirectory(prefix="waymark-bench-destinations-") as data_dir:
            runtime = bootstrap(DEFINITION, Settings.from_env("destinations", env, data_dir=Path(data_dir)))
            runtime.migrate()
            try:
                yield runtime, url
            finally:
                runtime.dispose()


@contextmanager
def _database(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="waymark-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'destinations.sqlite3'}"
    else:
        with temporary_postgres_database() as url:
            yield url


class BenchWorld:
    """Institutions and learners straight into destinations' tables (as its subscriptions
    would put them), destinations through the import."""

    def __init__(self, runtime: ServiceRuntime, key: SigningKey):
        self.runtime = runtime
        self.key = key
        self.day = today(runtime)
        self.latest = calendar.start_year(calendar.academic_year_of(self.day)) - 1  # the latest leavers' Year 11

    def institution(self, name: str) -> str:
        institution_id = str(uuid.uuid4())
        with self.runtime.engine.begin() as conn:
            conn.execute(institutions.insert().values(
                institution_id=institution_id, name=name, institution_type="mainstream_secondary",
                status="open", high_age=16, stream_version=1,
            ))  # fmt: skip
        return institution_id

    def leavers(self, institution_id: str, cohort_start: int, count: int, *, on_roll: bool = False) -> list[str]:
        cohort = calendar.year_name(cohort_start)
        ids = [str(uuid.uuid4()) for _ in range(count)]
        rows = [
            {"learner_id": lid, "institution_id": institution_id, "year_group": 11, "cohort": cohort,
             "form_group": f"11{'ABCDEF'[n % 6]}", "on_roll": on_roll,
             "leaving_date": None if on_roll else date(cohort_start + 1, 7, 17), "stream_version": 2}
            for n, lid in enumerate(ids)
        ]  # fmt: skip
        with self.runtime.engine.begin() as conn:
            conn.execute(learners.insert(), rows)
        return ids

    def csv(self, ids: list[str], cohort_start: int, offset: int = 0) -> bytes:
        lines = [
            f"{lid},ks4,{CATEGORIES[(n + offset) % len(CATEGORIES)]},,{cohort_start + 1}-09-07,local_authority\n"
            for n, lid in enumerate(ids)
        ]
        return (HEADER + "".join(lines)).encode()

    def import_file(self, rows: int) -> tuple[str, bytes]:
        school = self.institution("Import Academy")
        ids = self.leavers(school, self.latest, rows)
        return school, self.csv(ids, self.latest)

    def cohort_school(self, leavers: int) -> str:
        school = self.institution("Cohort Academy")
        for back in range(4):
            start = self.latest - back
            ids = self.leavers(school, start, leavers)
            # One in six left without a destination recorded.
            import_destinations(self.runtime, school, self.csv(ids[: leavers * 5 // 6], start, back))
            self._judge(ids[: leavers * 5 // 6], start)
        return school

    def tracked_school(self, tracked: int) -> str:
        school = self.institution("Tracked Academy")
        each = tracked // 5
        for back in range(3):
            start = self.latest - back
            ids = self.leavers(school, start, each + (each // 3 if back == 0 else 0))
            import_destinations(self.runtime, school, self.csv(ids[: len(ids) * 4 // 5], start, back))
            self._judge(ids[: len(ids) // 2], start)
        self.leavers(school, self.latest + 1, tracked - 3 * each - each // 3, on_roll=True)  # this year's Year 11
        return school

    def _judge(self, ids: list[str], start: int) -> None:
        if date(start + 2, 4, 1) > self.day:
            return  # not judgeable yet
        for lid in ids[::2]:
            try:
                judge_destination(self.runtime, lid, leaving_point="ks4", outcome="sustained",
                                  source="local_authority")  # fmt: skip
            except ValueError:
                continue  # a status (NEET, not known): not judged

    def token(self, institution_id: str) -> str:
        principal = Principal("bench-leader", grants=(Grant(CAREERS_LEADER, "institution", institution_id),))
        return issue_token(principal, self.key, lifetime_s=3600)


def _import_figures(backend: str, port: int, world: BenchWorld, imports, rows: int) -> list[Figure]:  # type: ignore[no-untyped-def]
    import http.client

    seconds, again = [], []
    for school, content in imports:
        headers = {"Authorization": f"Bearer {world.token(school)}", "Content-Type": "text/csv"}
        call: Call = ("POST", f"/api/institutions/{school}/destinations/imports", headers, content)
        for kept in (seconds, again):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            begun = time.perf_counter()
            status, body = send(connection, call)
            kept.append(time.perf_counter() - begun)
            connection.close()
            if status >= 300 and kept is seconds:
                raise RuntimeError(f"import refused: {status} {body[:300]!r}")
    median = statistics.median(seconds)
    return [
        Figure(BENCHMARK, backend, f"import {rows:,} destinations (HTTP)", median, "s",
               note=f"median of {len(seconds)}; CSV POST end to end; ratio is 5 s / time",
               ratio=TARGET_IMPORT_S / median, baseline="5 s", target=1.0),
        Figure(BENCHMARK, backend, f"import the same {rows:,} again", statistics.median(again), "s",
               note="every row unchanged: nothing written"),
    ]  # fmt: skip


def _latency_figures(  # noqa: PLR0917 (one figure's inputs)
    backend: str, port: int, world: BenchWorld, label: str, path: str, school: str, count: int,
    target: float | None, note: str,
) -> list[Figure]:  # fmt: skip
    headers = {"Authorization": f"Bearer {world.token(school)}"}
    if not path.startswith("/api/"):
        headers = {"Cookie": f"waymark_token={world.token(school)}", "Accept": "text/html"}
    calls: list[Call] = [("GET", path, headers, None)] * count
    _, failed = warm_up(port, calls, connections=4, each=5)
    if failed is not None:
        return [Figure(BENCHMARK, backend, f"{label} p95", 0.0, "ms", note=f"not measured: {failed[:80]}")]
    load = drive_once_each(port, calls)
    p50, p95 = percentiles(load.timings, 50, 95)
    figure = Figure(BENCHMARK, backend, f"{label} p95", p95, "ms", note=f"{note}; {len(load.timings)} timed")
    if target is not None:
        figure = replace(figure, note=f"{figure.note}; ratio is {target:g} ms / p95", ratio=target / p95,
                         baseline=f"{target:g} ms", target=1.0)  # fmt: skip
    return [Figure(BENCHMARK, backend, f"{label} p50", p50, "ms", note=f"{len(load.errors)} errors"), figure]
