"""Pages for people: the shared GOV.UK-pattern layout every service's pages extend.

:func:`init_pages` (called by ``create_service_app``) gives an app:

* templates: ``waymark/layout.html`` (blocks ``page_title``, ``beforeContent``,
  ``content``), ``waymark/macros.html`` (``error_summary``), the GOV.UK Frontend
  macros under ``govuk_frontend_jinja/...`` and the service's own package
  ``templates/`` folder (``waymark_directory/templates/directory/...``);
* the built stylesheet and scripts at ``<prefix>/assets/<version>/...``, cached for a
  year (the version changes whenever a file does);
* CSRF protection (Flask-WTF) for forms: put ``{{ csrf_token() }}`` in every form as
  ``<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">``;
* the session: a per-service cookie ``waymark_<service>_session`` signed with the
  service's secret key (:mod:`.secrets`); flashed messages show as a notification
  banner (``flash("Saved", "success")``);
* HTML error pages for browsers, while APIs keep problem+json (:mod:`.errors`).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets as _secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    g,
    make_response,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_wtf.csrf import CSRFProtect
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from werkzeug.routing import BuildError

from waymark_shared.auth.tokens import TOKEN_COOKIE
from waymark_shared.web.hooks import SECURITY_HEADERS
from waymark_shared.web.pages.errors import install_html_errors, is_api_view, wants_html
from waymark_shared.web.pages.forms import FormErrors, field_id, form_data, form_errors
from waymark_shared.web.pages.secrets import MissingSecretKey, secret_key_for
from waymark_shared.web.runtime import current_runtime

__all__ = [
    "FormErrors",
    "MissingSecretKey",
    "NavItem",
    "field_id",
    "form_data",
    "form_errors",
    "init_pages",
    "is_api_view",
    "wants_html",
]

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
ASSET_MAX_AGE = 365 * 24 * 3600
# (text, target): target is an endpoint ("pages.roster") or a URL ("/planner/").
NavItem = tuple[str, str]
_CONFIG = "waymark.pages"
_UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class _PageConfig:
    def __init__(self, service: str, service_title: str, navigation: Sequence[NavItem], home_url: str):
        self.service = service
        self.service_title = service_title
        self.navigation = tuple(navigation)
        self.home_url = home_url
        self.asset_version = _asset_version()


def init_pages(
    app: Flask,
    *,
    service_title: str,
    navigation: Sequence[NavItem] = (),
    templates_package: str | None = None,
) -> None:
    """Give ``app`` the shared layout, assets, CSRF protection, session and HTML errors.

    ``service_title`` is shown beside "Waymark" in the header and in every page title;
    ``navigation`` lists the header's links as ``(text, endpoint or URL)``, the current
    page's link marked as such; ``templates_package`` is the package whose
    ``templates/`` folder holds the service's own templates. Call after the error
    handlers are registered (``create_service_app`` does).
    """
    with app.app_context():
        settings = current_runtime().settings
    config = _PageConfig(settings.service, service_title, navigation, settings.public_url.rstrip("/") + "/")
    app.extensions[_CONFIG] = config

    app.secret_key = secret_key_for(settings)
    app.config.update(
        SESSION_COOKIE_NAME=f"waymark_{settings.service}_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_url.startswith("https://"),
        # Checked by _protect_forms below, not on every request.
        WTF_CSRF_CHECK_DEFAULT=False,
        # A form may stay open for a school day before it is sent.
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        # Flask-WTF's HTTPS check wants a Referer from the same host, but every response
        # says Referrer-Policy: no-referrer, so browsers send none; the token (tied to
        # the SameSite session) is the protection.
        WTF_CSRF_SSL_STRICT=False,
    )
    csrf = CSRFProtect(app)
    app.before_request(lambda: _protect_forms(csrf))

    loaders: list[Any] = []
    if templates_package and _has_templates(templates_package):
        loaders.append(PackageLoader(templates_package, "templates"))
    loaders.append(PackageLoader("waymark_shared.web.pages", "templates"))
    loaders.append(PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}))
    app.jinja_loader = ChoiceLoader(loaders)  # type: ignore[assignment]
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals.update(asset_url=asset_url, csp_nonce=csp_nonce, field_id=field_id)
    app.context_processor(_page_context)
    app.after_request(_allow_nonced_scripts)

    app.register_blueprint(_assets_blueprint())
    install_html_errors(app)
    _add_home_page(app)


def _protect_forms(csrf: CSRFProtect) -> None:
    """CSRF protection for what a browser can be tricked into sending, and only that.

    A cross-site page can make a browser send a form (urlencoded, multipart or plain
    text) with the browser's cookies; it cannot send ``application/json`` or an
    ``Authorization`` header without a CORS preflight, which Waymark never grants. So:
    * a request with a bearer token is exempt (browsers never add one by themselves);
    * an API route (``api_route``) is exempt when the body is JSON or the request
      carries neither the identity cookie nor the service's session cookie, because
      then no one's authority can be borrowed (and ``load_json`` refuses any non-JSON
      body with 415). The session cookie counts: it outlives the ten-minute identity
      cookie, and directory signs people in from it;
    * everything else that changes state (pages' forms) needs the token.
    """
    if request.method not in _UNSAFE_METHODS:
        return
    if request.headers.get("Authorization", "")[:7].lower() == "bearer ":
        return
    if is_api_view() and (request.is_json or not _carries_identity_cookie()):
        return
    csrf.protect(apply_exemptions=True)


def _carries_identity_cookie() -> bool:
    from flask import current_app

    session_cookie = current_app.config["SESSION_COOKIE_NAME"]
    return TOKEN_COOKIE in request.cookies or session_cookie in request.cookies


def _has_templates(package: str) -> bool:
    try:
        PackageLoader(package, "templates")
    except (ValueError, ModuleNotFoundError):
        return False
    return True


def _asset_version() -> str:
    digest = hashlib.sha256()
    files = sorted(STATIC.glob("*")) if STATIC.is_dir() else []
    for file in files:
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    if not files:
        logger.warning("page assets missing in %s; run scripts/build-frontend (make install does)", STATIC)
    return digest.hexdigest()[:12]


def _assets_blueprint() -> Blueprint:
    blueprint = Blueprint("waymark_pages", __name__)

    @blueprint.get("/assets/<version>/<path:filename>")
    def asset(version: str, filename: str) -> Response:
        if not STATIC.is_dir():
            abort(404)
        current = version == _config().asset_version
        # A versioned URL never changes content, so it can be cached for a year; an
        # old version still answers (with today's file) but must be revalidated.
        response = send_from_directory(STATIC, filename, max_age=ASSET_MAX_AGE if current else 0)
        if current:
            response.headers["Cache-Control"] = f"public, max-age={ASSET_MAX_AGE}, immutable"
        return response

    return blueprint


def asset_url(filename: str) -> str:
    """The URL of a built asset (``waymark.css``), under the app's own prefix."""
    return url_for("waymark_pages.asset", version=_config().asset_version, filename=filename)


def csp_nonce() -> str:
    """This response's script nonce (the template's one inline script needs it)."""
    if "waymark_csp_nonce" not in g:
        g.waymark_csp_nonce = _secrets.token_urlsafe(16)
    return str(g.waymark_csp_nonce)


def _allow_nonced_scripts(response: Response) -> Response:
    nonce = g.get("waymark_csp_nonce")
    if nonce and "Content-Security-Policy" not in response.headers:
        policy = SECURITY_HEADERS["Content-Security-Policy"]
        response.headers["Content-Security-Policy"] = f"{policy}; script-src 'self' 'nonce-{nonce}'"
    return response


def _config() -> _PageConfig:
    from flask import current_app

    return current_app.extensions[_CONFIG]


def _page_context() -> dict[str, Any]:
    config = _config()
    return {
        "errors": form_errors(None),
        "waymark": {
            "service_title": config.service_title,
            "service_url": request.script_root + "/",
            "home_url": config.home_url,
            "navigation": _navigation(config),
            "sign_in_url": _sign_in_url(),
            "sign_out_url": _sign_out_url(),
        },
    }


def _navigation(config: _PageConfig) -> list[dict[str, Any]]:
    items = []
    for text, target in config.navigation:
        if "/" in target:
            href, current = target, False
        else:
            try:
                href = url_for(target)
            except BuildError:
                logger.warning("navigation endpoint %s does not exist", target)
                continue
            current = request.endpoint == target
        items.append({"text": text, "href": href, "current": current})
    return items


def _sign_in_url() -> str | None:
    base = getattr(current_runtime().settings, "sign_in_url", None)
    if not base:
        return None
    here = request.script_root + request.path
    return None if here == base else f"{base}?{urlencode({'next': here})}"


def _sign_out_url() -> str | None:
    from flask import current_app

    return current_app.config.get("WAYMARK_SIGN_OUT_URL") or getattr(
        current_runtime().settings, "sign_out_url", None
    )


def _add_home_page(app: Flask) -> None:
    """``/`` for a browser: the service's ``<service>/home.html`` if it has one, else a
    placeholder. Programs asking for JSON keep the platform's index at ``/``."""
    endpoint = next((rule.endpoint for rule in app.url_map.iter_rules() if rule.rule == "/"), None)
    if endpoint is None:
        app.add_url_rule("/", "waymark_home", _home)
        return
    index = app.view_functions[endpoint]

    @functools.wraps(index)  # keeps its api_route documentation
    def index_or_home(*args: Any, **kwargs: Any) -> Any:
        best = request.accept_mimetypes.best_match(["application/json", "text/html"])
        response = make_response(_home() if best == "text/html" else index(*args, **kwargs))
        response.vary.add("Accept")
        return response

    app.view_functions[endpoint] = index_or_home


def _home() -> str:
    return render_template([f"{_config().service}/home.html", "waymark/home.html"])
