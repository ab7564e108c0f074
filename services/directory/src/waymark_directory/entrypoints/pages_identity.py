"""Pages for signing in and out, creating an account, accepting an invitation,
managing an institution's staff, and opening an Ofsted share link (creating and
revoking API clients and share links is in ``pages_access``)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from marshmallow import Schema, ValidationError

from waymark_directory import identity_views
from waymark_directory.domain.accounts import IdentityError
from waymark_directory.entrypoints import identity_forms as forms
from waymark_directory.entrypoints.sessions import (
    client_address,
    end_session,
    issue_guest_token,
    start_session,
)
from waymark_directory.service_layer import credentials, invitations, permissions, signing_in, staff
from waymark_shared.auth.principal import INSTITUTION, INSTITUTION_ROLES, PERSON, ROLE_TITLES
from waymark_shared.db.engine import reading
from waymark_shared.web.auth import current_principal, require_principal
from waymark_shared.web.pages import form_errors
from waymark_shared.web.runtime import current_runtime

pages = Blueprint("identity_pages", __name__)
# Control characters and backslashes: never in a safe next target.
_UNSAFE_IN_NEXT = re.compile(r"[\x00-\x1f\x7f\\]")
OFSTED_PACK_PATH = "/reporting/institutions/{institution_id}/ofsted-pack"


def posted_form(schema: type[Schema], **extra: Any) -> dict[str, Any]:
    return schema().load({**request.form.to_dict(), **extra})


def page(template: str, status: int = 200, **context: Any):  # type: ignore[no-untyped-def]
    context.setdefault("role_titles", ROLE_TITLES)
    return render_template(f"directory/identity/{template}", **context), status


def _person():  # type: ignore[no-untyped-def]
    """The signed-in person (API clients have no account pages)."""
    principal = require_principal()
    if principal.kind != PERSON:
        abort(403)
    return principal


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect.

    Browsers drop tabs and newlines from a URL and read ``\\`` as ``/``, so
    ``/<tab>/evil.example`` would become ``//evil.example``: any control character
    or backslash makes the target unsafe, as does anything with a scheme or host.
    """
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not _UNSAFE_IN_NEXT.search(target)
        and not urlsplit(target).scheme
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("identity_pages.account")


@pages.route("/sign-in", methods=["GET", "POST"])
def sign_in():  # type: ignore[no-untyped-def]
    target = request.values.get("next")
    if request.method != "POST":  # GET or HEAD: never the form being sent
        if current_principal() is not None and target:
            return redirect(safe_next(target))  # the session is valid: a fresh token is on its way
        return page("sign_in.html", next=target, form={})
    try:
        data = posted_form(forms.SignInForm)
        session_ = signing_in.authenticate(
            current_runtime(), data["email"], data["password"], client_address()
        )
    except ValidationError as error:
        return page("sign_in.html", 422, next=target, form=request.form, errors=form_errors(error.messages))
    except signing_in.SignInRefused as refused:
        message = (
            f"Too many failed attempts. Try again after {refused.locked_until:%H:%M} (UTC)."
            if refused.locked_until
            else "Enter a correct email address and password."
        )
        status = 429 if refused.locked_until else 422
        return page(
            "sign_in.html",
            status,
            next=target,
            form={"email": request.form.get("email", "")},
            errors=form_errors({"email": [message]}),
        )
    start_session(session_)
    return redirect(safe_next(target))


@pages.route("/sign-out", methods=["GET", "POST"])
def sign_out():  # type: ignore[no-untyped-def]
    if request.method != "POST":  # GET or HEAD: never the form being sent
        return page("sign_out.html")
    end_session()
    flash("You have signed out.", "success")
    return redirect(url_for("identity_pages.sign_in"))


@pages.route("/sign-out-everywhere", methods=["POST"])
def sign_out_everywhere():  # type: ignore[no-untyped-def]
    principal = _person()
    signing_in.sign_out_everywhere(current_runtime(), principal.subject)
    end_session()
    flash("You have signed out on every device.", "success")
    return redirect(url_for("identity_pages.sign_in"))


