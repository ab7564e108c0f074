"""Destinations's event contracts (they arrive with the destinations issue)."""

from waymark_shared.events import EventRegistry

registry = EventRegistry("destinations")
