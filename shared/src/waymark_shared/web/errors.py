"""Error handlers, registered once per app: every 4xx and 5xx becomes problem details.

Routes never catch these themselves; they raise, and the mapping here is the only
place that decides status codes for platform errors.
"""

from __future__ import annotations

import logging

from flask import Flask, Response
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from waymark_shared.events.registry import EventValidationError
from waymark_shared.eventstore.store import ConcurrencyError
from waymark_shared.web.problems import CONFLICT, VALIDATION, Problem, problem_response

logger = logging.getLogger(__name__)

# Headers an HTTP error carries that the client needs (Allow on 405, Retry-After...).
_KEPT_HEADERS = ("allow", "retry-after", "www-authenticate")


def register_error_handlers(app: Flask) -> None:
    """Map every error to an ``application/problem+json`` response."""
    app.register_error_handler(Problem, problem_response)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(ValidationError, _validation_error)
    app.register_error_handler(EventValidationError, _event_validation_error)
    app.register_error_handler(ConcurrencyError, _concurrency_error)
    app.register_error_handler(Exception, _unexpected_error)


def _http_error(error: HTTPException) -> Response | HTTPException:
    if error.code is None or error.code < 400:
        return error
    headers = {k: v for k, v in error.get_headers() if k.lower() in _KEPT_HEADERS}
    return problem_response(Problem.for_status(error.code, error.description or ""), headers)


def _validation_error(error: ValidationError) -> Response:
    problem = Problem(
        422,
        "Invalid request",
        "The request body does not match the schema; see errors.",
        errors=error.normalized_messages(),
        type=VALIDATION,
    )
    return problem_response(problem)


def _event_validation_error(error: EventValidationError) -> Response:
    logger.info("event %s v%s refused by its schema", error.event_type, error.version)
    problem = Problem(
        422,
        "Invalid event",
        f"The {error.event_type} event this request would record is invalid; see errors.",
        errors=error.messages,
        type=VALIDATION,
    )
    return problem_response(problem)


def _concurrency_error(error: ConcurrencyError) -> Response:
    actual = "has moved on" if error.actual is None else f"is at version {error.actual}"
    problem = Problem(
        409,
        "Conflict",
        f"Expected version {error.expected} but the record {actual}; reload and retry.",
        type=CONFLICT,
        extensions={"expected_version": error.expected, "actual_version": error.actual},
    )
    return problem_response(problem)


def _unexpected_error(error: Exception) -> Response:
    logger.exception("unhandled %s", type(error).__name__)
    problem = Problem.for_status(
        500, "The request could not be completed; quote the correlation_id when reporting it."
    )
    return problem_response(problem)
