"""The reporting benchmark's dashboard figures (``bench_reporting`` calls
:func:`serving_figures` on its rebuilt read models): reporting under gunicorn, the
institution dashboard's API and page and the Ofsted pack's page, one request at a time
and from several clients at once, then the roll-ups (``bench/reporting_rollups.py``) on the same server. What
each figure measures: ``bench_reporting``'s docstring and bench/README.md.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.figures import Figure
from bench.reporting_rollups import rollup_figures
from bench.serving import Server, drive, drive_once_each, get, gunicorn, jwks, warm_up
from waymark_reporting.service import DEFINITION
from waymark_reporting.synthetic import NationalDataset
from waymark_reporting.synthetic.parameters import academic_year
from waymark_shared.auth import Grant, Principal
from waymark_shared.auth.tokens import SigningKey, issue_token
from waymark_shared.testing.event_logs import migrated_runtime

BENCHMARK = "reporting"
DASHBOARD_P95_MS = 200
LEADER = "careers_leader"


def serving_figures(
    url: str, dataset: NationalDataset, seconds: float, clients: int, requests: int
) -> list[Figure]:
    key = SigningKey.generate()
    rules = _rules(url)
    year = academic_year(dataset.parameters.academic_years[-1])
    rng = random.Random(17)
    chosen = [rng.choice(dataset.institutions).institution_id for _ in range(3_000)]
    tokens = {ident: _token(key, ident) for ident in set(chosen)}
    note = f"{dataset.parameters.institutions:,} institutions, year {year}"
    figures = []
    with (
        jwks(key) as jwks_url,
        gunicorn(
            "reporting", {"WAYMARK_REPORTING_DATABASE_URL": url, "WAYMARK_JWKS_URL": jwks_url}
        ) as server,
    ):
        for label, rule, path in (
            ("institution dashboard API", "/api/institutions/<uuid:institution_id>/dashboard",
             "/api/institutions/{id}/dashboard?year={year}"),
            ("institution dashboard page", "/institutions/<uuid:institution_id>", "/institutions/{id}?year={year}"),
            ("Ofsted pack page", "/institutions/<uuid:institution_id>/ofsted-pack",
             "/institutions/{id}/ofsted-pack"),
        ):  # fmt: skip
            if rule not in rules:
                figures.append(_not_measured(label, "no route yet", DASHBOARD_P95_MS))
                continue
            calls = [
                get(
                    path.format(id=ident, year=year.replace("/", "%2F")),
                    {"Authorization": f"Bearer {tokens[ident]}"},
                )
                for ident in chosen
            ]
            figures += _driven(server, label, calls, Driving(seconds, clients, requests), note)
        figures += rollup_figures(url, server, key, dataset, seconds=seconds, clients=clients)
    return figures


def _rules(url: str) -> set[str]:
    """Reporting's routes, from the app's url_map."""
    with (
        tempfile.TemporaryDirectory(prefix="waymark-bench-") as folder,
        migrated_runtime(DEFINITION, url, Path(folder)) as runtime,
    ):
        return {rule.rule for rule in DEFINITION.create_app(runtime).url_map.iter_rules()}


def _token(key: SigningKey, institution_id: str) -> str:
    principal = Principal(
        f"leader-{institution_id[:8]}", "person", "A careers leader",
        grants=(Grant(LEADER, "institution", institution_id),),
    )  # fmt: skip
    return issue_token(principal, key, lifetime_s=4 * 3600)


@dataclass(frozen=True)
class Driving:
    seconds: float  # each concurrent run
    clients: int  # connections at once
    requests: int  # one at a time


def _load_average() -> str:
    return "load {:.1f}/{:.1f}/{:.1f}".format(*os.getloadavg())


def _driven(server: Server, label: str, calls: list, how: Driving, note: str) -> list[Figure]:
    sizes, failed = warm_up(server.port, calls)
    if failed is not None:
        print(f"reporting {label}: {failed}\n{server.log_tail()}", file=sys.stderr)
        return [_not_measured(label, f"the warm-up got {failed[:60]}", DASHBOARD_P95_MS)]
    size = f"{statistics.median(sizes) / 1024:.1f} KiB"
    alone = drive_once_each(server.port, calls[-how.requests :])
    alone_load = _load_average()
    load = drive(server.port, calls, how.seconds, how.clients)
    concurrent_load = _load_average()
    for error in sorted(set(alone.errors + load.errors))[:3]:
        print(f"reporting {label}: {error}", file=sys.stderr)
    figures = []
    for run, how_run, during in (
        (alone, "one at a time", alone_load),
        (load, f"{how.clients} clients", concurrent_load),
    ):
        p50, p95 = run.percentiles(50, 95)
        detail = (
            f"{note}; {run.rate:,.0f} req/s, {len(run.timings):,} requests, {len(run.errors)} errors, "
            f"{size}; {during}"
        )
        why = (
            "one keep-alive connection, nothing queued"
            if run is alone
            else f"{how.clients} connections back to back on 2 workers x 4 threads, client on the "
            "same 2 CPUs: mostly queueing"
        )
        figures += [
            Figure(BENCHMARK, "sqlite", f"gunicorn {label}, {how_run}, p50", p50, "ms", note=detail),
            Figure(
                BENCHMARK, "sqlite", f"gunicorn {label}, {how_run}, p95", p95, "ms", note=why,
                ratio=DASHBOARD_P95_MS / p95 if p95 else None, baseline=f"{DASHBOARD_P95_MS} ms", target=1.0,
            ),
        ]  # fmt: skip
    return figures


def _not_measured(label: str, why: str, target_ms: int) -> Figure:
    return Figure(
        BENCHMARK, "sqlite", f"gunicorn {label} p95", 0.0, "ms", note=f"not measured: {why}",
        baseline=f"{target_ms} ms",
    )  # fmt: skip
