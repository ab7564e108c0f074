"""Per-request plumbing: correlation id, metrics, one log line, security headers.

Each request runs inside a :func:`message_context`, so every event the request appends
and every line it logs carries its correlation id, and the response hands the id
back in ``X-Correlation-ID``.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextlib import ExitStack

from flask import Flask, Response, g, request

from waymark_shared.events.context import current_correlation_id, message_context
from waymark_shared.observability.logging import service_scope
from waymark_shared.web.metrics import observe_request, route_and_method
from waymark_shared.web.runtime import current_runtime

CORRELATION_HEADER = "X-Correlation-ID"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
}
# A caller's id is echoed into logs and headers, so only a short, inert one is kept.
_VALID_CORRELATION_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

logger = logging.getLogger("waymark.http")


def install_request_hooks(app: Flask) -> None:
    """Wrap every request of ``app`` in the platform's per-request plumbing."""
    app.before_request(_begin)
    app.after_request(_finish)
    app.teardown_request(_end)


def correlation_id_from(header: str | None) -> str:
    """The caller's correlation id if it is well-formed, else a new one."""
    if header and _VALID_CORRELATION_ID.fullmatch(header):
        return header
    return str(uuid.uuid4())


def _begin() -> None:
    g.waymark_started = time.perf_counter()
    scope = ExitStack()
    # The actor stays None until authentication sets it.
    scope.enter_context(message_context(correlation_id_from(request.headers.get(CORRELATION_HEADER))))
    scope.enter_context(service_scope(current_runtime().name))
    g.waymark_scope = scope


def _finish(response: Response) -> Response:
    seconds = time.perf_counter() - g.get("waymark_started", time.perf_counter())
    # The route template only: paths and query strings may carry pupil data.
    route, method = route_and_method()
    observe_request(current_runtime().name, route, method, response.status_code, seconds)
    response.headers[CORRELATION_HEADER] = current_correlation_id() or ""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    logger.info(
        "%s %s %s %.1fms",
        method,
        route,
        response.status_code,
        seconds * 1000,
        extra={
            "method": method,
            "route": route,
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 2),
        },
    )
    return response


def _end(_error: BaseException | None) -> None:
    scope = g.pop("waymark_scope", None)
    if scope is not None:
        scope.close()
