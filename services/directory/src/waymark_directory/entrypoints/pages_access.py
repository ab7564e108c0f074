"""Pages for an institution's access by others: its API clients (registering one shows
its secret once; revoking one stops its tokens) and its Ofsted share links (a link
opens the Ofsted pack for a few days; revoking it closes it at once)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, flash, redirect, request, url_for
from marshmallow import ValidationError

from waymark_directory.domain.accounts import IdentityError
from waymark_directory.entrypoints import identity_forms as forms
from waymark_directory.entrypoints.pages_identity import institution_for, page, pages, posted_form
from waymark_directory.service_layer import credentials, permissions, staff
from waymark_shared.auth.principal import API_SCOPES
from waymark_shared.web.auth import require_principal
from waymark_shared.web.pages import form_errors
from waymark_shared.web.runtime import current_runtime


def _refused(context: dict[str, Any], error: ValidationError | IdentityError) -> int:
    """The form again as it was posted, with a message at each field it got wrong."""
    messages = error.messages if isinstance(error, ValidationError) else error.errors
    context.update(form=request.form, errors=form_errors(messages))
    return 422


@pages.route("/institutions/<uuid:institution_id>/api-clients", methods=["GET", "POST"])
def api_clients(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution = institution_for(principal, str(institution_id), permissions.can_manage_api_clients)
    runtime = current_runtime()
    context: dict[str, Any] = {
        "institution": institution,
        "scopes": API_SCOPES,
        "form": {},
        "new_client": None,
    }
    status = 200
    if request.method == "POST":
        try:
            data = posted_form(forms.ApiClientForm, scopes=request.form.getlist("scopes"))
            context["new_client"] = credentials.register_client(
                runtime,
                institution_id=str(institution_id),
                name=data["name"],
                scopes=data["scopes"],
                registered_by=principal.subject,
            )
        except (ValidationError, IdentityError) as error:
            status = _refused(context, error)
    context["clients"] = credentials.clients_of(runtime, str(institution_id))
    context["token_url"] = url_for("identity.token", _external=True)
    return page("api_clients.html", status, **context)


@pages.route("/institutions/<uuid:institution_id>/api-clients/<client_id>/revoke", methods=["POST"])
def revoke_api_client(institution_id, client_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_for(principal, str(institution_id), permissions.can_manage_api_clients)
    if not any(
        c["client_id"] == client_id and c["revoked_at"] is None
        for c in credentials.clients_of(current_runtime(), str(institution_id))
    ):
        abort(404)
    credentials.revoke_client(current_runtime(), client_id, revoked_by=principal.subject)
    flash("API client revoked: its tokens stop working within ten minutes.", "success")
    return redirect(url_for(".api_clients", institution_id=institution_id))


@pages.route("/institutions/<uuid:institution_id>/share-links", methods=["GET", "POST"])
def share_links(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution = institution_for(principal, str(institution_id), permissions.can_share_ofsted_pack)
    runtime = current_runtime()
    context: dict[str, Any] = {
        "institution": institution,
        "form": {},
        "new_link": None,
        "now": datetime.now(UTC),
    }
    status = 200
    if request.method == "POST":
        try:
            data = posted_form(forms.ShareLinkForm)
            link_id, token, expires_at = credentials.create_share_link(
                runtime,
                institution_id=str(institution_id),
                created_by=principal.subject,
                days=data["days"],
                note=data["note"],
            )
            context["new_link"] = {
                "url": url_for(".use_share_link", token=token, _external=True),
                "expires_at": expires_at,
            }
        except (ValidationError, IdentityError) as error:
            status = _refused(context, error)
    context["links"] = credentials.share_links_of(runtime, str(institution_id))
    return page("share_links.html", status, **context)


@pages.route("/institutions/<uuid:institution_id>/share-links/<uuid:link_id>/revoke", methods=["POST"])
def revoke_share_link(institution_id, link_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_for(principal, str(institution_id), permissions.can_share_ofsted_pack)
    try:
        credentials.revoke_share_link(
            current_runtime(), str(link_id), institution_id=str(institution_id), revoked_by=principal.subject
        )
    except staff.NotFound:
        abort(404)
    flash("Share link revoked: it no longer opens the Ofsted pack.", "success")
    return redirect(url_for(".share_links", institution_id=institution_id))