@pages.route("/create-account", methods=["GET", "POST"])
def create_account():  # type: ignore[no-untyped-def]
    runtime = current_runtime()
    context = {
        "institutions": identity_views.institution_choices(runtime),
        "roles": ("careers_leader", "senior_leader", "governor", "careers_adviser", "hub_lead", "trust_lead"),
    }
    if request.method != "POST":  # GET or HEAD: never the form being sent
        return page("create_account.html", form={}, **context)
    try:
        data = posted_form(forms.CreateAccountForm)
        institutional = data["role"] in INSTITUTION_ROLES
        registration = staff.register(
            runtime,
            email=data["email"],
            name=data["name"],
            password=data["password"],
            role=data["role"],
            scope_id=data["institution_id"] if institutional else data["organisation"],
        )
    except ValidationError as error:
        return page(
            "create_account.html", 422, form=request.form, errors=form_errors(error.messages), **context
        )
    except IdentityError as error:
        errors = dict(error.errors)
        if "scope_id" in errors:
            errors["institution_id" if request.form.get("role") in INSTITUTION_ROLES else "organisation"] = (
                errors.pop("scope_id")
            )
        return page("create_account.html", 422, form=request.form, errors=form_errors(errors), **context)
    start_session(signing_in.Session(registration.account_id, 0))
    if registration.granted:
        flash(
            "Your account is ready. You are your institution's administrator: you approve the staff who join after you.",
            "success",
        )
    else:
        flash(
            "Your account is ready. Your request waits for approval; we will email you when it is decided.",
            "success",
        )
    return redirect(url_for("identity_pages.account"))


@pages.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):  # type: ignore[no-untyped-def]
    runtime = current_runtime()
    invitation = invitations.invitation_for(runtime, token)
    if invitation is None:
        return page("invitation_gone.html", 410)
    where = (
        identity_views.institution_summary(runtime, invitation["scope_id"])
        if invitation["scope_type"] == INSTITUTION
        else None
    )
    context = {"invitation": invitation, "where": where, "token": token}
    if request.method != "POST":  # GET or HEAD: never the form being sent
        return page("invitation.html", form={}, **context)
    try:
        data = posted_form(forms.AcceptInvitationForm)
        account_id = invitations.accept_invitation(
            runtime, token, name=data["name"], password=data["password"], client_address=client_address()
        )
    except ValidationError as error:
        return page("invitation.html", 422, form=request.form, errors=form_errors(error.messages), **context)
    except IdentityError as error:
        return page("invitation.html", 422, form=request.form, errors=form_errors(error.errors), **context)
    except staff.NotFound:
        return page("invitation_gone.html", 410)
    session_ = signing_in.Session(account_id, _epoch(account_id))
    start_session(session_)
    flash("Welcome to Waymark. Your role is ready to use.", "success")
    return redirect(url_for("identity_pages.account"))


def _epoch(account_id: str) -> int:
    from sqlalchemy import select

    from waymark_directory.adapters.identity_tables import accounts

    with reading(current_runtime().engine) as conn:
        return conn.execute(
            select(accounts.c.session_epoch).where(accounts.c.account_id == account_id)
        ).scalar_one()


@pages.route("/account")
def account():  # type: ignore[no-untyped-def]
    principal = _person()
    runtime = current_runtime()
    institutions = {row["institution_id"]: row for row in identity_views.institutions_of(runtime, principal)}
    requests = identity_views.requests_of(runtime, principal.subject)
    return page("account.html", principal=principal, institutions=institutions, requests=requests,
                 platform_requests=permissions.can_grant_platform_roles(principal))  # fmt: skip


def institution_for(principal, institution_id: str, allowed) -> dict:  # type: ignore[no-untyped-def]
    institution = identity_views.institution_summary(current_runtime(), institution_id)
    if institution is None or not allowed(principal, institution_id):
        abort(404 if institution is None else 403)
    return institution


def _may_manage_staff(principal, institution_id: str) -> bool:  # type: ignore[no-untyped-def]
    administrator = staff.is_administrator(current_runtime(), principal.subject, institution_id)
    return permissions.can_manage_staff(principal, institution_id, administrator=administrator)


