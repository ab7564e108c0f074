"""Destinations as the platform sees it (the ``waymark.services`` entry point)."""

from importlib.resources import files
from pathlib import Path

from waymark_destinations.adapters import institutions, roster
from waymark_destinations.adapters.contracts import registry
from waymark_destinations.adapters.tables import metadata
from waymark_destinations.app import create_app
from waymark_destinations.demo import seed_demo
from waymark_shared.service import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="destinations",
    title="Destinations",
    registry=registry,
    create_app=create_app,
    metadata=metadata,
    migrations=Path(str(files("waymark_destinations") / "migrations" / "versions")),
    subscriptions=(institutions.SUBSCRIPTION, roster.SUBSCRIPTION),
    seed_demo=seed_demo,
    description="Intended, actual and sustained destinations of every young person.",
    start_order=30,
)
