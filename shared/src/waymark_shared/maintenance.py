"""Maintenance jobs: work a service's consumer process does besides applying events,
such as bringing derived read models (summaries of what its projections wrote) up to
date. A job's ``run`` does one bounded round and returns how many items it did; the
consumer process (``waymark consume``, and ``waymark up``'s background threads) calls
it again at once while there is work and every ``interval_s`` otherwise, and
``waymark replay`` runs it to the end after rebuilding the read models.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from waymark_shared.observability.metrics import MAINTENANCE_ITEMS, MAINTENANCE_ROUNDS

if TYPE_CHECKING:
    from waymark_shared.service import ServiceRuntime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MaintenanceJob:
    name: str
    run: Callable[[ServiceRuntime], int]
    interval_s: float = 2.0


def run_round(job: MaintenanceJob, runtime: ServiceRuntime) -> int:
    """One round, counted; a failure is logged and counted, never raised."""
    try:
        done = job.run(runtime)
    except Exception:
        MAINTENANCE_ROUNDS.labels(runtime.name, job.name, "failed").inc()
        log.exception("maintenance job failed", extra={"job": job.name})
        return 0
    MAINTENANCE_ROUNDS.labels(runtime.name, job.name, "ok").inc()
    MAINTENANCE_ITEMS.labels(runtime.name, job.name).inc(done)
    return done


def run_to_the_end(job: MaintenanceJob, runtime: ServiceRuntime, *, max_rounds: int = 1000) -> int:
    """Rounds until one finds nothing to do (after a replay); returns the items done. At
    most ``max_rounds`` (a consumer elsewhere may keep making work), and a failing round
    ends it (logged and counted, as in the background)."""
    total = 0
    for _ in range(max_rounds):
        done = run_round(job, runtime)
        if not done:
            break
        total += done
    return total


def as_worker(job: MaintenanceJob, runtime: ServiceRuntime) -> Callable[[threading.Event], None]:
    """The job as a background worker: rounds until ``stop`` is set."""

    def run(stop: threading.Event) -> None:
        while not stop.is_set():
            if not run_round(job, runtime):
                stop.wait(job.interval_s)

    return run
