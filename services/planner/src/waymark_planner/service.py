"""Planner as the platform sees it (the ``waymark.services`` entry point)."""

from importlib.resources import files
from pathlib import Path

from waymark_planner.adapters import audit_results, institutions, providers, roster
from waymark_planner.adapters.contracts import registry
from waymark_planner.adapters.tables import metadata
from waymark_planner.app import create_app
from waymark_planner.demo import seed_demo
from waymark_shared.service import ServiceDefinition

SUBSCRIPTIONS = (
    institutions.SUBSCRIPTION,
    roster.SUBSCRIPTION,
    providers.SUBSCRIPTION,
    audit_results.SUBSCRIPTION,
)

DEFINITION = ServiceDefinition(
    name="planner",
    title="Planner",
    registry=registry,
    create_app=create_app,
    metadata=metadata,
    migrations=Path(str(files("waymark_planner") / "migrations" / "versions")),
    subscriptions=SUBSCRIPTIONS,
    seed_demo=seed_demo,
    description="The annual careers plan aimed at audit gaps, the activity log, evaluation, exports.",
    start_order=20,
)
