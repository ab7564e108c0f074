"""Under real gunicorn with two workers, /metrics adds up every worker's requests."""

from __future__ import annotations

import importlib
import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
import waymark_webtest_service as webtest
from prometheus_client.parser import text_string_to_metric_families

from waymark_shared.config import Settings
from waymark_shared.service import bootstrap

HERE = Path(__file__).parent
LISTENING = re.compile(r"Listening at: (http://[\d.]+:\d+)")


class Server:
    def __init__(self, process: subprocess.Popen[str]):
        self.process = process
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line)

    def wait_for(self, pattern: re.Pattern[str], count: int = 1, timeout: float = 30) -> list[re.Match[str]]:
        found, deadline = [], time.monotonic() + timeout
        while len(found) < count:
            line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            entry = json.loads(line)  # gunicorn's error log is JSON too
            if match := pattern.search(entry["message"]):
                found.append(match)
        return found


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Server, str]]:
    database_url = f"sqlite:///{tmp_path}/gunicorn.sqlite3"
    runtime = bootstrap(
        webtest.DEFINITION, Settings.from_env(webtest.NAME, env={"DATABASE_URL": database_url})
    )
    runtime.migrate()
    runtime.dispose()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "GUNICORN_WORKERS": "2",
        "GUNICORN_BIND": "127.0.0.1:0",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])),
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "python:waymark_shared.web.gunicorn_conf"]
    command += ["--chdir", str(HERE), "waymark_webtest_service:gunicorn_app()"]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        running = Server(process)
        [listening] = running.wait_for(LISTENING)
        running.wait_for(re.compile("Worker ready"), count=2)
        yield running, listening.group(1)
    finally:
        process.terminate()
        process.wait(timeout=30)


def get(url: str) -> bytes:
    # A new connection each time, so either worker may take it.
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def whoami_total(metrics: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(metrics)
        if family.name == "waymark_http_requests"
        for sample in family.samples
        if sample.name.endswith("_total") and sample.labels["route"] == "/whoami"
    )


def test_metrics_add_up_across_workers(server: tuple[Server, str]) -> None:
    _, base = server
    pids: set[int] = set()
    sent = 0
    # At least 20 requests, and enough that both workers have served some.
    while sent < 20 or (len(pids) < 2 and sent < 500):
        pids.add(json.loads(get(f"{base}/whoami"))["pid"])
        sent += 1

    totals = {whoami_total(get(f"{base}/metrics").decode()) for _ in range(10)}

    assert len(pids) == 2, f"one worker served all {sent} requests"
    assert totals == {float(sent)}


@pytest.fixture
def gunicorn_conf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The config module as gunicorn loads it, under a test environment."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    monkeypatch.setenv("GUNICORN_WORKERS", "5")
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    monkeypatch.setenv("PORT", "9123")
    from waymark_shared.web import gunicorn_conf

    return importlib.reload(gunicorn_conf)


def test_the_config_reads_the_environment(gunicorn_conf) -> None:  # type: ignore[no-untyped-def]
    assert gunicorn_conf.worker_class == "gthread"
    assert (gunicorn_conf.workers, gunicorn_conf.threads) == (5, 4)
    assert gunicorn_conf.bind == ["0.0.0.0:9123"]
    assert gunicorn_conf.accesslog is None


def test_the_hooks_keep_the_metric_files_right(gunicorn_conf, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "counter_1.db").write_bytes(b"")
    gunicorn_conf.on_starting(None)
    (tmp_path / "counter_2.db").write_bytes(b"")
    (tmp_path / "gauge_livemax_2.db").write_bytes(b"")

    gunicorn_conf.child_exit(None, SimpleNamespace(pid=2))

    # Stale files from an earlier run go at start; a dead worker keeps its counters.
    assert sorted(path.name for path in tmp_path.iterdir()) == ["counter_2.db"]
