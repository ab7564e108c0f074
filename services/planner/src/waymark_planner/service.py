"""Planner as the platform sees it (the ``waymark.services`` entry point)."""

from waymark_planner.adapters.contracts import registry
from waymark_planner.app import create_app
from waymark_shared.service import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="planner",
    title="Planner",
    registry=registry,
    create_app=create_app,
    description="The annual careers plan aimed at audit gaps, the activity log, evaluation, exports.",
    start_order=20,
)
