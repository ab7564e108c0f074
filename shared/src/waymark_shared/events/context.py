"""Who and what caused the current unit of work: correlation, causation and actor.

The web layer sets it from the request, the subscription runner from the event being
handled; the event store stamps it on every event appended inside it and the log
formatter adds the correlation id to every log line.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class MessageContext:
    correlation_id: str
    causation_id: str | None = None
    actor: str | None = None


_current: ContextVar[MessageContext | None] = ContextVar("waymark_message_context", default=None)


def current_context() -> MessageContext | None:
    return _current.get()


def current_correlation_id() -> str | None:
    context = _current.get()
    return context.correlation_id if context else None


@contextmanager
def message_context(
    correlation_id: str | None = None,
    causation_id: str | None = None,
    actor: str | None = None,
) -> Iterator[MessageContext]:
    context = MessageContext(correlation_id or str(uuid.uuid4()), causation_id, actor)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
