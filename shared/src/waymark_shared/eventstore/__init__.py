"""The event store: each service's write model and outbox."""

from waymark_shared.eventstore.store import ConcurrencyError, EventStore

__all__ = ["ConcurrencyError", "EventStore"]
