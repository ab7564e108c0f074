"""Commands that run the platform: ``up``, ``serve``, ``relay``, ``consume``."""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import threading

import click

from waymark_shared.config import KAFKA
from waymark_shared.maintenance import as_worker
from waymark_shared.observability.logging import configure_logging
from waymark_shared.platform.embedded import EmbeddedPlatform, relay_for
from waymark_shared.platform.gunicorn_app import GunicornApp
from waymark_shared.platform.wiring import Platform

pass_platform = click.make_pass_decorator(Platform)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--demo/--no-demo", default=True, show_default=True, help="Seed demo data on first start.")
@pass_platform
def up(platform: Platform, host: str, port: int, demo: bool) -> None:
    """Start all five services in one process (embedded mode) and print the URL."""
    configure_logging("platform", os.environ.get("LOG_LEVEL", "INFO"), os.environ.get("LOG_FORMAT", "text"))
    embedded = EmbeddedPlatform(platform)
    embedded.migrate()
    seeded = embedded.seed_demo() if demo else []
    notes = embedded.demo_notes() if demo else []
    platform.close()
    url = f"http://{host}:{port}/"

    def announce(_server) -> None:  # type: ignore[no-untyped-def]
        click.echo(f"\nWaymark is running at {url}")
        for name in platform.definitions:
            click.echo(f"  {name:<13} {url}{name}/   (API: {url}{name}/openapi.json)")
        if seeded:
            click.echo(f"  demo data seeded for: {', '.join(seeded)}")
        for line in notes:
            click.echo(f"  {line}")
        click.echo(f"  data folder: {platform.settings('platform').data_dir}\n")

    # Pages link, and services fetch directory's signing keys, at the public URL: unless
    # one is given, it is where this process listens.
    env = dict(os.environ if platform.env is None else platform.env)
    env.setdefault("WAYMARK_PUBLIC_URL", url.rstrip("/").replace("://0.0.0.0:", "://127.0.0.1:"))

    started: list[EmbeddedPlatform] = []

    def load():  # type: ignore[no-untyped-def]
        running = EmbeddedPlatform(Platform(platform.definitions, platform.data_dir, env))
        running.start_background()
        started.append(running)
        return running.wsgi_app()

    def stop_background(_server, _worker) -> None:  # type: ignore[no-untyped-def]
        # In the worker, once it has stopped serving: relays and consumers stop (Kafka
        # consumers leave their groups) and every database connection is closed.
        for running in started:
            running.shutdown()

    options = {
        "bind": f"{host}:{port}",
        "workers": 1,
        "threads": 8,
        "when_ready": announce,
        "worker_exit": stop_background,
    }
    GunicornApp(load, options).run()


@click.command()
@click.argument("service")
@click.option("--bind", default="0.0.0.0:8000", show_default=True)
@click.option("--workers", default=None, type=int, help="Worker processes (default GUNICORN_WORKERS or 2).")
@click.option("--migrate/--no-migrate", default=False, help="Apply migrations before serving.")
@pass_platform
def serve(platform: Platform, service: str, bind: str, workers: int | None, migrate: bool) -> None:
    """Serve one service's HTTP API under gunicorn (distributed mode)."""
    _ensure_multiprocess_metrics_dir()
    runtime = platform.runtime(service)
    if migrate:
        runtime.migrate()
    platform.close()

    def load():  # type: ignore[no-untyped-def]
        fresh = Platform(platform.definitions, platform.data_dir, platform.env).runtime(service)
        configure_logging(service, fresh.settings.log_level, fresh.settings.log_format)
        return fresh.definition.create_app(fresh)

    GunicornApp(load, {"bind": bind, "workers": workers}).run()


@click.command()
@click.argument("services", nargs=-1)
@click.option("--metrics-port", type=int, default=None, help="Serve /metrics on this port.")
@pass_platform
def relay(platform: Platform, services: tuple[str, ...], metrics_port: int | None) -> None:
    """Publish services' stored events to Kafka (all services by default)."""
    names = services or tuple(platform.definitions)
    configure_logging("relay", platform.settings(names[0]).log_level, platform.settings(names[0]).log_format)
    for name in names:
        if platform.settings(name).transport != KAFKA:
            raise click.UsageError(f"{name}: set KAFKA_BOOTSTRAP_SERVERS to relay to Kafka")
    workers = {f"relay-{name}": relay_for(platform.runtime(name)).run for name in names}
    _run_until_signalled(workers, metrics_port)


@click.command()
@click.argument("service")
@click.option("--metrics-port", type=int, default=None, help="Serve /metrics on this port.")
@pass_platform
def consume(platform: Platform, service: str, metrics_port: int | None) -> None:
    """Run a service's subscriptions (embedded feeds or Kafka, as configured)."""
    settings = platform.settings(service)
    configure_logging(service, settings.log_level, settings.log_format)
    transports = platform.transports(service)
    if not transports:
        raise click.UsageError(f"{service} has no subscriptions")
    runtime = platform.runtime(service)
    workers = {f"consume-{t.runner.name}": t.run for t in transports}
    workers |= {f"maintain-{job.name}": as_worker(job, runtime) for job in runtime.definition.maintenance}
    _run_until_signalled(workers, metrics_port)


def _run_until_signalled(workers: dict, metrics_port: int | None) -> None:  # type: ignore[type-arg]
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    if metrics_port:
        from prometheus_client import start_http_server

        start_http_server(metrics_port)
    threads = [threading.Thread(target=w, args=(stop,), name=n, daemon=True) for n, w in workers.items()]
    for thread in threads:
        thread.start()
    click.echo(f"running {', '.join(workers)}; Ctrl-C to stop", err=True)
    while not stop.wait(0.5):
        if not any(thread.is_alive() for thread in threads):
            sys.exit("every worker stopped; see the log")
    for thread in threads:
        thread.join(10)


def _ensure_multiprocess_metrics_dir() -> None:
    """prometheus-client picks its storage when first imported, so several gunicorn
    workers need PROMETHEUS_MULTIPROC_DIR set before this process started: re-exec."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="waymark-metrics-")
    os.execv(sys.executable, [sys.executable, "-m", "waymark_shared.cli", *sys.argv[1:]])  # noqa: S606


COMMANDS = (up, serve, relay, consume)
