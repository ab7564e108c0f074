"""Planner's event contracts (they arrive with the planner issue)."""

from waymark_shared.events import EventRegistry

registry = EventRegistry("planner")
