"""A throwaway service for the web skeleton's tests; gunicorn imports it too.

``gunicorn_app()`` is the factory gunicorn calls; it reads its settings from the
environment like a real service would.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Blueprint, Flask
from marshmallow import Schema, fields, validate

from waymark_shared.config import Settings
from waymark_shared.events.envelope import NewEvent
from waymark_shared.events.registry import EventRegistry
from waymark_shared.service import ServiceDefinition, ServiceRuntime, bootstrap
from waymark_shared.web.app import create_service_app, current_runtime
from waymark_shared.web.openapi import api_route
from waymark_shared.web.problems import Problem
from waymark_shared.web.requests import load_json

NAME = "webtest"
MAX_BODY_BYTES = 4096
events = EventRegistry(NAME)


@events.schema("WidgetRegistered")
class WidgetRegisteredV1(Schema):
    name = fields.String(required=True)
    size = fields.Integer(required=True)


class RegisterWidget(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=40))
    size = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    expected_version = fields.Integer(load_default=0, strict=True)
    tags = fields.List(fields.String(), load_default=list)


class Widget(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    size = fields.Integer(required=True)
    version = fields.Integer(required=True)


widgets = Blueprint("widgets", __name__)


@api_route(
    widgets,
    "/widgets/<widget_id>",
    methods=["PUT"],
    request=RegisterWidget,
    responses={201: Widget, 409: None},
    summary="Register a widget",
)
def register_widget(widget_id: str) -> tuple[dict[str, Any], int]:
    command = load_json(RegisterWidget)
    data = {"name": command["name"], "size": command["size"]}
    event = NewEvent("WidgetRegistered", widget_id, data)
    [recorded] = current_runtime().store.append(f"widget-{widget_id}", command["expected_version"], [event])
    return Widget().dump({"id": widget_id, **data, "version": recorded.stream_version}), 201


@api_route(widgets, "/widgets/<int:number>/broken-event", methods=["POST"], responses={201: Widget})
def broken_event(number: int) -> dict[str, Any]:
    event = NewEvent("WidgetRegistered", str(number), {"name": "x", "size": "not a number"})
    current_runtime().store.append(f"widget-{number}", 0, [event])
    return {}


@api_route(widgets, "/boom")
def boom() -> dict[str, Any]:
    raise RuntimeError("database password is hunter2")


@api_route(widgets, "/teapot")
def teapot() -> dict[str, Any]:
    raise Problem(418, "Short and stout", "Tip me over.", type="urn:waymark:problem:teapot")


@api_route(widgets, "/whoami")
def whoami() -> dict[str, Any]:
    return {"pid": os.getpid()}


def create_app(runtime: ServiceRuntime) -> Flask:
    return create_service_app(runtime, [widgets], api_title="Widgets", api_description="Test API")


DEFINITION = ServiceDefinition(name=NAME, title="Web test", registry=events, create_app=create_app)


def gunicorn_app() -> Flask:
    runtime = bootstrap(DEFINITION, Settings.from_env(NAME))
    return DEFINITION.create_app(runtime)
