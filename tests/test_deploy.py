"""The deployment files parse, and what they monitor is what the platform exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client import REGISTRY

import waymark_shared.observability.metrics  # noqa: F401 (registers every metric)

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
METRIC = re.compile(r"\bwaymark_[a-z_]+\b")
SUFFIXES = ("_bucket", "_count", "_sum", "_total", "_created")


def _exported_names() -> set[str]:
    names = set()
    for collector_metric in REGISTRY.collect():
        if collector_metric.name.startswith("waymark_"):
            names.add(collector_metric.name)
            names.update(collector_metric.name + suffix for suffix in SUFFIXES)
    return names


def test_every_yaml_file_parses():
    files = sorted(DEPLOY.rglob("*.yaml")) + sorted(DEPLOY.rglob("*.yml"))
    assert len(files) > 10
    for path in files:
        assert list(yaml.safe_load_all(path.read_text())), path


def test_alerts_and_dashboards_use_metrics_the_platform_exports():
    exported = _exported_names()
    monitored = [DEPLOY / "prometheus" / "alerts.yml", *sorted((DEPLOY / "grafana").rglob("*.json"))]
    for path in monitored:
        text = path.read_text()
        if path.suffix == ".json":
            json.loads(text)
        used = {name for name in METRIC.findall(text) if not name.startswith("waymark_shared")}
        assert used, path
        assert used <= exported, (path.name, sorted(used - exported))


def test_compose_runs_every_service_with_a_relay_and_migration():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    for name in ("directory", "audit", "planner", "destinations", "reporting"):
        assert {f"{name}-migrate", f"{name}-api", f"{name}-relay"} <= set(services), name
    assert {"audit-consumer", "reporting-consumer"} <= set(services)
