"""A service under gunicorn, driven over HTTP: what every page and API benchmark shares.

``gunicorn(service, env)`` runs ``waymark serve SERVICE --workers 2`` on a free port
(its log in a file: a pipe nobody reads fills and stalls the workers) and waits for
``/healthz``; ``jwks(key)`` serves the signing key's JWKS document, as directory would;
``drive(port, calls, seconds, clients)`` sends the calls from ``clients`` threads, each
with its own keep-alive ``http.client`` connection (the lightest client there is, as it
shares the CPUs with the server), and returns every request's time.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from waymark_shared.auth.tokens import SigningKey

WORKERS = 2
# (method, path, headers, body): a GET has no body.
Call = tuple[str, str, Mapping[str, str], bytes | None]


@dataclass(frozen=True)
class Server:
    port: int
    log_path: Path

    def log_tail(self, characters: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-characters:]


@dataclass
class Load:
    """What a run of :func:`drive` measured: every request's milliseconds."""

    timings: list[float]
    seconds: float
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return len(self.timings) / self.seconds

    def percentiles(self, *points: int) -> tuple[float, ...]:
        return percentiles(self.timings, *points)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentiles(values: Sequence[float], *points: int) -> tuple[float, ...]:
    ordered = sorted(values)
    return tuple(ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] for p in points)


def get(path: str, headers: Mapping[str, str] | None = None) -> Call:
    return ("GET", path, headers or {}, None)


@contextmanager
def jwks(key: SigningKey) -> Iterator[str]:
    """The URL of ``key``'s JWKS document, served until the block ends."""
    document = json.dumps({"keys": [key.public_jwk()]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(document)))
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def gunicorn(service: str, env: Mapping[str, str]) -> Iterator[Server]:
    """``waymark serve SERVICE`` with ``WORKERS`` workers and ``env`` added to this
    process's environment (the database URL, say), ready to take requests."""
    full_env = {
        **os.environ,
        "WAYMARK_ENV": "test",
        "LOG_LEVEL": "warning",
        "GUNICORN_WORKERS": str(WORKERS),
        **env,
    }
    full_env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="waymark-bench-gunicorn-") as data_dir:
        command = [
            sys.executable, "-m", "waymark_shared.cli", "--data-dir", data_dir,
            "serve", service, "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
        ]  # fmt: skip
        log_path = Path(data_dir) / "gunicorn.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(command, env=full_env, stdout=subprocess.DEVNULL, stderr=log)
        server = Server(port, log_path)
        try:
            _wait_ready(server, process)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def _wait_ready(server: Server, process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited {process.returncode}: {server.log_tail(2000)}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not become ready within 60 s")


def send(connection: http.client.HTTPConnection, call: Call) -> tuple[int, bytes]:
    method, path, headers, body = call
    connection.request(method, path, body=body, headers=dict(headers))
    response = connection.getresponse()
    return response.status, response.read()


def warm_up(port: int, calls: Sequence[Call], connections: int = 20, each: int = 10) -> tuple[list[int], str | None]:
    """Warm every worker, one request at a time over ``connections`` connections one
    after another (so each worker has fetched the signing keys and filled its caches
    before requests come at once). Returns the response sizes and the first refusal."""
    sizes: list[int] = []
    for index in range(connections):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            for call in calls[index * each : (index + 1) * each]:
                status, body = send(connection, call)
                if status >= 400:
                    return sizes, f"{status} {body[:200]!r}"
                sizes.append(len(body))
        finally:
            connection.close()
    return sizes, None


def drive(port: int, calls: Sequence[Call], seconds: float, clients: int) -> Load:
    """``clients`` threads sending ``calls`` round-robin (each from its own place) for
    ``seconds``; a response of 400 or more is an error."""
    stop = threading.Event()
    timings: list[list[float]] = [[] for _ in range(clients)]
    errors: list[str] = []

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        position = index * 613
        while not stop.is_set():
            call = calls[position % len(calls)]
            position += 1
            begun = time.perf_counter()
            status, body = send(connection, call)
            timings[index].append((time.perf_counter() - begun) * 1000)
            if status >= 400:
                errors.append(f"{status} {body[:300]!r}")
        connection.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(15)
    elapsed = time.perf_counter() - started
    return Load([t for per_client in timings for t in per_client], elapsed, errors)


def drive_once_each(port: int, calls: Sequence[Call]) -> Load:
    """Each call once, one at a time on one connection (latency without queueing)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    timings: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    try:
        for call in calls:
            begun = time.perf_counter()
            status, body = send(connection, call)
            timings.append((time.perf_counter() - begun) * 1000)
            if status >= 400:
                errors.append(f"{status} {body[:300]!r}")
    finally:
        connection.close()
    return Load(timings, time.perf_counter() - started, errors)
