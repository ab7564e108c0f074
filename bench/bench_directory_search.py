"""Provider search over 50,000 providers, and postcode lookups.

Providers: ``--search-providers`` (default 50,000; quick 5,000) listings from
``waymark_directory.demo_providers.generate_listings``, each placed at a real English
postcode drawn at random from the ONS data (so they cluster where people live), 6 %
national. They are loaded (untimed) straight into directory's ``provider_search``
table through ``search_row``, the function the inline projection uses, on a freshly
migrated database (SQLite file or a temporary PostgreSQL database).

Each search is at another random real English postcode, a distance of 5, 10, 15 or 25
miles and two filters (drawn from benchmark, key stage, subject, cost, delivery,
provider type, SEND), first page of 20, total counted. Figures, after a warm-up:

* **query**: ``search_providers`` alone (postcode lookup, SQL, rows to objects);
* **request**: ``GET /api/providers/search`` through the Flask test client (query
  validation, search, JSON);
* **gunicorn**: ``waymark serve directory --workers 2`` on a free port, driven for
  ``--search-seconds`` by ``--search-clients`` threads, each with its own keep-alive
  ``http.client`` connection (lighter than ``requests``); searches per second, and the p95 the clients saw. The client
  runs on the same machine, so it takes CPU from the server.

Postcode lookup: ``locate`` on random real postcodes across Great Britain after every
letter is loaded (the warm-up), p50/p95; plus the load time and the index's size.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import insert

from bench.figures import Figure
from bench.serving import drive, get, gunicorn, percentiles, warm_up
from waymark_directory.adapters import postcodes
from waymark_directory.adapters.provider_tables import provider_search
from waymark_directory.demo_providers import generate_listings
from waymark_directory.domain.providers import (
    BENCHMARKS,
    KEY_STAGES,
    PROVIDER_TYPES,
    SUBJECTS,
)
from waymark_directory.provider_views import ProviderQuery, search_providers
from waymark_directory.service import DEFINITION
from waymark_directory.service_layer.provider_handlers import listing_from_input, search_row
from waymark_shared.config import Settings
from waymark_shared.service import ServiceRuntime, bootstrap
from waymark_shared.testing.databases import temporary_postgres_database

BENCHMARK = "directory_search"
TARGET_P95_MS = 50.0
TARGET_PER_S = 200.0
TARGET_LOOKUP_P95_MS = 1.0
DISTANCES = (5, 10, 15, 25)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("directory_search")
    group.add_argument("--search-providers", type=int, default=None, help="providers loaded (default 50,000)")
    group.add_argument(
        "--search-requests", type=int, default=None, help="timed searches per figure (default 1,000)"
    )
    group.add_argument(
        "--search-seconds", type=float, default=None, help="gunicorn run length (default 15 s)"
    )
    group.add_argument("--search-clients", type=int, default=8, help="concurrent HTTP clients (default 8)")


def run(args: argparse.Namespace) -> list[Figure]:
    providers = args.search_providers or (5_000 if args.quick else 50_000)
    count = args.search_requests or (200 if args.quick else 1_000)
    seconds = args.search_seconds or (5.0 if args.quick else 15.0)
    figures = lookup_figures(200_000 if not args.quick else 20_000)
    english = english_postcodes()
    rng = random.Random(7)
    provider_postcodes = [rng.choice(english) for _ in range(providers)]
    for backend in args.backends:
        with migrated_runtime(backend) as (runtime, url):
            started = time.perf_counter()
            load(runtime, providers, provider_postcodes)
            loaded_s = time.perf_counter() - started
            figures += search_figures(backend, runtime, english, count, providers, loaded_s)
            figures += gunicorn_figures(backend, url, english, seconds, args.search_clients, providers)
    return figures


# -- postcodes ---------------------------------------------------------------------


def lookup_figures(count: int) -> list[Figure]:
    directory = postcodes.PostcodeDirectory()
    rss_before = _rss_mb()
    started = time.perf_counter()
    held = directory.load_all()
    load_s = time.perf_counter() - started
    rss_after = _rss_mb()
    everything = [loc.postcode for loc in directory.iter_postcodes()]
    rng = random.Random(3)
    sample = [rng.choice(everything) for _ in range(count)]
    # A few absent postcodes in every hundred, which fall back to their outcode's centroid.
    sample = [f"{pc[:-2]}ZZ" if i % 50 == 0 else pc for i, pc in enumerate(sample)]
    for postcode in sample[:1000]:
        directory.find(postcode)
    timings = []
    clock = time.perf_counter
    for postcode in sample:
        begun = clock()
        directory.find(postcode)
        timings.append((clock() - begun) * 1000)
    p50, p95, p99 = percentiles(timings, 50, 95, 99)
    note = f"{held:,} postcodes; all letters loaded in {load_s:.1f}s, index {directory.memory_bytes() / 1e6:.0f} MB"
    return [
        Figure(
            BENCHMARK,
            "memory",
            "postcode lookup p50",
            p50,
            "ms",
            note=f"{count:,} lookups, 2% outcode fallback",
        ),
        Figure(
            BENCHMARK,
            "memory",
            "postcode lookup p95",
            p95,
            "ms",
            note=f"p99 {p99:.3f} ms; ratio is {TARGET_LOOKUP_P95_MS:g} ms / p95",
            ratio=TARGET_LOOKUP_P95_MS / p95,
            baseline=f"{TARGET_LOOKUP_P95_MS:g} ms",
            target=1.0,
        ),
        Figure(BENCHMARK, "memory", "postcode data load", load_s, "s", note=note),
        Figure(
            BENCHMARK,
            "memory",
            "postcode data RSS growth",
            rss_after - rss_before,
            "MB",
            note="peak RSS, all letters",
        ),
    ]


def english_postcodes() -> list[str]:
    return [
        loc.postcode for loc in postcodes.directory().iter_postcodes() if (loc.la_code or "").startswith("E0")
    ]


# -- the database ------------------------------------------------------------------


@contextmanager
def migrated_runtime(backend: str) -> Iterator[tuple[ServiceRuntime, str]]:
    with _database(backend) as url:
        env = {"WAYMARK_DIRECTORY_DATABASE_URL": url, "WAYMARK_ENV": "test", "LOG_LEVEL": "warning"}
        with tempfile.TemporaryDirectory(prefix="waymark-bench-dir-") as data_dir:
            runtime = bootstrap(DEFINITION, Settings.from_env("directory", env, data_dir=Path(data_dir)))
            runtime.migrate()
            try:
                yield runtime, url
            finally:
                runtime.dispose()


@contextmanager
def _database(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="waymark-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'directory.sqlite3'}"
    else:
        with temporary_postgres_database() as url:
            yield url


def load(runtime: ServiceRuntime, count: int, places: list[str]) -> None:
    rows = []
    for number, values in enumerate(generate_listings(count, postcodes=places, seed=11)):
        listing = listing_from_input(values)
        rows.append(search_row(f"{number:08d}-0000-4000-8000-000000000000", listing))
    with runtime.engine.begin() as conn:
        for start in range(0, len(rows), 5_000):
            conn.execute(insert(provider_search), rows[start : start + 5_000])
    with runtime.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


# -- searches ----------------------------------------------------------------------


def random_search(rng: random.Random, english: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {"postcode": rng.choice(english), "distance": rng.choice(DISTANCES)}
    filters = {
        "benchmark": lambda: rng.choice(BENCHMARKS),
        "key_stage": lambda: rng.choice(KEY_STAGES),
        "subject": lambda: rng.choice(SUBJECTS),
        "cost": lambda: rng.choice(("free", "paid")),
        "delivery": lambda: rng.choice(("in_person", "virtual")),
        "provider_type": lambda: rng.choice(PROVIDER_TYPES),
        "send": lambda: "true",
    }
    for name in rng.sample(sorted(filters), 2):
        params[name] = filters[name]()
    return params


def as_query(params: dict[str, Any]) -> ProviderQuery:
    def many(name: str) -> tuple:  # type: ignore[type-arg]
        return (params[name],) if name in params else ()

    return ProviderQuery(
        postcode=params["postcode"],
        distance_miles=float(params["distance"]),
        benchmarks=many("benchmark"),
        key_stages=many("key_stage"),
        subjects=many("subject"),
        costs=many("cost"),
        deliveries=many("delivery"),
        provider_types=many("provider_type"),
        send_suitable=True if "send" in params else None,
    )


def search_figures(
    backend: str, runtime: ServiceRuntime, english: list[str], count: int, providers: int, loaded_s: float
) -> list[Figure]:
    rng = random.Random(5)
    searches = [random_search(rng, english) for _ in range(count + 100)]
    totals = []
    for params in searches[:100]:
        search_providers(runtime, as_query(params))
    query_ms = []
    for params in searches[100:]:
        begun = time.perf_counter()
        found = search_providers(runtime, as_query(params))
        query_ms.append((time.perf_counter() - begun) * 1000)
        totals.append(found.total)
    client = DEFINITION.create_app(runtime).test_client()
    for params in searches[:100]:
        client.get(f"/api/providers/search?{urlencode(params)}")
    request_ms = []
    for params in searches[100:]:
        begun = time.perf_counter()
        response = client.get(f"/api/providers/search?{urlencode(params)}")
        request_ms.append((time.perf_counter() - begun) * 1000)
        assert response.status_code == 200, response.json
    matched = f"median {statistics.median(totals):.0f} matches (of {providers:,}; loaded in {loaded_s:.0f}s)"
    figures = []
    for subject, timings, note in (("query", query_ms, matched), ("request (test client)", request_ms, "")):
        p50, p95 = percentiles(timings, 50, 95)
        figures.append(Figure(BENCHMARK, backend, f"{subject} p50", p50, "ms", note=note))
        figures.append(
            Figure(
                BENCHMARK,
                backend,
                f"{subject} p95",
                p95,
                "ms",
                note=f"radius + 2 filters; ratio is {TARGET_P95_MS:g} ms / p95",
                ratio=TARGET_P95_MS / p95,
                baseline=f"{TARGET_P95_MS:g} ms",
                target=1.0,
            )
        )
    return figures


# -- gunicorn ----------------------------------------------------------------------


def gunicorn_figures(
    backend: str, url: str, english: list[str], seconds: float, clients: int, providers: int
) -> list[Figure]:
    with gunicorn("directory", {"WAYMARK_DIRECTORY_DATABASE_URL": url}) as server:
        rng = random.Random(9)
        searches = [
            get(f"/api/providers/search?{urlencode(random_search(rng, english))}") for _ in range(5_000)
        ]
        _, failed = warm_up(server.port, searches, connections=1, each=200)  # both workers load the letters
        assert failed is None, failed
        load = drive(server.port, searches, seconds, clients)
    rate = load.rate
    p50, p95 = load.percentiles(50, 95)
    done, errors = load.timings, load.errors
    note = f"2 workers x 4 threads, {clients} keep-alive http.client connections, {len(done):,} searches, {len(errors)} errors"
    return [
        Figure(
            BENCHMARK,
            backend,
            "gunicorn searches/s",
            rate,
            "req/s",
            note=note,
            ratio=rate / TARGET_PER_S,
            baseline=f"{TARGET_PER_S:g}/s",
            target=1.0,
        ),
        Figure(BENCHMARK, backend, "gunicorn p50 (client)", p50, "ms", note=f"of {providers:,} providers"),
        Figure(
            BENCHMARK,
            backend,
            "gunicorn p95 (client)",
            p95,
            "ms",
            note="under full load, client on the same CPUs",
        ),
    ]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
