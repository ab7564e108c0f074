"""Reporting produces no events: it only reads everyone else's."""

from waymark_shared.events import EventRegistry

registry = EventRegistry("reporting")
