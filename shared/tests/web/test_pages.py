"""The shared page layout: templates, assets, CSRF, form errors, error pages, secret key."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pages_app
import pytest
import waymark_webtest_service as webtest
from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.test import Client, TestResponse

from waymark_shared.auth.tokens import TOKEN_COOKIE
from waymark_shared.config import Settings
from waymark_shared.service import ServiceRuntime
from waymark_shared.web.pages import MissingSecretKey, form_errors
from waymark_shared.web.pages.secrets import secret_key_for, secret_key_path
from waymark_shared.web.problems import PROBLEM_JSON

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3", "WAYMARK_DATA_DIR": str(tmp_path)}
    return Settings.from_env(webtest.NAME, env=env)


@pytest.fixture
def app(runtime: ServiceRuntime) -> Flask:
    return pages_app.create_app(runtime)


@pytest.fixture
def browser(app: Flask) -> Client:
    """A client for the app mounted under /webtest, as the embedded platform mounts it."""
    return Client(DispatcherMiddleware(app, {"/webtest": app}))


def csrf_token_in(response: TestResponse) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))
    assert match, "no CSRF token in the form"
    return match.group(1)


def test_layout_renders_title_skip_link_and_waymark_header(browser: Client) -> None:
    response = browser.get("/webtest/widgets/new", headers=HTML)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Register a widget – Web test – Waymark</title>" in html
    assert '<html lang="en"' in html
    assert re.search(r'<a href="#main-content" class="govuk-skip-link"[^>]*>Skip to main content</a>', html)
    assert 'id="main-content"' in html
    assert '<label class="govuk-label" for="name">' in html
    assert re.search(r'govuk-generic-header__homepage-link">\s*Waymark\s*</a>', html)
    assert re.search(r'href="/webtest/widgets/new"[^>]*aria-current="page"', html)
    assert 'href="/planner/"' in html
    for gov_uk in ("crown", "govuk-header__logotype", "GOV.UK", "govuk-crest", "/assets/images"):
        assert gov_uk not in html


def test_inline_script_is_allowed_by_nonce_only(browser: Client) -> None:
    response = browser.get("/webtest/widgets/new", headers=HTML)
    nonce = re.search(r'<script nonce="([^"]+)">', response.get_data(as_text=True)).group(1)
    policy = response.headers["Content-Security-Policy"]
    assert f"script-src 'self' 'nonce-{nonce}'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_assets_are_served_under_the_prefix_with_long_cache(browser: Client) -> None:
    html = browser.get("/webtest/widgets/new", headers=HTML).get_data(as_text=True)
    urls = re.findall(r'(?:href|src)="(/webtest/assets/[0-9a-f]{12}/[^"]+)"', html)
    assert {url.rsplit("/", 1)[1] for url in urls} == {"waymark.css", "favicon.svg", "waymark.js"}
    for url in urls:
        asset = browser.get(url)
        assert asset.status_code == 200, url
        assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    css = browser.get(next(u for u in urls if u.endswith(".css"))).get_data(as_text=True)
    assert "govuk-skip-link" in css and "govuk-error-summary" in css
    assert "GDS Transport" not in css and "@font-face" not in css and "url(" not in css
    assert "system-ui" in css
    js = browser.get(next(u for u in urls if u.endswith("waymark.js"))).get_data(as_text=True)
    assert 'from "./govuk-frontend.min.js"' in js
    assert browser.get(url.rsplit("/", 1)[0] + "/govuk-frontend.min.js").status_code == 200


def test_an_old_asset_version_is_served_but_not_cached_for_long(browser: Client) -> None:
    response = browser.get("/webtest/assets/000000000000/waymark.css")
    assert response.status_code == 200
    assert "immutable" not in response.headers["Cache-Control"]
    assert browser.get("/webtest/assets/000000000000/../secrets/webtest.key").status_code == 404


def test_form_post_without_csrf_token_is_refused_with_an_error_page(browser: Client) -> None:
    response = browser.post("/webtest/widgets/new", data={"name": "Sprocket", "size": "3"}, headers=HTML)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Sorry, there is a problem with your request" in html
    assert "The form was out of date" in html


def test_form_post_with_csrf_token_is_accepted_and_flashes(browser: Client) -> None:
    token = csrf_token_in(browser.get("/webtest/widgets/new", headers=HTML))
    response = browser.post(
        "/webtest/widgets/new", data={"csrf_token": token, "name": "Sprocket", "size": "3"}, headers=HTML
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/webtest/widgets/new"
    page = browser.get("/webtest/widgets/new", headers=HTML).get_data(as_text=True)
    assert "govuk-notification-banner--success" in page and "Widget saved" in page


def test_bad_form_is_shown_again_with_an_error_summary(browser: Client) -> None:
    token = csrf_token_in(browser.get("/webtest/widgets/new", headers=HTML))
    response = browser.post("/webtest/widgets/new", data={"csrf_token": token, "size": "none"}, headers=HTML)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Error: Register a widget – Web test – Waymark</title>" in html
    assert "There is a problem" in html
    assert '<a href="#name">Missing data for required field.</a>' in html
    assert '<a href="#size">Not a valid integer.</a>' in html
    assert '<p id="name-error" class="govuk-error-message">' in html
    assert 'aria-describedby="size-hint size-error"' in html


def test_the_session_cookie_is_named_for_the_service(browser: Client) -> None:
    browser.get("/webtest/widgets/new", headers=HTML)
    cookie = browser.get_cookie("waymark_webtest_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_json_apis_need_no_csrf_token(browser: Client) -> None:
    body = {"name": "Sprocket", "size": 3}
    assert browser.put("/webtest/widgets/w1", json=body).status_code == 201
    # Even with the identity cookie, a JSON body cannot come from another site's form.
    browser.set_cookie(TOKEN_COOKIE, "not-a-token")
    assert browser.put("/webtest/widgets/w2", json=body).status_code == 201


def test_a_form_shaped_api_request_with_the_identity_cookie_needs_the_token(browser: Client) -> None:
    assert browser.put("/webtest/widgets/w1", data="{}", content_type="text/plain").status_code == 415
    browser.set_cookie(TOKEN_COOKIE, "not-a-token")
    response = browser.put("/webtest/widgets/w1", data="{}", content_type="text/plain")
    assert response.status_code == 400
    assert response.mimetype == PROBLEM_JSON


def test_a_form_shaped_api_request_with_the_session_cookie_needs_the_token(browser: Client) -> None:
    """The session cookie outlives the identity cookie (and signs people in to directory)."""
    browser.get("/webtest/widgets/new", headers=HTML)
    assert browser.get_cookie("waymark_webtest_session") is not None
    response = browser.put("/webtest/widgets/w1", data="{}", content_type="text/plain")
    assert response.status_code == 400
    assert response.mimetype == PROBLEM_JSON
    assert browser.put("/webtest/widgets/w1", json={"name": "Sprocket", "size": 3}).status_code == 201


def test_bearer_requests_are_exempt_from_csrf(browser: Client) -> None:
    response = browser.post("/webtest/widgets/new", data={"name": "x"}, headers={"Authorization": "Bearer x"})
    assert response.status_code == 401  # refused by authentication, not by CSRF


def test_browsers_get_error_pages(browser: Client) -> None:
    missing = browser.get("/webtest/no-such-page", headers=HTML)
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert "<title>Page not found – Web test – Waymark</title>" in missing.get_data(as_text=True)

    refused = browser.get("/webtest/secret", headers=HTML)
    assert refused.status_code == 403 and refused.mimetype == "text/html"
    assert "You cannot see this widget" in refused.get_data(as_text=True)
    assert "Only its owner can." in refused.get_data(as_text=True)

    broken = browser.get("/webtest/broken", headers=HTML)
    html = broken.get_data(as_text=True)
    assert broken.status_code == 500 and broken.mimetype == "text/html"
    assert "Sorry, there is a problem with the service" in html
    assert broken.headers["X-Correlation-ID"] in html
    assert "hunter2" not in html

    wrong_method = browser.delete("/webtest/secret", headers=HTML)
    assert wrong_method.status_code == 405 and "Allow" in wrong_method.headers


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/webtest/no-such-page", None),
        ("/webtest/no-such-page", "*/*"),
        ("/webtest/no-such-page", "application/json"),
        ("/webtest/api/no-such-thing", HTML["Accept"]),
        ("/webtest/boom", HTML["Accept"]),  # an api_route
        ("/webtest/secret", None),
    ],
)
def test_programs_keep_problem_json(browser: Client, path: str, accept: str | None) -> None:
    response = browser.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code >= 400
    assert response.mimetype == PROBLEM_JSON
    assert response.get_json()["status"] == response.status_code


def test_the_service_root_is_a_home_page_for_browsers_and_json_for_programs(browser: Client) -> None:
    page = browser.get("/webtest/", headers=HTML)
    assert page.mimetype == "text/html" and '<h1 class="govuk-heading-xl">Web test</h1>' in page.text
    assert "Accept" in page.headers["Vary"]
    assert browser.get("/webtest/").get_json()["service"] == webtest.NAME
    assert "/" in browser.get("/webtest/openapi.json").get_json()["paths"]


def test_form_errors_maps_marshmallow_messages() -> None:
    errors = form_errors(
        {
            "name": ["Missing data for required field."],
            "address": {"postcode": ["Not a valid postcode.", "Too long."]},
            "_schema": ["Start must be before end."],
        }
    )
    assert errors == {
        "summary": [
            {"text": "Missing data for required field.", "href": "#name"},
            {"text": "Not a valid postcode. Too long.", "href": "#address-postcode"},
            {"text": "Start must be before end."},
        ],
        "fields": {
            "name": {"text": "Missing data for required field."},
            "address.postcode": {"text": "Not a valid postcode. Too long."},
        },
    }
    assert form_errors({}) == {"summary": [], "fields": {}}
    assert form_errors(None) == {"summary": [], "fields": {}}


def test_a_generated_secret_key_is_kept_private_and_reused(settings: Settings) -> None:
    first = secret_key_for(settings)
    path = secret_key_path(settings)
    assert path == settings.data_dir / "secrets" / "webtest.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 48
    assert secret_key_for(settings) == first
    assert [p.name for p in path.parent.iterdir()] == ["webtest.key"]


def test_a_restarted_app_keeps_its_sessions(runtime: ServiceRuntime) -> None:
    assert pages_app.create_app(runtime).secret_key == pages_app.create_app(runtime).secret_key


def test_the_configured_secret_key_wins_per_service_first(tmp_path: Path) -> None:
    base = {"WAYMARK_DATA_DIR": str(tmp_path), "WAYMARK_SECRET_KEY": "shared-key"}
    assert secret_key_for(Settings.from_env("webtest", env=base)) == "shared-key"
    own = {**base, "WAYMARK_WEBTEST_SECRET_KEY": "own-key"}
    assert secret_key_for(Settings.from_env("webtest", env=own)) == "own-key"
    assert not (tmp_path / "secrets").exists()


def test_production_without_a_secret_key_fails_loudly(tmp_path: Path) -> None:
    settings = Settings.from_env(
        "webtest", env={"WAYMARK_DATA_DIR": str(tmp_path), "WAYMARK_ENV": "production"}
    )
    with pytest.raises(MissingSecretKey, match="WAYMARK_WEBTEST_SECRET_KEY"):
        secret_key_for(settings)
    assert not (tmp_path / "secrets").exists()
    configured = Settings.from_env(
        "webtest",
        env={"WAYMARK_ENV": "production", "WAYMARK_SECRET_KEY": "k", "WAYMARK_DATA_DIR": str(tmp_path)},
    )
    assert secret_key_for(configured) == "k"
