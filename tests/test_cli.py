"""The ``waymark`` command line, run as an operator runs it."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import jsonschema
import yaml
from click.testing import CliRunner
from sqlalchemy import select

from waymark_shared.cli.main import cli


def _run(data_dir: Path, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(
        cli, ["--data-dir", str(data_dir), *args], env={"DATABASE_URL": "", **(env or {})}
    )
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.stdout


def _reporting_rows(embedded) -> list[tuple]:  # type: ignore[no-untyped-def]
    from waymark_reporting.adapters.tables import institutions

    with embedded.platform.runtime("reporting").engine.connect() as conn:
        return [
            tuple(row) for row in conn.execute(select(institutions).order_by(institutions.c.institution_id))
        ]


def test_migrate_brings_every_service_to_head(data_dir):
    output = _run(data_dir, "migrate")
    assert [line.split(":")[0] for line in output.splitlines()] == [
        "directory",
        "audit",
        "planner",
        "destinations",
        "reporting",
    ]
    assert sorted(p.name for p in (data_dir / "data").glob("*.sqlite3")) == [
        "audit.sqlite3",
        "destinations.sqlite3",
        "directory.sqlite3",
        "planner.sqlite3",
        "reporting.sqlite3",
    ]


def _kafka_consumer_threads() -> set[threading.Thread]:
    """The network threads of the process's open kafka-python consumers (one each)."""
    return {
        t for t in threading.enumerate() if t.name.startswith("kafka-io-") and t.name.endswith("-consumer")
    }


def test_replay_rebuilds_reporting_identically_with_progress(embedded, data_dir, platform_env):
    embedded.seed_demo()
    before = _reporting_rows(embedded)
    assert before
    embedded.release_workers()
    consumers_before = _kafka_consumer_threads()

    output = _run(data_dir, "replay", "reporting", "--yes", env=platform_env)

    assert "replaying reporting" in output
    # Reporting reads directory's whole log (institutions, staff, roster, providers).
    logged = embedded.platform.runtime("directory").store.count_after()
    assert re.search(rf"reporting: {logged} events replayed, 0 parked", output)
    assert _reporting_rows(embedded) == before
    # ... and the institution summaries roll-ups add up come back with them.
    assert re.search(r"reporting: institution-summaries: [1-9]\d* brought up to date", output)
    # Over Kafka the replay has left its consumer groups: a member left behind would hold
    # up every rebalance of reporting's consumers when they start again.
    assert _kafka_consumer_threads() - consumers_before == set()


def test_parked_list_says_when_there_is_nothing(embedded, data_dir, platform_env):
    assert "no parked events" in _run(data_dir, "parked", "list", env=platform_env)


def test_contracts_are_valid_json_schema_and_asyncapi(tmp_path, data_dir):
    out = tmp_path / "contracts"
    _run(data_dir, "contracts", "--out", str(out))

    schema_path = out / "jsonschema" / "directory" / "InstitutionRegistered.v1.json"
    schema = json.loads(schema_path.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    good = {
        "institution_id": "5b0c7a52-3c1e-4b6f-9d55-0d7c1f7f3a10",
        "name": "Riverside Academy",
        "institution_type": "mainstream_secondary",
        "urn": "123456",
    }
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "pupil_name": "someone"})
    assert not validator.is_valid({**good, "institution_type": "zoo"})

    asyncapi = yaml.safe_load((out / "asyncapi.yaml").read_text())
    assert asyncapi["asyncapi"].startswith("3.")
    assert asyncapi["channels"]["directory"]["address"] == "waymark.directory.events"
    assert "InstitutionRegistered" in asyncapi["components"]["messages"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_up_starts_the_platform_with_demo_data_and_prints_its_url(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "waymark_shared.cli",
            "--data-dir",
            str(tmp_path / "var"),
            "up",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        url = _wait_for_url(process)
        assert url == f"http://127.0.0.1:{port}/"
        regions = _get_json_when(f"{url}reporting/api/regions", lambda body: body["regions"])
        assert sum(r["institutions"] for r in regions["regions"]) >= 5
        with urllib.request.urlopen(url) as response:
            assert "Waymark" in response.read().decode()
        for service in ("directory", "audit", "planner", "destinations", "reporting"):
            with urllib.request.urlopen(f"{url}{service}/readyz") as response:
                assert response.status == 200
        # On any port, a demo careers leader printed in the banner signs in once and every
        # service knows them (the keys are fetched from this process, not port 8000).
        leader = _printed_careers_leader(process)
        browser = _signed_in(url, leader, "waymark-demo-password")
        for service in ("audit", "planner"):
            request = urllib.request.Request(f"{url}{service}/", headers={"Accept": "text/html"})
            page = browser.open(request).read().decode()
            assert "Sign out" in page, service
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(20)
    # Stopped cleanly: background workers ended and every database connection closed,
    # so SQLite folded each write-ahead log back into its database.
    assert process.returncode == 0
    assert sorted((tmp_path / "var").rglob("*.sqlite3")) and not sorted((tmp_path / "var").rglob("*-wal"))


def _wait_for_url(process: subprocess.Popen, timeout: float = 300) -> str:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()  # type: ignore[union-attr]
        seen.append(line)
        if match := re.search(r"Waymark is running at (\S+)", line):
            return match.group(1)
        if process.poll() is not None:
            break
    raise AssertionError("no URL printed:\n" + "".join(seen))


def _printed_careers_leader(process: subprocess.Popen) -> str:  # type: ignore[type-arg]
    for _ in range(200):
        line = process.stdout.readline()  # type: ignore[union-attr]
        if match := re.search(r"^\s+Careers leader\s.*?(\S+@\S+)$", line):
            return match.group(1)
        if "data folder:" in line:
            break
    raise AssertionError("the banner names no demo careers leader")


def _signed_in(url: str, email: str, password: str) -> urllib.request.OpenerDirector:
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = browser.open(f"{url}directory/sign-in").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
    browser.open(f"{url}directory/sign-in", data=body.encode())
    return browser


def _get_json_when(url: str, ready, timeout: float = 20):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        with urllib.request.urlopen(url) as response:
            body = json.loads(response.read())
        if ready(body) or time.monotonic() > deadline:
            return body
        time.sleep(0.2)
