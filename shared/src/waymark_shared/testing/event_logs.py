"""A producing service's events as a subscriber sees them, and a migrated runtime
for a consumer's tests.

A consumer's tests never import the producer: they build its events here and check
them against the contracts the producer publishes (its event registry, found as the
platform finds it, through its ``waymark.services`` entry point; no other service is
loaded, so one being changed beside it cannot break a consumer's tests).

Use in a ``conftest.py``::

    @pytest.fixture
    def runtime(database_url: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
        with migrated_runtime(DEFINITION, database_url, tmp_path / "var") as runtime:
            yield runtime

and subclass :class:`ProducerLog` for the producer's events (one method an event type).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from waymark_shared.config import Settings
from waymark_shared.events.envelope import Checkpoint, RecordedEvent, qualified_type, source_uri
from waymark_shared.events.stamps import new_event_id
from waymark_shared.messaging.subscriptions import (
    EMBEDDED_PARTITION,
    ApplyResult,
    Delivery,
    SubscriptionRunner,
)
from waymark_shared.service import ServiceDefinition, ServiceRuntime, bootstrap, definition_of

# Event times: one second apart from here, in the order they are appended.
EPOCH = datetime(2026, 12, 1, 10, 0, 0, tzinfo=UTC)


class ProducerLog:
    """One producing service's log as a subscriber sees it: every event at the next
    place in the log (checkpoint), at the next version of its stream, its data as
    the producer stores it now (validated against the producer's registry)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.contracts = definition_of(source).registry
        self.events: list[RecordedEvent] = []
        self._versions: dict[str, int] = {}

    def append(
        self,
        name: str,
        data: Mapping[str, Any],
        *,
        stream_id: str,
        subject: str,
        schema_version: int = 1,
        as_stored: bool = False,
    ) -> RecordedEvent:
        """The ``name`` event, appended to ``stream_id``. ``as_stored``: the data
        exactly as given, like an event stored before its schema gained fields."""
        self._versions[stream_id] = self._versions.get(stream_id, 0) + 1
        position = len(self.events)
        event = RecordedEvent(
            id=new_event_id(),
            source=source_uri(self.source),
            type=qualified_type(self.source, name),
            subject=subject,
            time=(EPOCH + timedelta(seconds=position)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            data=dict(data) if as_stored else self.contracts.validate(name, dict(data), schema_version),
            schema_version=schema_version,
            stream_id=stream_id,
            stream_version=self._versions[stream_id],
            checkpoint=Checkpoint(0, position + 1),
        )
        self.events.append(event)
        return event

    def deliver(
        self,
        runner: SubscriptionRunner,
        events: Sequence[RecordedEvent] | None = None,
        partition: int = EMBEDDED_PARTITION,
    ) -> ApplyResult:
        """``events`` (default: the whole log) to ``runner``, as one delivery."""
        batch = list(self.events if events is None else events)
        return runner.apply(Delivery(self.source, partition, batch))


@contextmanager
def migrated_runtime(
    definition: ServiceDefinition, database_url: str, data_dir: Path
) -> Iterator[ServiceRuntime]:
    """``definition``'s runtime on ``database_url``, migrated; disposed of afterwards."""
    env = {f"WAYMARK_{definition.name.upper()}_DATABASE_URL": database_url, "WAYMARK_ENV": "test"}
    runtime = bootstrap(definition, Settings.from_env(definition.name, env, data_dir=data_dir))
    try:
        runtime.migrate()
        yield runtime
    finally:
        runtime.dispose()
