"""Audit's Flask app factory."""

from __future__ import annotations

from flask import Flask

from waymark_audit.entrypoints.api import api
from waymark_shared.service import ServiceRuntime
from waymark_shared.web.app import create_service_app


def create_app(runtime: ServiceRuntime) -> Flask:
    return create_service_app(
        runtime,
        [api],
        api_title="Waymark audit",
        api_description="Compass-style self-evaluation against the Gatsby Benchmarks.",
    )
