"""Where a service's routes find the :class:`ServiceRuntime` their app was built with."""

from __future__ import annotations

from flask import Flask, current_app

from waymark_shared.service import ServiceRuntime

EXTENSION = "waymark"


def attach_runtime(app: Flask, runtime: ServiceRuntime) -> None:
    app.extensions[EXTENSION] = runtime


def current_runtime() -> ServiceRuntime:
    """The runtime (settings, engine, event store) of the app handling this request."""
    return current_app.extensions[EXTENSION]
