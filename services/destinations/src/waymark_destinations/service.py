"""Destinations as the platform sees it (the ``waymark.services`` entry point)."""

from waymark_destinations.adapters.contracts import registry
from waymark_destinations.app import create_app
from waymark_shared.service import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="destinations",
    title="Destinations",
    registry=registry,
    create_app=create_app,
    description="Intended, actual and sustained destinations of every young person.",
    start_order=30,
)
