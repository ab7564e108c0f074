"""Form errors in the shape GOV.UK Frontend's error summary and error messages take.

A page route loads the posted form with a marshmallow schema; on a ``ValidationError``
it re-shows the form with status 422 and ``errors=form_errors(error.messages)``::

    try:
        data = InstitutionForm().load(request.form)
    except ValidationError as error:
        return render_template("directory/x.html", form=request.form,
                               errors=form_errors(error.messages)), 422

and the template shows ``{{ error_summary(errors) }}`` at the top of the content and
``'errorMessage': errors.fields.get('name')`` on each field. The summary links to each
field's ``id``, which must be :func:`field_id` of the field's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from flask import current_app, request

from waymark_shared.web.problems import field_errors

# Messages that are about the form as a whole, not one field (marshmallow's key).
FORM_WIDE = "_schema"


class ErrorLink(TypedDict, total=False):
    text: str
    href: str


class FormErrors(TypedDict):
    summary: list[ErrorLink]  # govukErrorSummary's errorList
    fields: dict[str, dict[str, str]]  # field name -> govukInput's errorMessage


def field_id(name: str) -> str:
    """The ``id`` a field's input must have: ``address.postcode`` → ``address-postcode``."""
    return name.replace(".", "-")


def form_errors(errors: Mapping[str, Any] | None) -> FormErrors:
    """``{"name": ["Missing data for required field."]}`` (marshmallow's messages,
    nested or flat) → ``{"summary": [{"text": ..., "href": "#name"}], "fields":
    {"name": {"text": ...}}}``. Empty input gives empty, falsy parts."""
    summary: list[ErrorLink] = []
    fields: dict[str, dict[str, str]] = {}
    for name, messages in field_errors(errors or {}).items():
        text = " ".join(message.strip() for message in messages if message.strip())
        if not text:
            continue
        if name == FORM_WIDE:
            summary.append({"text": text})
        else:
            summary.append({"text": text, "href": f"#{field_id(name)}"})
            fields[name] = {"text": text}
    return {"summary": summary, "fields": fields}


def form_data() -> dict[str, str]:
    """The posted form's fields, without the CSRF token: what a page's schema loads
    (``Schema().load(form_data())``, unknown fields refused)."""
    token_field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    return {name: value for name, value in request.form.items() if name != token_field}
