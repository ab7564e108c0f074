"""Invariants of the architecture, checked on every run."""

from __future__ import annotations

import tomllib
from pathlib import Path

from importlinter.cli import lint_imports
from sqlalchemy import MetaData

from waymark_shared.service import discover

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"


def _contracts() -> dict[str, dict]:
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    return {contract["name"]: contract for contract in config["contracts"]}


def test_import_contracts_hold():
    assert lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True) == 0


def test_every_installed_service_is_covered_by_the_independence_contract():
    independent = set(_contracts()["Services never import one another"]["modules"])
    installed = {f"waymark_{name}" for name in discover()}
    assert installed == independent
    assert installed == set(_contracts()["shared knows no service"]["forbidden_modules"])


def test_the_five_services_are_installed_and_described():
    services = discover()
    assert list(services) == ["directory", "audit", "planner", "destinations", "reporting"]
    for definition in services.values():
        assert definition.registry.service == definition.name
        assert definition.description


def test_every_subscription_handles_only_events_its_sources_declare():
    services = discover()
    for definition in services.values():
        for subscription in definition.subscriptions:
            for event_type in subscription.event_types:
                source = event_type.split(".")[2]
                producer = services[source].registry
                assert event_type.rsplit(".", 1)[1] in producer.names(), (subscription.name, event_type)


def test_every_service_has_a_single_migration_head_per_branch():
    from alembic.script import ScriptDirectory

    from waymark_shared.db.engine import make_engine
    from waymark_shared.db.migrations import alembic_config

    engine = make_engine("sqlite://")
    for definition in discover().values():
        script = ScriptDirectory.from_config(alembic_config(engine, definition.migrations))
        heads = script.get_heads()
        expected = 2 if definition.migrations else 1
        assert len(heads) == expected, (definition.name, heads)


def _declared(metadatas) -> MetaData:  # type: ignore[no-untyped-def]
    merged = MetaData()
    for metadata in metadatas:
        for table in metadata.tables.values():
            table.to_metadata(merged)
    return merged


def _index_filter(dialect: str, only_on: dict[str, tuple[str, ...]]):  # type: ignore[no-untyped-def]
    """Autogenerate ignores ``ddl_if``: skip indexes declared for other dialects."""

    def include(_obj, name, kind, _reflected, _compare_to):  # type: ignore[no-untyped-def]
        return kind != "index" or dialect in only_on.get(name, (dialect,))

    return include


def _schema_drift(urls: dict[str, str]) -> dict[str, list]:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from waymark_shared.db.engine import make_engine
    from waymark_shared.db.migrations import upgrade
    from waymark_shared.db.tables import metadata as backbone

    drift = {}
    for name, definition in discover().items():
        engine = make_engine(urls[name])
        upgrade(engine, definition.migrations, definition.metadata)
        metadatas = [backbone, *([definition.metadata] if definition.metadata else [])]
        declared = _declared(metadatas)
        only_on = {
            i.name: i.info["dialects"]
            for m in metadatas
            for t in m.tables.values()
            for i in t.indexes
            if "dialects" in i.info
        }

        include = _index_filter(engine.dialect.name, only_on)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include})
            drift[name] = compare_metadata(context, declared)
        engine.dispose()
    return {name: diffs for name, diffs in drift.items() if diffs}


def test_migrations_build_exactly_the_tables_the_code_declares_on_sqlite(tmp_path):
    urls = {name: f"sqlite:///{tmp_path}/{name}.sqlite3" for name in discover()}
    assert _schema_drift(urls) == {}


def test_migrations_build_exactly_the_tables_the_code_declares_on_postgres(postgres_server_url):
    from contextlib import ExitStack

    from waymark_shared.testing.databases import temporary_postgres_database

    with ExitStack() as stack:
        urls = {
            name: stack.enter_context(temporary_postgres_database(postgres_server_url)) for name in discover()
        }
        assert _schema_drift(urls) == {}
