"""Invariants of the architecture, checked on every run."""

from __future__ import annotations

import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

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
