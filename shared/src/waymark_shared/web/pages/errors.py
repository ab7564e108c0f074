"""Error pages for people, problem details for programs.

The platform's handlers (:mod:`waymark_shared.web.errors`) decide the status, title
and detail of every error and answer ``application/problem+json``. For a browser
asking for a page (not under ``/api``, not an ``api_route``, ``text/html`` preferred
over JSON) the same answer is shown as an HTML page in the layout, with the same
status code, headers and correlation id. Clients that accept anything (``*/*``),
or send no ``Accept`` at all, keep getting JSON.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, has_request_context, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

logger = logging.getLogger(__name__)

_OPERATION = "_waymark_operation"  # set on a view by waymark_shared.web.openapi.api_route

# What a person is told for each status when the route gave no more specific title.
FRIENDLY = {
    400: ("Sorry, there is a problem with your request", "Check what you sent and try again."),
    401: ("You need to sign in", "Sign in to see this page."),
    403: ("You do not have permission to see this page", "Ask your careers leader for access."),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. If you pasted it, check you "
        "copied the entire address.",
    ),
    405: ("Sorry, there is a problem with your request", "This page cannot do that."),
    413: ("The file or form is too large", "Send less, or split it into smaller parts."),
    422: ("There is a problem with what you sent", "Check the details below and try again."),
    429: ("Too many requests", "Wait a minute, then try again."),
    500: ("Sorry, there is a problem with the service", "Try again later."),
    503: ("Sorry, the service is unavailable", "Try again later."),
}
EXPIRED_FORM = (
    "Sorry, there is a problem with your request",
    "The form was out of date or did not come from this service. Go back, reload the page and try again.",
)


def is_api_view() -> bool:
    """Whether this request is for a route declared with ``api_route``."""
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, _OPERATION, None) is not None


def wants_html() -> bool:
    """Whether this request is a person's browser asking for a page."""
    if not has_request_context():
        return False
    if request.path == "/api" or request.path.startswith("/api/") or is_api_view():
        return False
    best = request.accept_mimetypes.best_match(["application/json", "application/problem+json", "text/html"])
    return best == "text/html"


def install_html_errors(app: Flask) -> None:
    """Wrap each of ``app``'s registered error handlers so browsers get a page."""
    handlers = app.error_handler_spec.setdefault(None, {}).setdefault(None, {})
    for exception_class, handler in list(handlers.items()):
        handlers[exception_class] = _as_page_for_browsers(handler)


def _as_page_for_browsers(handler: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def handle(error: Exception) -> Any:
        answer = handler(error)  # logs, and decides status and wording
        if not isinstance(answer, Response) or answer.status_code < 400 or not wants_html():
            return answer
        try:
            return _page(error, answer)
        except Exception:  # an error page must never hide the error it reports
            logger.exception("error page for %s could not be rendered", answer.status_code)
            return answer

    return handle


def _page(error: Exception, problem: Response) -> Response:
    body: dict[str, Any] = json.loads(problem.get_data())
    status = problem.status_code
    title, detail = body.get("title") or "", body.get("detail") or ""
    if isinstance(error, CSRFError):
        title, detail = EXPIRED_FORM
    elif status >= 500 or _is_phrase(title, status) or isinstance(error, HTTPException):
        # Generic errors get plain words; a route's own Problem keeps its title and detail.
        title, detail = FRIENDLY.get(status, (title or "Sorry, there is a problem", detail))
    html = render_template(
        "waymark/error.html",
        status=status,
        title=title,
        detail=detail,
        field_messages=body.get("errors") or {},
        correlation_id=body.get("correlation_id"),
    )
    page = Response(html, status=status, mimetype="text/html")
    for name, value in problem.headers.items():
        if name.lower() not in {"content-type", "content-length"}:
            page.headers[name] = value
    return page


def _is_phrase(title: str, status: int) -> bool:
    try:
        return title == HTTPStatus(status).phrase
    except ValueError:
        return False
