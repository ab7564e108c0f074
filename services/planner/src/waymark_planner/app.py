"""Planner's Flask app factory."""

from __future__ import annotations

from flask import Flask

from waymark_planner.entrypoints import pages_activities, pages_delivery, pages_plans  # noqa: F401  (routes)
from waymark_planner.entrypoints.api import api
from waymark_planner.entrypoints.api_activities import activities_api
from waymark_planner.entrypoints.pages_common import planner_pages
from waymark_shared.service import ServiceRuntime
from waymark_shared.web.app import create_service_app

NAVIGATION = (("Your plans", "platform.index"),)


def create_app(runtime: ServiceRuntime) -> Flask:
    """Tokens are verified against ``runtime.extras["token_keys"]`` when the process
    was given keys (a key source), else against the JWKS document at ``jwks_url``."""
    return create_service_app(
        runtime,
        [api, activities_api, planner_pages],
        api_title="Waymark planner",
        api_description="The annual careers plan aimed at audit gaps, the activity and participation log, "
        "evaluation, and Word and Excel exports.",
        token_keys=runtime.extras.get("token_keys"),  # type: ignore[arg-type]
        navigation=NAVIGATION,
    )