@pages.route("/institutions/<uuid:institution_id>/staff")
def institution_staff(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution = institution_for(principal, str(institution_id), permissions.can_view_staff)
    return _staff_page(principal, institution)


def _staff_page(principal, institution: dict, status: int = 200, **context: Any):  # type: ignore[no-untyped-def]
    runtime = current_runtime()
    institution_id = institution["institution_id"]
    return page(
        "staff.html",
        status,
        institution=institution,
        staff=identity_views.staff_of(runtime, institution_id),
        pending=identity_views.pending_requests(runtime, institution_id=institution_id),
        can_manage=_may_manage_staff(principal, institution_id),
        invitable_roles=INSTITUTION_ROLES,
        **{"form": {}, **context},
    )


@pages.route("/institutions/<uuid:institution_id>/staff/invite", methods=["POST"])
def invite(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution = institution_for(principal, str(institution_id), _may_manage_staff)
    try:
        data = posted_form(forms.InviteForm)
        invitations.invite(current_runtime(), email=data["email"], role=data["role"], scope_id=str(institution_id),
                     invited_by=principal.subject, inviter_name=principal.name)  # fmt: skip
    except ValidationError as error:
        return _staff_page(principal, institution, 422, form=request.form, errors=form_errors(error.messages))
    except IdentityError as error:
        return _staff_page(principal, institution, 422, form=request.form, errors=form_errors(error.errors))
    flash(f"Invitation sent to {data['email']}.", "success")
    return redirect(url_for(".institution_staff", institution_id=institution_id))


@pages.route("/role-requests/<uuid:request_id>", methods=["POST"])
def decide(request_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    runtime = current_runtime()
    pending = staff.pending_request(runtime, str(request_id))
    if pending is None:
        abort(404)
    institutional = pending["scope_type"] == INSTITUTION
    allowed = (
        _may_manage_staff(principal, pending["scope_id"])
        if institutional
        else permissions.can_grant_platform_roles(principal)
    )
    if not allowed:
        abort(404)
    try:
        data = posted_form(forms.DecisionForm)
    except ValidationError:
        abort(400)
    staff.decide(
        runtime,
        str(request_id),
        approve=data["decision"] == "approve",
        decided_by=principal.subject,
        reason=data["reason"],
    )
    flash("Request approved." if data["decision"] == "approve" else "Request declined.", "success")
    if institutional:
        return redirect(url_for(".institution_staff", institution_id=pending["scope_id"]))
    return redirect(url_for(".platform_requests"))


@pages.route(
    "/institutions/<uuid:institution_id>/staff/<uuid:account_id>/roles/<role>/remove", methods=["POST"]
)
def remove_role(institution_id, account_id, role):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_for(principal, str(institution_id), _may_manage_staff)
    try:
        staff.revoke(
            current_runtime(), str(account_id), role, str(institution_id), revoked_by=principal.subject
        )
    except (staff.NotFound, IdentityError):
        abort(404)
    flash(f"{ROLE_TITLES.get(role, role)} role removed.", "success")
    return redirect(url_for(".institution_staff", institution_id=institution_id))


@pages.route("/requests")
def platform_requests():  # type: ignore[no-untyped-def]
    principal = require_principal()
    if not permissions.can_grant_platform_roles(principal):
        abort(403)
    return page(
        "platform_requests.html", pending=identity_views.pending_requests(current_runtime(), platform=True)
    )


@pages.route("/share/<token>")
def use_share_link(token: str):  # type: ignore[no-untyped-def]
    try:
        principal, until = credentials.use_share_link(current_runtime(), token, client_address=client_address(),
                                                      user_agent=request.headers.get("User-Agent", ""))  # fmt: skip
    except credentials.ShareLinkUnusable as unusable:
        return page(
            "share_link_gone.html", 410 if unusable.reason != "unknown" else 404, reason=unusable.reason
        )
    issue_guest_token(principal, until)
    institution_id = principal.grants[0].scope_id
    target = current_app.config.get("WAYMARK_OFSTED_PACK_PATH", OFSTED_PACK_PATH).format(
        institution_id=institution_id
    )
    return redirect(target)
