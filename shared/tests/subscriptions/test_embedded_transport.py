"""The embedded transport follows a source's log while it is being written."""

from __future__ import annotations

import threading
import time

import pytest

from waymark_shared.messaging.embedded import EmbeddedTransport
from waymark_shared.messaging.subscriptions import SubscriptionRunner


def _wait_for(condition, timeout=10.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_events_appended_while_running_become_visible(
    producer, consumer_engine, handlers, subscription, counted, tally_rows
):
    runner = SubscriptionRunner(subscription, consumer_engine)
    transport = EmbeddedTransport(runner, {"producer": producer}, poll_interval=0.01)
    stop = threading.Event()
    thread = threading.Thread(target=transport.run, args=(stop,), daemon=True)
    thread.start()
    try:
        for i in range(20):
            producer.append(f"s-{i}", 0, [counted("inst-a", f"label-{i}")])
        assert _wait_for(lambda: tally_rows(consumer_engine).get("inst-a") == (20, "label-19"))
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()


def test_a_subscription_needs_a_feed_for_every_source(consumer_engine, subscription):
    runner = SubscriptionRunner(subscription, consumer_engine)
    with pytest.raises(ValueError, match="needs feeds for producer"):
        EmbeddedTransport(runner, {})
