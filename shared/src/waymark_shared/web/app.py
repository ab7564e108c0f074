"""The Flask app every Waymark service serves: ``create_service_app``.

A service's own ``create_app(runtime)`` passes its blueprints; everything the platform
promises for HTTP (problem details, health, metrics, OpenAPI, correlation ids, JSON
logs, security headers, body size limit) comes from here, the same for every service.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from waymark_shared.auth.tokens import KeySource
from waymark_shared.observability.logging import configure_logging
from waymark_shared.service import ServiceRuntime
from waymark_shared.web.auth import install_authentication
from waymark_shared.web.errors import register_error_handlers
from waymark_shared.web.health import health_blueprint
from waymark_shared.web.hooks import install_request_hooks
from waymark_shared.web.metrics import init_metrics
from waymark_shared.web.openapi import init_openapi
from waymark_shared.web.pages import NavItem, init_pages
from waymark_shared.web.runtime import attach_runtime, current_runtime

__all__ = ["create_service_app", "current_runtime"]


def create_service_app(
    runtime: ServiceRuntime,
    blueprints: Sequence[Blueprint],
    *,
    api_title: str,
    api_version: str = "1.0.0",
    api_description: str = "",
    token_keys: KeySource | None = None,
    navigation: Sequence[NavItem] = (),
) -> Flask:
    """A Flask app serving ``blueprints`` for ``runtime``'s service, plus the
    platform routes ``/healthz``, ``/readyz``, ``/_status``, ``/metrics`` and
    ``/openapi.json``. Tokens are verified against ``token_keys`` (default: the
    JWKS document at the ``jwks_url`` setting). Pages get the shared layout
    (:mod:`waymark_shared.web.pages`) with ``navigation`` as the header's links."""
    settings = runtime.settings
    configure_logging(runtime.name, settings.log_level, settings.log_format)
    # No static folder: the working directory must never be served by accident.
    app = Flask(runtime.name, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    if settings.trusted_proxies > 0:
        # The client's address as the trusted proxies saw it; the header is never
        # believed without them, as any client can send it.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)  # type: ignore[method-assign]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    attach_runtime(app, runtime)
    install_request_hooks(app)
    # After the request hooks, so the principal becomes the actor of the request's events.
    install_authentication(app, token_keys)
    register_error_handlers(app)
    app.register_blueprint(health_blueprint())
    init_metrics(app)
    init_openapi(app, title=api_title, version=api_version, description=api_description)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    # Last: it wraps the error handlers above and adds a home page if no blueprint has one.
    init_pages(
        app,
        service_title=runtime.definition.title,
        navigation=navigation,
        templates_package=runtime.definition.create_app.__module__.partition(".")[0],
    )
    return app
