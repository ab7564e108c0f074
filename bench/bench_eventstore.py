"""Event store throughput, Waymark against the eventsourcing library.

Three figures per backend: appending new streams one event per commit, ten events
per commit, and reading the whole log in order, decoded. Each run gives every subject
a fresh database and a warm-up, then interleaves them: the timed work is cut into
slices taken in turn (the order rotating), so a noisy neighbour on the machine slows
every subject alike. The median of ``--repeat`` runs is reported, and Waymark's figure
is compared with the library's fastest configuration.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from bench.databases import Database, fresh_database
from bench.figures import Figure
from bench.subjects import EventsourcingSubject, Subject, WaymarkSubject

SubjectFactory = Callable[[Database], Subject]


@dataclass(frozen=True)
class Target:
    sqlite: float
    postgres: float

    def for_backend(self, backend: str) -> float:
        return float(getattr(self, backend))


APPEND_ONE = Target(sqlite=0.9, postgres=1.25)
APPEND_TEN = Target(sqlite=1.5, postgres=1.5)
READ_ALL = Target(sqlite=0.8, postgres=0.8)
POPULATE_BATCH = 100
SLICES = 20
READ_ROUNDS = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("eventstore")
    group.add_argument("--append-commits", type=int, help="commits of 1 event (default 3000, quick 300)")
    group.add_argument("--batch-commits", type=int, help="commits of 10 events (default 1000, quick 100)")
    group.add_argument("--read-events", type=int, help="events read back (default 30000, quick 3000)")
    group.add_argument("--warmup", type=int, default=100, help="untimed commits before each run")


def subjects(backend: str) -> list[SubjectFactory]:
    factories: list[SubjectFactory] = [WaymarkSubject, EventsourcingSubject]
    if backend == "postgres":
        factories.append(lambda db: EventsourcingSubject(db, db_functions=True))
    return factories


def run(args: argparse.Namespace) -> list[Figure]:
    quick = args.quick
    append = args.append_commits or (300 if quick else 3000)
    batch = args.batch_commits or (100 if quick else 1000)
    read = args.read_events or (3000 if quick else 30000)
    figures: list[Figure] = []
    for backend in args.backends:
        for commits, per_commit, target in ((append, 1, APPEND_ONE), (batch, 10, APPEND_TEN)):
            timings = _time_appends(backend, args.repeat, args.warmup, commits, per_commit)
            name = f"append {per_commit} event{'s' if per_commit > 1 else ''}/commit"
            figures += _figures(name, backend, timings, _sliced(commits) * per_commit, target, per_commit)
        figures += _figures(
            "read all, decoded", backend, _time_reads(backend, args.repeat, read), read, READ_ALL
        )
    return figures


@contextmanager
def _fresh_subjects(backend: str) -> Iterator[list[Subject]]:
    with ExitStack() as stack:
        started = []
        for factory in subjects(backend):
            subject = factory(stack.enter_context(fresh_database(backend)))
            stack.callback(subject.close)
            started.append(subject)
        yield started


def _rotated(items: Sequence[Subject], shift: int) -> list[Subject]:
    shift %= len(items)
    return [*items[shift:], *items[:shift]]


def _sliced(commits: int) -> int:
    return max(commits // SLICES, 1) * SLICES


def _time_appends(
    backend: str, repeat: int, warmup: int, commits: int, per_commit: int
) -> dict[str, list[float]]:
    """Seconds per subject and run for ``commits`` appends of ``per_commit`` events."""
    timings: dict[str, list[float]] = {}
    size = _sliced(commits) // SLICES
    for _ in range(repeat):
        with _fresh_subjects(backend) as running:
            for subject in running:
                for _ in range(warmup):
                    subject.append(per_commit)
            totals = dict.fromkeys((s.name for s in running), 0.0)
            for turn in range(SLICES):
                for subject in _rotated(running, turn):
                    started = time.perf_counter()
                    for _ in range(size):
                        subject.append(per_commit)
                    totals[subject.name] += time.perf_counter() - started
        for name, seconds in totals.items():
            timings.setdefault(name, []).append(seconds)
    return timings


def _time_reads(backend: str, repeat: int, events: int) -> dict[str, list[float]]:
    """Seconds per subject and round to read and decode a log of ``events``."""
    timings: dict[str, list[float]] = {}
    for _ in range(repeat):
        with _fresh_subjects(backend) as running:
            for subject in running:
                for _ in range(events // POPULATE_BATCH):
                    subject.append(POPULATE_BATCH)
                subject.read_all()
            for turn in range(READ_ROUNDS):
                for subject in _rotated(running, turn):
                    started = time.perf_counter()
                    count = subject.read_all()
                    timings.setdefault(subject.name, []).append(time.perf_counter() - started)
                    if count != events:
                        raise AssertionError(f"{subject.name} read {count} events, expected {events}")
    return timings


def _figures(
    benchmark: str,
    backend: str,
    timings: dict[str, list[float]],
    events: int,
    target: Target,
    per_commit: int | None = None,
) -> list[Figure]:
    rates = {name: events / statistics.median(seconds) for name, seconds in timings.items()}
    library = {name: rate for name, rate in rates.items() if name != WaymarkSubject.name}
    fastest = max(library, key=library.__getitem__)
    figures = []
    for name, rate in rates.items():
        note = f"{rate / per_commit:,.0f} commits/s" if per_commit else f"{events:,} events"
        ours = name == WaymarkSubject.name
        figures.append(
            Figure(
                benchmark,
                backend,
                name,
                rate,
                "events/s",
                note,
                ratio=rate / library[fastest] if ours else None,
                baseline=fastest if ours else "",
                target=target.for_backend(backend) if ours else None,
            )
        )
    return figures
