"""Process-wide log set-up: one JSON object per line, each naming its service and
correlation id.

Bootstrap code calls :func:`configure_logging` once per process. The web layer wraps
each request in :func:`service_scope`, so that in the embedded mode, where one process
serves every service, each line still names the service that wrote it. Log with lazy
``%s`` arguments and ``extra={...}``; never log request bodies, query strings or any
pupil data.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

from waymark_shared.events.context import current_correlation_id

JSON_FIELDS = "%(levelname)s %(name)s %(message)s %(service)s %(correlation_id)s"
TEXT_FORMAT = "%(asctime)s %(levelname)-7s [%(service)s %(correlation_id)s] %(name)s: %(message)s"
# The development server logs every request line with its query string.
QUIET_LOGGERS = ("werkzeug",)

_service: ContextVar[str | None] = ContextVar("waymark_log_service", default=None)


class ContextFilter(logging.Filter):
    """Stamps ``service`` and ``correlation_id`` on every record the handler emits."""

    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "service"):
            record.service = _service.get() or self.service
        if not hasattr(record, "correlation_id"):
            record.correlation_id = current_correlation_id()
        return True


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record is emitted, so that
    replacing it (test capture, a daemonising runner) never strands the handler."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def json_formatter() -> logging.Formatter:
    """The JSON formatter the app and gunicorn's error log share."""
    return JsonFormatter(JSON_FIELDS, rename_fields={"levelname": "level", "name": "logger"}, timestamp=True)


def configure_logging(
    service: str, level: str = "INFO", fmt: str = "json", *, stream: TextIO | None = None
) -> logging.Handler:
    """Send the root logger's records to ``stream`` (stderr) as JSON, or as text for
    humans with ``fmt="text"``. Calling it again replaces the handler it installed
    before and leaves every other handler (pytest's, gunicorn's) alone."""
    handler = logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    handler.set_name(f"waymark:{service}")
    handler.addFilter(ContextFilter(service))
    handler.setFormatter(logging.Formatter(TEXT_FORMAT) if fmt == "text" else json_formatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if (h.get_name() or "").startswith("waymark:")]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler


@contextmanager
def service_scope(service: str) -> Iterator[None]:
    """Name ``service`` on every line logged inside the block."""
    token = _service.set(service)
    try:
        yield
    finally:
        _service.reset(token)
