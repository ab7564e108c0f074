"""Problem details (RFC 9457): the one error body every Waymark API returns.

A route refuses a request by raising :class:`Problem`; the handlers in
:mod:`waymark_shared.web.errors` turn it, and every other error, into an
``application/problem+json`` response.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from flask import Response, current_app, has_request_context, request
from marshmallow import Schema, fields

from waymark_shared.events.context import current_correlation_id

PROBLEM_JSON = "application/problem+json"
ABOUT_BLANK = "about:blank"
VALIDATION = "urn:waymark:problem:validation"
CONFLICT = "urn:waymark:problem:conflict"

FieldErrors = dict[str, list[str]]


class Problem(Exception):
    """An HTTP error a route raises: ``raise Problem(404, "No such institution", ...)``.

    ``errors`` maps fields to messages; ``extensions`` adds members to the body (e.g.
    ``{"expected_version": 3}``). ``type`` is a URI naming the kind of problem
    (``about:blank`` when the status code says it all).
    """

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        errors: Mapping[str, Any] | None = None,
        type: str | None = None,  # noqa: A002 - the RFC 9457 member name
        *,
        extensions: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ):
        super().__init__(f"{status} {title}: {detail}")
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = field_errors(errors) if errors is not None else None
        self.type = type or ABOUT_BLANK
        self.extensions = dict(extensions or {})
        self.headers = dict(headers or {})

    @classmethod
    def for_status(cls, status: int, detail: str = "", **kwargs: Any) -> Problem:
        """A problem titled with the status code's reason phrase."""
        return cls(status, HTTPStatus(status).phrase, detail, **kwargs)

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            # The path only: a query string may carry pupil data.
            "instance": request.path if has_request_context() else None,
            "correlation_id": current_correlation_id(),
        }
        if self.errors is not None:
            body["errors"] = self.errors
        return {**self.extensions, **body}


def problem_response(problem: Problem, headers: Mapping[str, str] | None = None) -> Response:
    """The ``application/problem+json`` response for ``problem``."""
    response = current_app.json.response(problem.to_dict())
    response.status_code = problem.status
    response.content_type = PROBLEM_JSON
    response.headers.update({**problem.headers, **(headers or {})})
    return response


def field_errors(messages: Any, prefix: str = "") -> FieldErrors:
    """marshmallow's nested messages flattened to ``{"address.postcode": [...]}``;
    messages not about one field go under ``_schema``."""
    if isinstance(messages, Mapping):
        flat: FieldErrors = {}
        for key, value in messages.items():
            for name, texts in field_errors(value, f"{prefix}.{key}" if prefix else str(key)).items():
                flat.setdefault(name, []).extend(texts)
        return flat
    if isinstance(messages, list | tuple):
        flat = {}
        for item in messages:
            for name, texts in field_errors(item, prefix).items():
                flat.setdefault(name, []).extend(texts)
        return flat
    return {prefix or "_schema": [str(messages)]}


class ProblemSchema(Schema):
    """An RFC 9457 problem details object, with Waymark's extension members."""

    type = fields.String(required=True, metadata={"description": "URI naming the kind of problem"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String(allow_none=True, metadata={"description": "The request path"})
    correlation_id = fields.String(allow_none=True)
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Messages by field, for validation problems"},
    )
