"""Distributed mode end to end: services as separate processes on PostgreSQL, events
over the Kafka wire protocol, two gunicorn workers per API."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest
from sqlalchemy import create_engine

from tests.conftest import admin_token
from waymark_shared.platform.wiring import Platform
from waymark_shared.testing.databases import temporary_postgres_database

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.slow]

SCHOOL = {
    "name": "Hillcrest School",
    "institution_type": "mainstream_secondary",
    "urn": "654321",
    "local_authority": "Manchester",
    "region": "North West",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _process(args: list[str], env: dict[str, str], log_path) -> Iterator[subprocess.Popen]:  # type: ignore[type-arg]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "waymark_shared.cli", *args], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


def _request(url: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict | str]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            text = response.read().decode()
            status = response.status
    except urllib.error.HTTPError as error:
        text, status = error.read().decode(), error.code
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def _wait_until(condition, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except OSError:
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_an_institution_registered_in_one_process_reaches_reporting_in_another(
    kafka, postgres_server_url, tmp_path
):
    kafka.create_topic("waymark.directory.events")
    with ExitStack() as stack:
        urls = {
            s: stack.enter_context(temporary_postgres_database(postgres_server_url))
            for s in ("directory", "reporting")
        }
        env = {
            **os.environ,
            **kafka.env(),
            "LOG_FORMAT": "json",
            "WAYMARK_DIRECTORY_DATABASE_URL": urls["directory"],
            "WAYMARK_REPORTING_DATABASE_URL": urls["reporting"],
        }
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        subprocess.run(
            [sys.executable, "-m", "waymark_shared.cli", "migrate", "directory", "reporting"],
            env=env,
            check=True,
            capture_output=True,
        )
        ports = {"directory": _free_port(), "reporting": _free_port()}
        for service, port in ports.items():
            stack.enter_context(
                _process(
                    ["serve", service, "--bind", f"127.0.0.1:{port}", "--workers", "2"],
                    env,
                    tmp_path / f"{service}-api.log",
                )
            )
        stack.enter_context(_process(["relay", "directory"], env, tmp_path / "relay.log"))
        stack.enter_context(_process(["consume", "reporting"], env, tmp_path / "consumer.log"))
        directory = f"http://127.0.0.1:{ports['directory']}"
        reporting = f"http://127.0.0.1:{ports['reporting']}"
        for base in (directory, reporting):
            _wait_until(lambda b=base: _request(f"{b}/readyz")[0] == 200, 30, f"{base} ready")

        engine = create_engine(urls["directory"])
        stack.callback(engine.dispose)
        token = admin_token(engine)  # registering is for platform administrators
        status, created = _request(f"{directory}/api/institutions", SCHOOL, token)
        assert status == 201, created

        listed = _wait_until(
            lambda: _request(f"{reporting}/api/institutions")[1]["institutions"],
            60,
            "the institution in reporting",
        )
        assert [(i["institution_id"], i["name"]) for i in listed] == [
            (created["institution_id"], "Hillcrest School")
        ]

        duplicate_status, problem = _request(f"{directory}/api/institutions", SCHOOL, token)
        assert duplicate_status == 409 and problem["status"] == 409
        metrics = "\n".join(urllib.request.urlopen(f"{directory}/metrics").read().decode() for _ in range(4))
        appended = [
            line for line in metrics.splitlines() if line.startswith("waymark_events_appended_total{")
        ]
        assert appended and all(line.endswith(" 1.0") for line in appended)


def test_environments_sharing_a_cluster_can_keep_their_consumer_groups_apart(kafka, tmp_path):
    """A group shared by two environments would give one environment's consumers the
    other's partitions: each names its groups after its own prefix."""
    groups = {}
    for prefix in ("waymark", "staging"):
        env = {**kafka.env(), "WAYMARK_TOPIC_PREFIX": prefix}
        if prefix != "waymark":
            env["WAYMARK_CONSUMER_GROUP_PREFIX"] = prefix
        platform = Platform.discover(data_dir=tmp_path / prefix, env=env)
        transports = platform.transports("reporting")
        try:
            groups[prefix] = {t.consumer.config["group_id"] for t in transports}  # type: ignore[attr-defined]
        finally:
            for transport in transports:
                transport.close()
            platform.close()
    assert "waymark.reporting-destinations" in groups["waymark"]
    assert groups["staging"] == {group.replace("waymark.", "staging.", 1) for group in groups["waymark"]}
