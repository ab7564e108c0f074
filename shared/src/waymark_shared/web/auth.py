"""Authentication on every request: the verified principal, from a bearer token or
the identity cookie, and the two ways a route refuses an anonymous caller.

A service's own policy decides what a principal may do; this module only knows who is
asking. The principal's subject becomes the actor of every event the request appends.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, abort, g, redirect, request

from waymark_shared.auth.principal import Principal
from waymark_shared.auth.tokens import TOKEN_COOKIE, InvalidToken, JwksKeySource, KeySource, TokenVerifier
from waymark_shared.events.context import current_context, message_context
from waymark_shared.web.problems import Problem
from waymark_shared.web.runtime import current_runtime

_VERIFIER = "waymark.token_verifier"


def install_authentication(app: Flask, keys: KeySource | None = None) -> None:
    """Verify tokens with ``keys`` (default: the JWKS document at ``jwks_url``)."""
    settings = current_runtime_settings(app)
    source = keys or JwksKeySource.from_url(settings.jwks_url)
    app.extensions[_VERIFIER] = TokenVerifier(source)
    app.before_request(_authenticate)
    app.context_processor(lambda: {"current_user": current_principal()})


def current_runtime_settings(app: Flask):  # type: ignore[no-untyped-def]
    with app.app_context():
        return current_runtime().settings


def current_principal() -> Principal | None:
    return g.get("waymark_principal")


def require_principal(scope: str | None = None) -> Principal:
    """The caller, or a refusal: 401 problem for APIs, the sign-in page for people.

    ``scope`` is the OAuth scope an API client or share link must hold.
    """
    principal = current_principal()
    if principal is None:
        if _wants_page():
            abort(redirect(sign_in_location()))
        raise Problem(
            401,
            "Sign in required",
            "Send a bearer token in the Authorization header.",
            headers={"WWW-Authenticate": 'Bearer realm="waymark"'},
        )
    if scope is not None and not principal.allows(scope):
        raise Problem(403, "Not permitted", f"This credential does not hold the scope {scope!r}.")
    return principal


def forbidden(detail: str = "You do not have access to this.") -> Problem:
    return Problem(403, "Not permitted", detail)


def sign_in_location() -> str:
    target = request.full_path if request.query_string else request.path
    base = current_runtime().settings.sign_in_url
    return f"{base}?{urlencode({'next': request.script_root + target})}"


def _authenticate() -> None:
    header = request.headers.get("Authorization", "")
    bearer = header[7:].strip() if header[:7].lower() == "bearer " else None
    token = bearer or request.cookies.get(TOKEN_COOKIE)
    if not token:
        return
    try:
        principal = g.waymark_principal = _verifier().verify(token)
    except InvalidToken as error:
        if bearer is not None:
            raise Problem(
                401,
                "Invalid token",
                "The bearer token is expired, malformed or not signed by Waymark.",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            ) from error
        return  # an expired identity cookie: anonymous, and pages send people to sign in again
    _set_actor(principal)


def set_principal(principal: Principal) -> None:
    """For the identity service itself, which knows the principal from its session."""
    g.waymark_principal = principal
    _set_actor(principal)


def _set_actor(principal: Principal) -> None:
    context = current_context()
    scope = g.get("waymark_scope")
    if scope is not None:
        scope.enter_context(
            message_context(context.correlation_id if context else None, actor=principal.subject)
        )


def _verifier() -> TokenVerifier:
    from flask import current_app

    return current_app.extensions[_VERIFIER]


def _wants_page() -> bool:
    if request.path.startswith("/api/") or request.is_json:
        return False
    return request.accept_mimetypes.accept_html
