"""The embedded transport: no broker, the subscriber catches up from each source's log.

The producing service's event store is its outbox; this transport reads it the way the
relay does (in log order, upcast to the latest contract version) and hands batches to
the subscription runner, whose stored position says where to resume.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping

from waymark_shared.eventstore.store import EventStore
from waymark_shared.messaging.subscriptions import (
    EMBEDDED_PARTITION,
    Delivery,
    SubscriptionRunner,
    is_transient,
)
from waymark_shared.observability import metrics

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
LAG_INTERVAL_S = 1.0

BATCH_SIZE = 1000
# A replay from zero applies bigger batches: fewer commits (each an fsync on SQLite),
# and nobody is waiting for the first of them to show.
REPLAY_BATCH_SIZE = 5000


class EmbeddedTransport:
    def __init__(
        self,
        runner: SubscriptionRunner,
        feeds: Mapping[str, EventStore],
        *,
        batch_size: int = BATCH_SIZE,
        poll_interval: float = 0.05,
    ):
        missing = set(runner.subscription.sources) - set(feeds)
        if missing:
            raise ValueError(f"{runner.name} needs feeds for {', '.join(sorted(missing))}")
        self.runner = runner
        self.feeds = {source: feeds[source] for source in runner.subscription.sources}
        self.batch_size = batch_size
        self.poll_interval = poll_interval

    def run_once(self, progress: Progress | None = None) -> int:
        """One pass over every source; returns how many events were delivered."""
        delivered = 0
        for source, store in self.feeds.items():
            after = self.runner.position(source).checkpoint
            events = store.read_all(after, self.batch_size)
            if events:
                self.runner.apply(Delivery(source, EMBEDDED_PARTITION, events))
                delivered += len(events)
                if progress:
                    progress(len(events))
        return delivered

    def run_until_caught_up(self, progress: Progress | None = None) -> int:
        total = 0
        while delivered := self.run_once(progress):
            total += delivered
        self.record_lag()
        return total

    def backlog(self) -> int:
        return sum(self.lag().values())

    def lag(self) -> dict[str, int]:
        return {
            source: store.count_after(self.runner.position(source).checkpoint)
            for source, store in self.feeds.items()
        }

    def record_lag(self) -> None:
        for source, lag in self.lag().items():
            metrics.CONSUMER_LAG.labels(self.runner.name, source).set(lag)

    def close(self) -> None:
        """Nothing to let go of: the feeds belong to their services' runtimes."""

    def run(self, stop: threading.Event) -> None:
        """Follow the sources until ``stop`` is set."""
        lag_due = 0.0
        while not stop.is_set():
            try:
                delivered = self.run_once()
                if time.monotonic() >= lag_due:  # a count per source: not on every poll
                    self.record_lag()
                    lag_due = time.monotonic() + LAG_INTERVAL_S
                if delivered == 0:
                    stop.wait(self.poll_interval)
            except Exception as error:
                if not is_transient(error):
                    raise
                log.warning("database unavailable, retrying", extra={"subscription": self.runner.name})
                stop.wait(1.0)
