"""Directory's identity API: accounts, staff and roles, invitations, API clients,
Ofsted share links, the OAuth token endpoint and the published signing keys."""

from __future__ import annotations

from flask import Blueprint, request, url_for

from waymark_directory import identity_views
from waymark_directory.domain.accounts import IdentityError
from waymark_directory.entrypoints import identity_schemas as schemas
from waymark_directory.entrypoints.sessions import key_ring
from waymark_directory.service_layer import credentials, invitations, permissions, staff
from waymark_shared.auth.principal import INSTITUTION
from waymark_shared.auth.tokens import DEFAULT_LIFETIME_S, issue_token
from waymark_shared.web.auth import forbidden, require_principal
from waymark_shared.web.openapi import api_route
from waymark_shared.web.problems import Problem
from waymark_shared.web.requests import load_json
from waymark_shared.web.runtime import current_runtime

api = Blueprint("identity", __name__)
TAGS = ("identity",)


def invalid(error: IdentityError) -> Problem:
    return Problem(422, "The request is not valid", errors=error.errors)


def _institution_or_404(institution_id: str) -> dict:
    institution = identity_views.institution_summary(current_runtime(), institution_id)
    if institution is None:
        raise Problem(404, "No such institution", f"There is no institution {institution_id}.")
    return institution


@api_route(
    api,
    "/.well-known/jwks.json",
    responses={200: schemas.JwksResponse},
    summary="Public keys that sign identity tokens",
    tags=TAGS,
)
def jwks():  # type: ignore[no-untyped-def]
    return key_ring().jwks(), 200, {"Cache-Control": "public, max-age=300"}


@api_route(
    api,
    "/oauth/token",
    methods=["POST"],
    responses={200: schemas.TokenResponse, 400: None, 401: None},
    summary="OAuth 2.0 client credentials grant (RFC 6749 §4.4)",
    tags=TAGS,
)
def token():  # type: ignore[no-untyped-def]
    if request.mimetype != "application/x-www-form-urlencoded":
        raise Problem(
            415,
            "Unsupported Media Type",
            "Send the form as application/x-www-form-urlencoded.",
            extensions={"error": "invalid_request"},
        )
    form = request.form
    if form.get("grant_type") != "client_credentials":
        raise Problem(
            400,
            "Unsupported grant type",
            "Only grant_type=client_credentials is offered.",
            errors={"grant_type": ["Use client_credentials."]},
            extensions={"error": "unsupported_grant_type"},
        )
    basic = request.authorization
    client_id = basic.username if basic and basic.type == "basic" else form.get("client_id", "")
    secret = basic.password if basic and basic.type == "basic" else form.get("client_secret", "")
    requested = set(form.get("scope", "").split()) or None
    try:
        principal = credentials.client_principal(current_runtime(), client_id or "", secret or "", requested)
    except IdentityError as error:
        raise Problem(
            400, "Invalid scope", errors=error.errors, extensions={"error": "invalid_scope"}
        ) from error
    if principal is None:
        raise Problem(
            401,
            "Invalid client",
            "The client id or secret is wrong, or the client is revoked.",
            extensions={"error": "invalid_client"},
            headers={"WWW-Authenticate": 'Basic realm="waymark"'},
        )
    access_token = issue_token(principal, key_ring().current())
    body = {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": DEFAULT_LIFETIME_S,
        "scope": " ".join(sorted(principal.scopes)),
    }
    return body, 200, {"Cache-Control": "no-store"}


@api_route(
    api,
    "/api/me",
    responses={200: schemas.MeResponse, 401: None},
    summary="Who the caller is, with its grants",
    tags=TAGS,
)
def me():  # type: ignore[no-untyped-def]
    principal = require_principal()
    return schemas.MeResponse().dump({**vars(principal), "scopes": sorted(principal.scopes)})


@api_route(
    api,
    "/api/accounts",
    methods=["POST"],
    request=schemas.RegisterAccountRequest,
    responses={201: schemas.RegistrationResponse},
    summary="Create an account and ask for a role",
    tags=TAGS,
)
def register():  # type: ignore[no-untyped-def]
    body = load_json(schemas.RegisterAccountRequest)
    try:
        registration = staff.register(current_runtime(), **body)
    except IdentityError as error:
        raise invalid(error) from error
    return schemas.RegistrationResponse().dump(registration), 201


