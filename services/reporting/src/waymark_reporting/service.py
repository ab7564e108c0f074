"""Reporting as the platform sees it (the ``waymark.services`` entry point).

One subscription per source service, each with its own positions and freshness:
``reporting`` (directory: institutions and learners), ``reporting-audit``,
``reporting-planner`` and ``reporting-destinations``. ``waymark replay reporting``
rebuilds them all.

Its consumer process also keeps the institution summaries that roll-ups add up
current (a maintenance job). On a demo's first start it writes a synthetic nation into the producers' stores
(:mod:`waymark_reporting.demo`).
"""

from importlib.resources import files
from pathlib import Path

from waymark_reporting.adapters.contracts import registry
from waymark_reporting.adapters.tables import metadata
from waymark_reporting.app import create_app
from waymark_reporting.demo import demo_notes, seed_platform_demo
from waymark_reporting.readmodels import activities, destinations, evaluations, institutions
from waymark_reporting.views.summaries import refresh_round
from waymark_shared.maintenance import MaintenanceJob
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
    # Institution summaries (for roll-ups) recomputed where projections marked them stale.
    maintenance=(MaintenanceJob("institution-summaries", refresh_round),),
    seed_platform_demo=seed_platform_demo,
    demo_notes=demo_notes,
)
