"""Reporting's Flask app factory."""

from __future__ import annotations

from flask import Flask

from waymark_reporting.entrypoints.api import api
from waymark_reporting.entrypoints.dashboard_api import dashboard_api
from waymark_reporting.entrypoints.pages import reporting_pages
from waymark_reporting.entrypoints.reports import report_pages
from waymark_reporting.entrypoints.rollups import rollup_api, rollup_pages
from waymark_shared.service import ServiceRuntime
from waymark_shared.web.app import create_service_app

NAVIGATION = (("Your reports", "platform.index"),)


def create_app(runtime: ServiceRuntime) -> Flask:
    """Tokens are verified against ``runtime.extras["token_keys"]`` when the process
    was given keys (a key source), else against the JWKS document at ``jwks_url``."""
    return create_service_app(
        runtime,
        [api, dashboard_api, reporting_pages, report_pages, rollup_api, rollup_pages],
        api_title="Waymark reporting",
        api_description="Read models and reports, projected from every service's events.",
        token_keys=runtime.extras.get("token_keys"),  # type: ignore[arg-type]
        navigation=NAVIGATION,
    )
