"""Loading a JSON request body through a marshmallow schema, refusing anything else.

Every refusal is a problem response with a 4xx status, raised before the route does
any work, so a bad request never writes anything.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import current_app, request
from marshmallow import RAISE, Schema
from werkzeug.exceptions import RequestEntityTooLarge

from waymark_shared.web.problems import Problem


def load_json(schema: Schema | type[Schema]) -> dict[str, Any]:
    """The request's JSON object, loaded (validated and deserialised) by ``schema``.

    Raises problems: 415 unless the body is ``application/json``, 413 when it is larger
    than ``MAX_CONTENT_LENGTH``, 400 when it is not one JSON object, and 422 (with
    field errors) for unknown fields or values the schema refuses.
    """
    if isinstance(schema, type):
        schema = schema()
    body = _json_body()
    if not isinstance(body, dict):
        raise Problem.for_status(400, "The request body must be a JSON object.")
    return schema.load(body, unknown=RAISE)


def _json_body() -> Any:
    if not request.is_json:
        raise Problem.for_status(415, "Send the request body as application/json.")
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge(f"The request body is larger than {limit} bytes.")
    raw = request.get_data(cache=True)
    # A chunked body is cut off at the limit rather than refused, so reaching it is
    # taken as going over it.
    if limit is not None and request.content_length is None and len(raw) >= limit:
        raise RequestEntityTooLarge(f"The request body is larger than {limit} bytes.")
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise Problem.for_status(400, "The request body is not valid UTF-8.") from None
    except json.JSONDecodeError as error:
        # Position only: the message must not echo the body back.
        detail = f"Malformed JSON: {error.msg} at line {error.lineno} column {error.colno}."
        raise Problem.for_status(400, detail) from None
    except (ValueError, RecursionError):
        raise Problem.for_status(400, "The request body is not valid JSON.") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_ETAG = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')


def expected_version(body_version: int | None) -> int | None:
    """The version the client changed: ``If-Match: "3"`` or the body's ``version``."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return body_version
    match = _ETAG.match(header.split(",")[0])
    if match is None:
        raise Problem(400, "Bad If-Match", 'Send If-Match with the ETag you were given, for example "3".')
    version = int(match.group(1))
    if body_version is not None and body_version != version:
        raise Problem(400, "Versions disagree", "If-Match and the body's version name different versions.")
    return version
