"""Directory as the platform sees it (the ``waymark.services`` entry point)."""

from importlib.resources import files
from pathlib import Path

from waymark_directory.adapters import identity_contracts, identity_tables  # noqa: F401 - registers schemas, tables
from waymark_directory.adapters.contracts import registry
from waymark_directory.adapters.tables import metadata
from waymark_directory.app import create_app
from waymark_directory.demo import demo_notes, seed_demo
from waymark_shared.service import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="directory",
    title="Directory",
    registry=registry,
    create_app=create_app,
    metadata=metadata,
    migrations=Path(str(files("waymark_directory") / "migrations" / "versions")),
    seed_demo=seed_demo,
    demo_notes=demo_notes,
    description="Institutions, staff and roles, the learner roster, activity providers.",
    start_order=0,
)
