"""Running a service's migrations: the shared ``backbone`` branch plus its own branch."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData

from waymark_shared.db.tables import metadata as backbone_metadata

SHARED_MIGRATIONS = Path(str(files("waymark_shared") / "migrations"))


def alembic_config(engine: Engine, service_versions: Path | None, metadata: MetaData | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SHARED_MIGRATIONS))
    locations = [SHARED_MIGRATIONS / "versions"]
    if service_versions is not None:
        locations.append(service_versions)
    config.set_main_option("version_locations", " ".join(str(p) for p in locations))
    config.set_main_option("path_separator", "space")
    config.attributes["engine"] = engine
    config.attributes["target_metadata"] = [backbone_metadata, *([metadata] if metadata else [])]
    return config


def upgrade(engine: Engine, service_versions: Path | None, metadata: MetaData | None = None) -> None:
    command.upgrade(alembic_config(engine, service_versions, metadata), "heads")


def pending_heads(engine: Engine, service_versions: Path | None) -> set[str]:
    """Heads of the migration scripts that the database has not reached (empty: at head)."""
    script = ScriptDirectory.from_config(alembic_config(engine, service_versions))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    # A head the service branch depends on is not stored once its dependant is applied.
    applied = {revision.revision for revision in script.iterate_revisions(current, "base")}
    return set(script.get_heads()) - applied