@api_route(
    api,
    "/api/institutions/<uuid:institution_id>/staff",
    responses={200: schemas.StaffResponse, 403: None, 404: None},
    summary="Staff of an institution and requests waiting",
    tags=TAGS,
)
def institution_staff(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    _institution_or_404(str(institution_id))
    if not permissions.can_view_staff(principal, str(institution_id)):
        raise forbidden()
    runtime = current_runtime()
    body = {
        "staff": identity_views.staff_of(runtime, str(institution_id)),
        "pending": identity_views.pending_requests(runtime, institution_id=str(institution_id)),
    }
    return schemas.StaffResponse().dump(body)


def may_manage_staff(principal, institution_id: str) -> bool:  # type: ignore[no-untyped-def]
    administrator = staff.is_administrator(current_runtime(), principal.subject, institution_id)
    return permissions.can_manage_staff(principal, institution_id, administrator=administrator)


@api_route(
    api,
    "/api/institutions/<uuid:institution_id>/invitations",
    methods=["POST"],
    request=schemas.InvitationRequest,
    responses={201: schemas.InvitationResponse, 403: None, 404: None},
    summary="Invite a member of staff by email",
    tags=TAGS,
)
def invite(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    _institution_or_404(str(institution_id))
    if not may_manage_staff(principal, str(institution_id)):
        raise forbidden("Only the institution's administrator invites staff.")
    body = load_json(schemas.InvitationRequest)
    try:
        invitations.invite(
            current_runtime(),
            email=body["email"],
            role=body["role"],
            scope_id=str(institution_id),
            invited_by=principal.subject,
            inviter_name=principal.name,
        )
    except IdentityError as error:
        raise invalid(error) from error
    return {"email": body["email"], "role": body["role"], "expires_in_days": 7}, 201


@api_route(
    api,
    "/api/institutions/<uuid:institution_id>/staff/<uuid:account_id>/roles/<role>",
    methods=["DELETE"],
    responses={204: None, 403: None, 404: None},
    summary="Take a role away from a member of staff",
    tags=TAGS,
)
def revoke_role(institution_id, account_id, role):  # type: ignore[no-untyped-def]
    principal = require_principal()
    if not may_manage_staff(principal, str(institution_id)):
        raise forbidden("Only the institution's administrator removes staff.")
    try:
        staff.revoke(
            current_runtime(), str(account_id), role, str(institution_id), revoked_by=principal.subject
        )
    except (staff.NotFound, IdentityError) as error:
        raise Problem(404, "No such role", "That person does not hold that role here.") from error
    return "", 204


@api_route(
    api,
    "/api/role-requests",
    responses={200: schemas.RoleRequestListResponse},
    summary="Requests the caller may decide",
    tags=TAGS,
)
def role_requests():  # type: ignore[no-untyped-def]
    principal = require_principal()
    runtime = current_runtime()
    found = []
    for institution_id in sorted(principal.scope_ids(INSTITUTION)):
        if may_manage_staff(principal, institution_id):
            found += identity_views.pending_requests(runtime, institution_id=institution_id)
    if permissions.can_grant_platform_roles(principal):
        found += identity_views.pending_requests(runtime, platform=True)
    return schemas.RoleRequestListResponse().dump({"requests": found})


def _decide(request_id: str, approve: bool):  # type: ignore[no-untyped-def]
    principal = require_principal()
    runtime = current_runtime()
    pending = staff.pending_request(runtime, request_id)
    allowed = pending is not None and (
        may_manage_staff(principal, pending["scope_id"])
        if pending["scope_type"] == INSTITUTION
        else permissions.can_grant_platform_roles(principal)
    )
    if not allowed:
        # The same answer whether the request is elsewhere or does not exist.
        raise Problem(404, "No such request", "There is no request waiting for you with that id.")
    reason = load_json(schemas.DecisionRequest).get("reason") if request.content_length else None
    staff.decide(runtime, request_id, approve=approve, decided_by=principal.subject, reason=reason)
    return "", 204


@api_route(
    api,
    "/api/role-requests/<uuid:request_id>/approve",
    methods=["POST"],
    responses={204: None, 404: None},
    summary="Approve a role request",
    tags=TAGS,
)
def approve(request_id):  # type: ignore[no-untyped-def]
    return _decide(str(request_id), True)


@api_route(
    api,
    "/api/role-requests/<uuid:request_id>/decline",
    methods=["POST"],
    request=schemas.DecisionRequest,
    responses={204: None, 404: None},
    summary="Decline a role request",
    tags=TAGS,
)
def decline(request_id):  # type: ignore[no-untyped-def]
    return _decide(str(request_id), False)


@api_route(
    api,
    "/api/institutions/<uuid:institution_id>/api-clients",
    responses={200: schemas.ApiClientListResponse, 403: None},
    summary="API clients acting for the institution",
    tags=TAGS,
)
def api_clients(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    if not permissions.can_manage_api_clients(principal, str(institution_id)):
        raise forbidden()
    clients = credentials.clients_of(current_runtime(), str(institution_id))
    return schemas.ApiClientListResponse().dump({"clients": clients})


@api_route(
    api,
    "/api/institutions/<uuid:institution_id>/api-clients",
    methods=["POST"],
    request=schemas.ApiClientRequest,
    responses={201: schemas.NewApiClientResponse, 403: None},
    summary="Register an API client (its secret is shown once)",
    tags=TAGS,
    endpoint="register_api_client",
)
def register_api_client(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    _institution_or_404(str(institution_id))
    if not permissions.can_manage_api_clients(principal, str(institution_id)):
        raise forbidden()
    body = load_json(schemas.ApiClientRequest)
    try:
        client = credentials.register_client(
            current_runtime(),
            institution_id=str(institution_id),
            name=body["name"],
            scopes=body["scopes"],
            registered_by=principal.subject,
        )
    except IdentityError as error:
        raise invalid(error) from error
    body = {
        "client_id": client.client_id,
        "client_secret": client.secret,
        "token_url": url_for(".token", _external=True),
    }
    return body, 201, {"Cache-Control": "no-store"}


@api_route(
    api,
    "/api/institutions/<uuid:institution_id>/api-clients/<client_id>/revoke",
    methods=["POST"],
    responses={204: None, 403: None, 404: None},
    summary="Revoke an API client",
    tags=TAGS,
)
def revoke_api_client(institution_id, client_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    if not permissions.can_manage_api_clients(principal, str(institution_id)):
        raise forbidden()
    if not any(
        c["client_id"] == client_id for c in credentials.clients_of(current_runtime(), str(institution_id))
    ):
        raise Problem(404, "No such client", f"There is no client {client_id} here.")
    try:
        credentials.revoke_client(current_runtime(), client_id, revoked_by=principal.subject)
    except staff.NotFound as error:
        raise Problem(404, "No such client", f"There is no active client {client_id} here.") from error
    return "", 204


@api_route(
    api,
    "/api/institutions/<uuid:institution_id>/share-links",
    responses={200: schemas.ShareLinkListResponse, 403: None},
    summary="Ofsted share links and every use of them",
    tags=TAGS,
)
def share_links(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    if not permissions.can_share_ofsted_pack(principal, str(institution_id)):
        raise forbidden()
    links = credentials.share_links_of(current_runtime(), str(institution_id))
    return schemas.ShareLinkListResponse().dump({"links": links})


@api_route(
    api,
    "/api/institutions/<uuid:institution_id>/share-links",
    methods=["POST"],
    request=schemas.ShareLinkRequest,
    responses={201: schemas.NewShareLinkResponse, 403: None},
    summary="Create an Ofsted share link (14 days unless told)",
    tags=TAGS,
    endpoint="create_share_link",
)
def create_share_link(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    _institution_or_404(str(institution_id))
    if not permissions.can_share_ofsted_pack(principal, str(institution_id)):
        raise forbidden()
    body = load_json(schemas.ShareLinkRequest)
    try:
        link_id, token_, expires_at = credentials.create_share_link(
            current_runtime(), institution_id=str(institution_id), created_by=principal.subject, **body
        )
    except IdentityError as error:
        raise invalid(error) from error
    url = url_for("identity_pages.use_share_link", token=token_, _external=True)
    return (
        {"link_id": link_id, "url": url, "expires_at": expires_at.isoformat()},
        201,
        {"Cache-Control": "no-store"},
    )


@api_route(
    api,
    "/api/institutions/<uuid:institution_id>/share-links/<uuid:link_id>/revoke",
    methods=["POST"],
    responses={204: None, 403: None, 404: None},
    summary="Revoke an Ofsted share link",
    tags=TAGS,
)
def revoke_share_link(institution_id, link_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    if not permissions.can_share_ofsted_pack(principal, str(institution_id)):
        raise forbidden()
    try:
        credentials.revoke_share_link(
            current_runtime(), str(link_id), institution_id=str(institution_id), revoked_by=principal.subject
        )
    except staff.NotFound as error:
        raise Problem(404, "No such link", "There is no active share link with that id here.") from error
    return "", 204


@api_route(
    api,
    "/api/signing-keys/rotate",
    methods=["POST"],
    responses={204: None, 403: None},
    summary="Start signing with a new key (the old one stays published until its tokens expire)",
    tags=TAGS,
)
def rotate_keys():  # type: ignore[no-untyped-def]
    if not permissions.is_admin(require_principal()):
        raise forbidden()
    key_ring().rotate()
    return "", 204
