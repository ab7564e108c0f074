"""Reporting: its read models fed the synthetic national dataset, rebuilt from a
million events, and its dashboard under gunicorn.

* **generate**: the synthetic national dataset's events for the rebuild size, counted
  and not kept (every 1000th checked against its producer's contracts), timed alone.
* **projection**: one consumer per reporting subscription (``DEFINITION.subscriptions``,
  whatever reporting has), fed its source's log of ``--reporting-events`` events
  (200,000; quick 20,000) in batches of 1,000 (``EmbeddedTransport``'s batch size) through
  ``SubscriptionRunner.apply``, on each backend. Only the applying is timed (the batches
  are generated in between). Figures per subscription and overall (all events over all
  the time applying), against 20,000 events/s on SQLite and 10,000 on PostgreSQL.
  Then once more as a what-if, each subscription's batch handler also registered for
  the source's types it ignores, so it gets whole runs: how much of the gap is runs
  broken by events a subscription does not read.
* **rebuild**: ``--reporting-rebuild-events`` (1,000,000; quick 50,000) written into the
  four producers' SQLite stores (untimed; bulk path), then every reporting subscription
  reset and caught up by the embedded transport from zero, one after another, as
  ``waymark replay reporting`` does (in its batches of ``REPLAY_BATCH_SIZE``): end to
  end, against 60 s, with the 40,000,000-event
  (one national year) extrapolation.
* **dashboard**: ``waymark serve reporting --workers 2`` (gthread, 4 threads each) on the
  rebuilt read models, each request the dashboard (API, then page) of a random
  institution for the dataset's last year, as its careers leader, measured two ways:

  - **one at a time**: ``--reporting-requests`` (300; quick 100) requests in turn on one
    keep-alive connection: what one person waits for, with nothing queued;
  - **N clients**: ``--reporting-clients`` (8) keep-alive connections sending back to
    back, with no pause, for ``--reporting-seconds`` (15; quick 5). Eight clients on
    eight server threads on the same two CPUs as the client is a saturation test: each
    request waits its turn for a CPU, so the latency is mostly queueing (about clients
    / throughput) and measures throughput as much as the page.

  Both are against the target (p95 < 200 ms); the detail gives req/s and the load
  average (``os.getloadavg``) while measured, as other work on the machine moves both.
* **roll-ups**: ``bench/reporting_rollups.py`` (the summaries' refresh after the
  rebuild, then the national, a region's and a Careers Hub's roll-up under the same
  load), on the same server.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Connection

from bench.databases import fresh_database
from bench.figures import Figure
from bench.reporting_dashboard import serving_figures
from waymark_reporting.service import DEFINITION
from waymark_reporting.synthetic import SOURCES, NationalDataset, sized, write_to_stores
from waymark_shared.events.envelope import RecordedEvent, qualified_type
from waymark_shared.messaging.embedded import REPLAY_BATCH_SIZE, EmbeddedTransport
from waymark_shared.messaging.subscriptions import EMBEDDED_PARTITION, Delivery, SubscriptionRunner
from waymark_shared.service import ServiceRuntime, Subscription, discover
from waymark_shared.testing.event_logs import migrated_runtime

BENCHMARK = "reporting"
TARGETS = {"sqlite": 20_000, "postgres": 10_000}
BATCH = 1000  # EmbeddedTransport's default batch_size
REBUILD_SECONDS = 60
GENERATE_SECONDS = 60
NATIONAL_YEAR = 40_000_000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("reporting")
    group.add_argument(
        "--reporting-events", type=int, help="events projected per backend (default 200000, quick 20000)"
    )
    group.add_argument(
        "--reporting-rebuild-events", type=int, help="events rebuilt on SQLite (default 1000000, quick 50000)"
    )
    group.add_argument("--reporting-seconds", type=float, help="gunicorn run length (default 15 s, quick 5)")
    group.add_argument("--reporting-clients", type=int, default=8, help="gunicorn client connections (8)")
    group.add_argument(
        "--reporting-requests", type=int, help="dashboard requests one at a time (default 300, quick 100)"
    )


def run(args: argparse.Namespace) -> list[Figure]:
    events = args.reporting_events or (20_000 if args.quick else 200_000)
    rebuild = args.reporting_rebuild_events or (50_000 if args.quick else 1_000_000)
    seconds = args.reporting_seconds or (5.0 if args.quick else 15.0)
    requests = args.reporting_requests or (100 if args.quick else 300)
    figures = [generation_figure(rebuild)]
    for backend in args.backends:
        runs = [projection(backend, events) for _ in range(args.repeat)]
        figures += projection_figures(backend, sorted(runs, key=lambda r: r.rate)[len(runs) // 2])
        figures.append(what_if_figure(backend, projection(backend, events, unbroken=True)))
    if "sqlite" in args.backends:
        with rebuilt(rebuild) as (rebuild_figures, url, dataset):
            figures += rebuild_figures
            figures += serving_figures(url, dataset, seconds, args.reporting_clients, requests)
    return figures


# -- generating -------------------------------------------------------------------------


def generation_figure(size: int) -> Figure:
    parameters = sized(size)
    dataset = NationalDataset(parameters)
    started = time.perf_counter()
    counts = dataset.count()
    elapsed = time.perf_counter() - started
    total = sum(counts.values())
    return Figure(
        BENCHMARK, "-", f"generate {total:,} synthetic events", elapsed, "s",
        note=f"{parameters.institutions:,} institutions, {total / elapsed:,.0f} events/s, every 1000th validated",
        ratio=GENERATE_SECONDS / elapsed, baseline=f"{GENERATE_SECONDS} s", target=1.0,
    )  # fmt: skip


# -- projection -------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    subscription: str
    sources: str
    events: int
    seconds: float
    parked: int


@dataclass(frozen=True)
class ProjectionRun:
    subscriptions: list[Applied]

    @property
    def events(self) -> int:
        return sum(s.events for s in self.subscriptions)

    @property
    def rate(self) -> float:
        return self.events / sum(s.seconds for s in self.subscriptions)


def projection(backend: str, size: int, *, unbroken: bool = False) -> ProjectionRun:
    dataset = NationalDataset(sized(size))
    applied = []
    subscriptions = [unbroken_runs(s) if unbroken else s for s in DEFINITION.subscriptions]
    with (
        fresh_database(backend) as database,
        tempfile.TemporaryDirectory(prefix="waymark-bench-") as folder,
        migrated_runtime(DEFINITION, database.url, Path(folder)) as runtime,
    ):
        for subscription in subscriptions:
            applied.append(_apply(runtime, subscription, dataset))
    return ProjectionRun(applied)


def unbroken_runs(subscription: Subscription) -> Subscription:
    """What-if: ``subscription`` with its one batch handler also registered for the
    source's event types it ignores (dropping them before it runs), so a batch hands it
    whole runs instead of the pieces between ignored events (audit's ``AuditStarted``
    between ``AuditCompleted``, say)."""
    handlers = set(subscription.batch_handlers.values())
    source = subscription.sources[0]
    contracts = discover()[source].registry.contracts()
    ignored = {qualified_type(source, c.name) for c in contracts} - subscription.event_types
    if len(handlers) != 1 or not ignored:
        return subscription
    handler, handled = handlers.pop(), set(subscription.batch_handlers)

    def run(events: Sequence[RecordedEvent], conn: Connection) -> None:
        wanted = [event for event in events if event.type in handled]
        if wanted:
            handler(wanted, conn)

    return replace(subscription, batch_handlers=dict.fromkeys(handled | ignored, run))


def what_if_figure(backend: str, measured: ProjectionRun) -> Figure:
    target = TARGETS[backend]
    each = ", ".join(f"{a.subscription} {a.events / a.seconds:,.0f}/s" for a in measured.subscriptions)
    return Figure(
        BENCHMARK, backend, "what-if: batch handlers given whole runs", measured.rate, "events/s",
        note=f"not reporting as it is: ignored types routed to the batch handler; {each}",
        ratio=measured.rate / target, baseline=f"{target:,}/s",
    )  # fmt: skip


def _apply(runtime: ServiceRuntime, subscription: Subscription, dataset: NationalDataset) -> Applied:
    runner = SubscriptionRunner(subscription, runtime.engine)
    events, elapsed = 0, 0.0
    for source in subscription.sources:
        for batch in dataset.batches(source, BATCH):
            started = time.perf_counter()
            runner.apply(Delivery(source, EMBEDDED_PARTITION, batch))
            elapsed += time.perf_counter() - started
            events += len(batch)
    return Applied(subscription.name, ",".join(subscription.sources), events, elapsed, runner.parked.count())


def projection_figures(backend: str, measured: ProjectionRun) -> list[Figure]:
    target = TARGETS[backend]
    figures = [
        Figure(
            BENCHMARK,
            backend,
            f"projection {applied.subscription}",
            applied.events / applied.seconds,
            "events/s",
            note=f"{applied.events:,} {applied.sources} events, {applied.parked} parked",
            ratio=applied.events / applied.seconds / target,
            baseline=f"{target:,}/s",
            target=1.0,
        )  # fmt: skip
        for applied in measured.subscriptions
    ]
    parked = sum(applied.parked for applied in measured.subscriptions)
    figures.append(
        Figure(
            BENCHMARK,
            backend,
            "projection, all subscriptions",
            measured.rate,
            "events/s",
            note=f"{measured.events:,} events, batches of {BATCH}, one consumer, {parked} parked",
            ratio=measured.rate / target,
            baseline=f"{target:,}/s",
            target=1.0,
        )  # fmt: skip
    )
    return figures


# -- rebuilding -------------------------------------------------------------------------


@contextmanager
def rebuilt(size: int) -> Iterator[tuple[list[Figure], str, NationalDataset]]:
    """The producers' SQLite stores holding ``size`` events and reporting rebuilt from
    them (figures, reporting's database URL, the dataset)."""
    dataset = NationalDataset(sized(size))
    services = discover()
    with tempfile.TemporaryDirectory(prefix="waymark-bench-reporting-") as folder, ExitStack() as stack:
        runtimes = {
            name: stack.enter_context(
                migrated_runtime(
                    services[name], f"sqlite:///{Path(folder) / name}.sqlite3", Path(folder) / name
                )
            )
            for name in (*SOURCES, DEFINITION.name)
        }
        started = time.perf_counter()
        written = write_to_stores(dataset, {source: runtimes[source] for source in SOURCES}, bulk=True)
        loading = time.perf_counter() - started
        total = sum(written.values())
        feeds = {source: runtimes[source].store for source in SOURCES}
        timings, parked = [], 0
        for subscription in DEFINITION.subscriptions:
            runner = SubscriptionRunner(subscription, runtimes[DEFINITION.name].engine)
            transport = EmbeddedTransport(runner, feeds, batch_size=REPLAY_BATCH_SIZE)  # as replay does
            runner.reset()
            started = time.perf_counter()
            transport.run_until_caught_up()
            timings.append((subscription.name, time.perf_counter() - started))
            parked += runner.parked.count()
        seconds = sum(elapsed for _, elapsed in timings)
        each = ", ".join(f"{name} {elapsed:.1f} s" for name, elapsed in timings)
        figures = [
            Figure(
                BENCHMARK, "sqlite", f"load {total:,} events into the producers' stores", loading, "s",
                note=f"untimed set-up for the rebuild: bulk executemany, {total / loading:,.0f} events/s",
            ),
            Figure(
                BENCHMARK, "sqlite", f"rebuild {total:,} events from zero", seconds, "s",
                note=f"{dataset.parameters.institutions:,} institutions; {each}; {parked} parked; "
                f"40M extrapolated: {seconds * NATIONAL_YEAR / total / 60:,.1f} min",
                ratio=REBUILD_SECONDS / seconds, baseline=f"{REBUILD_SECONDS} s", target=1.0,
            ),
        ]  # fmt: skip
        url = str(runtimes[DEFINITION.name].engine.url.render_as_string(hide_password=False))
        yield figures, url, dataset
