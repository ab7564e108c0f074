"""Reporting as the platform sees it (the ``waymark.services`` entry point).

One subscription per source service, each with its own positions and freshness:
``reporting`` (directory: institutions and learners), ``reporting-audit``,
``reporting-planner`` and ``reporting-destinations``. ``waymark replay reporting``
rebuilds them all.
"""

from importlib.resources import files
from pathlib import Path

from waymark_reporting.adapters.contracts import registry
from waymark_reporting.adapters.tables import metadata
from waymark_reporting.app import create_app
from waymark_reporting.readmodels import activities, destinations, evaluations, institutions
from waymark_shared.service import ServiceDefinition

SUBSCRIPTIONS = (
    institutions.SUBSCRIPTION,
    evaluations.SUBSCRIPTION,
    activities.SUBSCRIPTION,
    destinations.SUBSCRIPTION,
)

DEFINITION = ServiceDefinition(
    name="reporting",
    title="Reporting",
    registry=registry,
    create_app=create_app,
    metadata=metadata,
    migrations=Path(str(files("waymark_reporting") / "migrations" / "versions")),
    subscriptions=SUBSCRIPTIONS,
    description="Read models and reports for Ofsted, governors, evaluation and Careers Hubs.",
    start_order=90,
)
