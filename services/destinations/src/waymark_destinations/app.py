"""Destinations' Flask app factory."""

from __future__ import annotations

from flask import Flask

from waymark_destinations.entrypoints.api import api
from waymark_destinations.entrypoints.pages import destinations_pages
from waymark_shared.service import ServiceRuntime
from waymark_shared.web.app import create_service_app

NAVIGATION = (("Your institutions", "platform.index"),)


def create_app(runtime: ServiceRuntime) -> Flask:
    """Tokens are verified against ``runtime.extras["token_keys"]`` when given, else
    against the JWKS document at ``jwks_url``. ``runtime.extras["today"]`` (a date)
    makes the destination rules stand on that day (see service_layer/clock.py)."""
    return create_service_app(
        runtime,
        [api, destinations_pages],
        api_title="Waymark destinations",
        api_description="Intended, actual and sustained destinations of every young person.",
        token_keys=runtime.extras.get("token_keys"),  # type: ignore[arg-type]
        navigation=NAVIGATION,
    )
