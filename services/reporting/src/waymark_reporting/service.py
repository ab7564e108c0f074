"""Reporting as the platform sees it (the ``waymark.services`` entry point)."""

from importlib.resources import files
from pathlib import Path

from waymark_reporting.adapters.contracts import registry
from waymark_reporting.adapters.tables import metadata
from waymark_reporting.app import create_app
from waymark_reporting.readmodels.institutions import SUBSCRIPTION
from waymark_shared.service import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="reporting",
    title="Reporting",
    registry=registry,
    create_app=create_app,
    metadata=metadata,
    migrations=Path(str(files("waymark_reporting") / "migrations" / "versions")),
    subscriptions=(SUBSCRIPTION,),
    description="Read models and reports for Ofsted, governors, evaluation and Careers Hubs.",
    start_order=90,
)
