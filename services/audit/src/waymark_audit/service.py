"""Audit as the platform sees it (the ``waymark.services`` entry point)."""

from importlib.resources import files
from pathlib import Path

from waymark_audit.adapters import roster
from waymark_audit.adapters.contracts import registry
from waymark_audit.adapters.institutions import SUBSCRIPTION
from waymark_audit.adapters.tables import metadata
from waymark_audit.app import create_app
from waymark_audit.demo import seed_demo
from waymark_shared.service import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="audit",
    title="Audit",
    registry=registry,
    create_app=create_app,
    metadata=metadata,
    migrations=Path(str(files("waymark_audit") / "migrations" / "versions")),
    subscriptions=(SUBSCRIPTION, roster.SUBSCRIPTION),
    seed_demo=seed_demo,
    description="Compass-style self-evaluation against the Gatsby Benchmarks.",
    start_order=10,
)
