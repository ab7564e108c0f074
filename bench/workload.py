"""The synthetic event log several benchmarks share: two event types of the shape
planner and destinations will emit, spread over a number of institutions."""

from __future__ import annotations

from marshmallow import Schema, fields

from waymark_shared.events import EventRegistry, NewEvent
from waymark_shared.eventstore import EventStore

TYPES = ("ActivityLogged", "DestinationRecorded")
INSTITUTIONS = 500
EVENTS_PER_STREAM = 10


class Recorded(Schema):
    learners = fields.Integer(required=True)
    label = fields.String(required=True)


def registry(service: str) -> EventRegistry:
    events = EventRegistry(service)
    for name in TYPES:
        events.register(name, 1, Recorded)
    return events


def load(store: EventStore, size: int) -> None:
    """Append ``size`` events in streams of ten, in one transaction (untimed set-up)."""
    with store.engine.begin() as conn:
        for stream in range(-(-size // EVENTS_PER_STREAM)):
            count = min(EVENTS_PER_STREAM, size - stream * EVENTS_PER_STREAM)
            events = [
                NewEvent(
                    TYPES[(stream + i) % 2],
                    f"institution-{stream % INSTITUTIONS}",
                    {"learners": i, "label": f"activity {stream}"},
                )
                for i in range(count)
            ]
            store.append(f"stream-{stream}", 0, events, connection=conn)
