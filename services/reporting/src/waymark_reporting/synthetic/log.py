"""One producing service's log as its subscribers receive it: each event at the next
place in the log, at the next version of its stream, its ``time`` never earlier than
the one before, its data in the form the producer stores (checked against the
producer's registry, found as the platform finds it, for every n-th event)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from waymark_reporting.synthetic.ids import new_id, rng
from waymark_shared.events.envelope import Checkpoint, RecordedEvent, qualified_type, source_uri
from waymark_shared.events.registry import EventRegistry
from waymark_shared.eventstore.recording import recorded
from waymark_shared.service import discover

_STEP_US = 1_000  # each event a millisecond after the one before, at the least


class DataNotAsStored(AssertionError):
    """Generated data differs from what the producer's contract makes of it."""


def producer_registry(source: str) -> EventRegistry:
    return discover()[source].registry


class SourceLog:
    def __init__(self, source: str, seed: int, validate_every: int, registry: EventRegistry | None = None):
        self.source = source
        self.registry = registry or producer_registry(source)
        self.validate_every = validate_every
        self._uri = source_uri(source)
        self._types: dict[str, str] = {}
        self._ids = rng(seed, "event-ids", source)
        self._versions: dict[str, int] = {}
        self._position = 0
        self._now_us = 0
        self._second = -1
        self._second_text = ""

    def at(self, moment: datetime) -> None:
        """Later events happen no earlier than ``moment``."""
        self._now_us = max(self._now_us, int(moment.replace(tzinfo=UTC).timestamp()) * 1_000_000)

    def event(self, name: str, data: dict[str, Any], stream_id: str, subject: str) -> RecordedEvent:
        self._position += 1
        version = self._versions[stream_id] = self._versions.get(stream_id, 0) + 1
        if self.validate_every and self._position % self.validate_every == 0:
            check(self.registry, name, data)
        kind = self._types.get(name) or self._types.setdefault(name, qualified_type(self.source, name))
        return recorded(
            new_id(self._ids), self._uri, kind, subject, self._time(), data, 1,
            stream_id, version, None, None, None, Checkpoint(0, self._position),
        )  # fmt: skip

    def _time(self) -> str:
        self._now_us += _STEP_US
        second, micro = divmod(self._now_us, 1_000_000)
        if second != self._second:
            self._second = second
            self._second_text = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")
        return f"{self._second_text}.{micro:06d}Z"


def check(registry: EventRegistry, name: str, data: Mapping[str, Any]) -> None:
    """``data`` is valid and exactly as the producer stores it (normalised, defaults filled)."""
    stored = registry.validate(name, dict(data))
    if stored != data:
        raise DataNotAsStored(f"{registry.source} {name}: generated {dict(data)!r}, stored {stored!r}")


def chunked(events: Iterable[RecordedEvent], size: int) -> Iterator[list[RecordedEvent]]:
    batch: list[RecordedEvent] = []
    for event in events:
        batch.append(event)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
