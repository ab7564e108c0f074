"""Planner's Flask app factory."""

from __future__ import annotations

from flask import Flask

from waymark_shared.service import ServiceRuntime
from waymark_shared.web.app import create_service_app


def create_app(runtime: ServiceRuntime) -> Flask:
    return create_service_app(runtime, [], api_title="Waymark planner")
