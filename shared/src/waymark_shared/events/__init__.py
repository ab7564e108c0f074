"""Event contracts: the envelope, the schema registry and the message context."""

from waymark_shared.events.context import MessageContext, current_context, message_context
from waymark_shared.events.envelope import START, Checkpoint, NewEvent, RecordedEvent
from waymark_shared.events.registry import (
    EventRegistry,
    EventValidationError,
    UnknownEventType,
)

__all__ = [
    "START",
    "Checkpoint",
    "EventRegistry",
    "EventValidationError",
    "MessageContext",
    "NewEvent",
    "RecordedEvent",
    "UnknownEventType",
    "current_context",
    "message_context",
]
