"""Reporting's roll-ups, for the reporting benchmark (``bench_reporting``) to call on its
rebuilt national read models, with the gunicorn server it runs:

* **refresh**: every institution's summary (``institution_summaries``) recomputed after
  the rebuild (a replay leaves none: every one is stale), timed, against 60 s;
* **roll-ups**: ``/api/rollups/nation`` (and its page) as a platform administrator, a
  region's as the same, and a Careers Hub's as its lead, driven by ``clients``
  keep-alive connections for ``seconds`` each; p95 against 500 ms.

    figures += rollup_figures(url, server, key, dataset, seconds=seconds, clients=clients)
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from bench.figures import Figure
from bench.serving import Server, drive, drive_once_each, get
from waymark_reporting.service import DEFINITION
from waymark_reporting.synthetic import NationalDataset
from waymark_reporting.views.summaries import refresh_summaries
from waymark_shared.auth import ADMIN, HUB_LEAD, Grant, Principal
from waymark_shared.auth.tokens import SigningKey, issue_token
from waymark_shared.testing.event_logs import migrated_runtime

BENCHMARK = "reporting"
ROLLUP_P95_MS = 500
REFRESH_SECONDS = 60


def refresh_figure(url: str, institutions: int) -> Figure:
    """Every stale summary refreshed, timed (after a rebuild: all of them)."""
    with (
        tempfile.TemporaryDirectory(prefix="waymark-bench-") as folder,
        migrated_runtime(DEFINITION, url, Path(folder)) as runtime,
    ):
        started = time.perf_counter()
        count = refresh_summaries(runtime)
        elapsed = time.perf_counter() - started
    return Figure(
        BENCHMARK, "sqlite", f"refresh {count:,} institution summaries", elapsed, "s",
        note=f"{institutions:,} institutions, {count / elapsed:,.0f} institutions/s, after the rebuild",
        ratio=REFRESH_SECONDS / elapsed if elapsed else None, baseline=f"{REFRESH_SECONDS} s", target=1.0,
    )  # fmt: skip


def _token(key: SigningKey, grant: Grant) -> str:
    principal = Principal(f"bench-{grant.role}", "person", "A benchmark user", grants=(grant,))
    return issue_token(principal, key, lifetime_s=4 * 3600)


def rollup_calls(dataset: NationalDataset, key: SigningKey) -> list[tuple[str, list]]:
    """(label, calls) for the national roll-up (API, page), the largest region and the
    largest Careers Hub, each as someone allowed to read it."""
    admin = {"Authorization": f"Bearer {_token(key, Grant(ADMIN, 'platform', None))}"}
    regions = Counter(i.region for i in dataset.institutions)
    hubs = Counter(i.careers_hub for i in dataset.institutions if i.careers_hub)
    found = [
        ("national roll-up API", [get("/api/rollups/nation", admin)]),
        ("national roll-up page", [get("/rollups/nation", admin)]),
    ]
    if regions:
        region = regions.most_common(1)[0][0]
        found.append(("region roll-up API", [get(f"/api/rollups/regions/{quote(region)}", admin)]))
    if hubs:
        hub = hubs.most_common(1)[0][0]
        lead = {"Authorization": f"Bearer {_token(key, Grant(HUB_LEAD, 'hub', hub))}"}
        found.append(("Careers Hub roll-up API", [get(f"/api/rollups/hubs/{quote(hub)}", lead)]))
    return found


def rollup_figures(  # noqa: PLR0913 - what the reporting benchmark has at hand
    url: str, server: Server, key: SigningKey, dataset: NationalDataset, *, seconds: float, clients: int
) -> list[Figure]:
    """The refresh figure, then p50 and p95 of each roll-up under load. ``url``:
    reporting's database; ``server``: reporting under gunicorn verifying ``key``."""
    institutions = len(dataset.institutions)
    figures = [refresh_figure(url, institutions)]
    for label, calls in rollup_calls(dataset, key):
        figures += _driven(
            server, label, calls * 10, seconds=seconds, clients=clients, institutions=institutions
        )
    return figures


def _driven(  # noqa: PLR0913
    server: Server, label: str, calls: list, *, seconds: float, clients: int, institutions: int
) -> list[Figure]:
    """The first read (a worker adding the scope up from the summaries), then, once
    every worker has added it up (a short run, not counted), p50 and p95 under load."""
    cold = drive_once_each(server.port, calls[:1])
    if cold.errors:
        print(f"reporting {label}: {cold.errors[0]}\n{server.log_tail()}", file=sys.stderr)
        return [_not_measured(label, f"the first read got {cold.errors[0][:60]}")]
    drive(server.port, calls, min(2.0, seconds), clients)  # every worker warm
    load = drive(server.port, calls, seconds, clients)
    for error in sorted(set(load.errors))[:3]:
        print(f"reporting {label}: {error}", file=sys.stderr)
    p50, p95 = load.percentiles(50, 95)
    detail = (
        f"{institutions:,} institutions; {load.rate:,.0f} req/s, {clients} clients, {len(load.timings):,} "
        f"requests, {len(load.errors)} errors"
    )
    return [
        Figure(
            BENCHMARK, "sqlite", f"{label}, first read after the refresh", cold.timings[0], "ms",
            note="one worker adding up every summary in scope; later reads use its sums",
        ),
        Figure(BENCHMARK, "sqlite", f"gunicorn {label} p50", p50, "ms", note=detail),
        Figure(
            BENCHMARK, "sqlite", f"gunicorn {label} p95", p95, "ms", note="2 workers, client on the same CPUs",
            ratio=ROLLUP_P95_MS / p95 if p95 else None, baseline=f"{ROLLUP_P95_MS} ms", target=1.0,
        ),
    ]  # fmt: skip


def _not_measured(label: str, why: str) -> Figure:
    return Figure(
        BENCHMARK, "sqlite", f"gunicorn {label} p95", 0.0, "ms", note=f"not measured: {why}",
        baseline=f"{ROLLUP_P95_MS} ms",
    )  # fmt: skip
