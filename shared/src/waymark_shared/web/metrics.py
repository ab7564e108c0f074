"""Request metrics and the Prometheus ``GET /metrics`` endpoint.

Under gunicorn every worker is a separate process with its own counters. With
``PROMETHEUS_MULTIPROC_DIR`` set (before ``prometheus_client`` is first imported) each
worker writes its values to files there, and the endpoint aggregates them all, so the
totals are right whichever worker answers the scrape.
"""

from __future__ import annotations

import os

from flask import Flask, Response, request
from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector

from waymark_shared.observability import metrics

UNMATCHED = "unmatched"
# Anything else a client sends is one label value, so labels stay bounded.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_and_method() -> tuple[str, str]:
    """The current request's route template (never its raw path) and method, as
    bounded label values."""
    route = request.url_rule.rule if request.url_rule is not None else UNMATCHED
    return route, request.method if request.method in _METHODS else "OTHER"


def observe_request(service: str, route: str, method: str, status: int, seconds: float) -> None:
    """Count a request and record its latency."""
    labels = (service, route, method, str(status))
    metrics.HTTP_REQUESTS.labels(*labels).inc()
    metrics.HTTP_LATENCY.labels(*labels).observe(seconds)


def init_metrics(app: Flask) -> None:
    """Serve Prometheus metrics at ``GET /metrics``."""
    app.add_url_rule("/metrics", "metrics", _metrics_view, methods=["GET"])


def _metrics_view() -> Response:
    encoder, content_type = choose_encoder(request.headers.get("Accept", ""))
    return Response(encoder(_registry()), headers={"Content-Type": content_type})


def _registry() -> CollectorRegistry:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return registry
