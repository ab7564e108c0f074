"""Between a service's domain event dataclasses and stored envelopes.

A domain event's class name is its event type; its fields are the event's data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, fields, is_dataclass
from typing import Any

from waymark_shared.events.envelope import NewEvent, RecordedEvent


def to_new_event(event: Any, subject: str) -> NewEvent:
    if not is_dataclass(event) or isinstance(event, type):
        raise TypeError(f"{event!r} is not a domain event dataclass instance")
    return NewEvent(type=type(event).__name__, subject=subject, data=asdict(event))


def to_new_events(events: Iterable[Any], subject: str) -> list[NewEvent]:
    return [to_new_event(event, subject) for event in events]


def to_domain(event: RecordedEvent, classes: Mapping[str, type]) -> Any:
    """Rebuild the domain event, ignoring data fields the class does not (yet) know."""
    cls = classes[event.name]
    known = {f.name for f in fields(cls)}
    return cls(**{key: value for key, value in event.data.items() if key in known})


def event_classes(*classes: type) -> dict[str, type]:
    return {cls.__name__: cls for cls in classes}
