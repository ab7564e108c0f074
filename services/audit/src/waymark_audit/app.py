"""Audit's Flask app factory."""

from __future__ import annotations

from flask import Flask

from waymark_audit.entrypoints import pages_evaluations, pages_questionnaire  # noqa: F401 (their routes)
from waymark_audit.entrypoints.api import api
from waymark_audit.entrypoints.evaluations_api import evaluations_api
from waymark_audit.entrypoints.pages_common import audit_pages
from waymark_shared.service import ServiceRuntime
from waymark_shared.web.app import create_service_app

NAVIGATION = (("Your evaluations", "platform.index"),)


def create_app(runtime: ServiceRuntime) -> Flask:
    """Tokens are verified against ``runtime.extras["token_keys"]`` when the process
    was given keys (a key source), else against the JWKS document at ``jwks_url``."""
    return create_service_app(
        runtime,
        [api, evaluations_api, audit_pages],
        api_title="Waymark audit",
        api_description="Compass-style self-evaluation against the Gatsby Benchmarks.",
        token_keys=runtime.extras.get("token_keys"),  # type: ignore[arg-type]
        navigation=NAVIGATION,
    )
