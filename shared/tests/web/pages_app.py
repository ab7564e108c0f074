"""A tiny app with pages in the shared layout, for the layout's tests."""

from __future__ import annotations

import waymark_webtest_service as webtest
from flask import Blueprint, Flask, flash, redirect, render_template_string, request, url_for
from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.wrappers import Response

from waymark_shared.service import ServiceRuntime
from waymark_shared.web.app import create_service_app
from waymark_shared.web.pages import form_data, form_errors
from waymark_shared.web.problems import Problem

FORM_PAGE = """{% extends "waymark/layout.html" %}
{% from "waymark/macros.html" import error_summary %}
{% from "govuk_frontend_jinja/components/input/macro.html" import govukInput %}
{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}
{% block page_title %}Register a widget{% endblock %}
{% block content %}
<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
  {{ error_summary(errors) }}
  <h1 class="govuk-heading-l">Register a widget</h1>
  {# An explicit action: after the skip link the page's URL ends in #main-content, and
     a form re-shown at such a URL would lose the error summary's focus. #}
  <form method="post" action="{{ request.script_root }}{{ request.path }}" novalidate>
    <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
    {{ govukInput({"label": {"text": "Name"}, "id": field_id("name"), "name": "name",
                   "value": form.get("name", ""), "errorMessage": errors.fields.get("name")}) }}
    {{ govukInput({"label": {"text": "Size"}, "hint": {"text": "A whole number, 1 or more"},
                   "id": field_id("size"), "name": "size", "inputmode": "numeric",
                   "classes": "govuk-input--width-5",
                   "value": form.get("size", ""), "errorMessage": errors.fields.get("size")}) }}
    {{ govukButton({"text": "Save"}) }}
  </form>
</div></div>
{% endblock %}"""


class WidgetForm(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=40))
    size = fields.Integer(required=True, validate=validate.Range(min=1))


pages = Blueprint("pages", __name__)


@pages.route("/widgets/new", methods=["GET", "POST"])
def new_widget() -> str | tuple[str, int] | Response:
    if request.method == "POST":
        try:
            WidgetForm().load({name: value for name, value in form_data().items() if value})
        except ValidationError as error:
            return render_template_string(
                FORM_PAGE, form=request.form, errors=form_errors(error.messages)
            ), 422
        flash("Widget saved", "success")
        return redirect(url_for("pages.new_widget"), 303)
    return render_template_string(FORM_PAGE, form={})


@pages.get("/secret")
def secret() -> str:
    raise Problem(403, "You cannot see this widget", "Only its owner can.")


@pages.get("/broken")
def broken() -> str:
    raise RuntimeError("database password is hunter2")


def create_app(runtime: ServiceRuntime) -> Flask:
    return create_service_app(
        runtime,
        [webtest.widgets, pages],
        api_title="Widgets",
        navigation=[("New widget", "pages.new_widget"), ("Planner", "/planner/")],
    )
