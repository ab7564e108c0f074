"""Signing in and out: session cookie plus identity token, CSRF, lockout, sign out everywhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from directory_forms import csrf_token, submit

from waymark_directory.service_layer import signing_in
from waymark_directory.testing import TEST_PASSWORD, account_with_grants
from waymark_shared.auth import ADMIN, Grant
from waymark_shared.auth.tokens import TOKEN_COOKIE


@pytest.fixture
def person(runtime):  # type: ignore[no-untyped-def]
    principal, _ = account_with_grants(
        runtime, Grant(ADMIN, "platform"), email="ada@example.org", name="Ada Lovelace"
    )
    return principal


def sign_in(client, email="ada@example.org", password=TEST_PASSWORD, next_=None):  # type: ignore[no-untyped-def]
    data = {"email": email, "password": password}
    if next_:
        data["next"] = next_
    return submit(client, "/sign-in", data)


def test_signing_in_sets_the_session_and_the_identity_cookie(client, person):
    response = sign_in(client, next_="/planner/plans")
    assert response.status_code == 302
    assert response.headers["Location"] == "/planner/plans"
    cookies = {cookie.key: cookie for cookie in client._cookies.values()}
    assert "waymark_directory_session" in cookies
    token = cookies[TOKEN_COOKIE]
    assert token.path == "/" and token.http_only
    me = client.get("/api/me").json
    assert me["name"] == "Ada Lovelace" and me["grants"] == [
        {"role": "admin", "scope_type": "platform", "scope_id": None}
    ]


def test_an_open_redirect_is_not_followed(client, person):
    response = sign_in(client, next_="//evil.example/steal")
    assert response.headers["Location"] == "/account"


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example/steal",  # browsers drop tabs and newlines: //evil.example
        "/\r/evil.example",
        "/\n/evil.example",  # a newline in a header would be a 500
        "/\\evil.example",
        "https://evil.example/",
        "/\x00/evil.example",
    ],
)
def test_no_disguised_open_redirect_is_followed(client, person, target):
    response = sign_in(client, next_=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    again = client.get("/sign-in", query_string={"next": target}, headers={"Accept": "text/html"})
    assert again.status_code == 302 and again.headers["Location"] == "/account"


def test_a_path_with_a_query_and_non_ascii_characters_is_kept(client, person):
    response = sign_in(client, next_="/institutions?q=Saint Étienne&page=2")
    assert response.headers["Location"] == "/institutions?q=Saint%20%C3%89tienne&page=2"


def test_a_wrong_password_shows_the_error_summary(client, person):
    response = sign_in(client, password="not the password at all")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and "Enter a correct email address and password" in page
    assert client.get("/api/me").status_code == 401


def test_a_form_without_its_csrf_token_is_refused(client, person):
    response = client.post(
        "/sign-in",
        data={"email": "ada@example.org", "password": TEST_PASSWORD},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 400
    assert client.get("/api/me").status_code == 401


def test_five_failures_lock_the_account_for_fifteen_minutes(client, runtime, person):
    for _ in range(5):
        assert sign_in(client, password="wrong password, again").status_code == 422
    locked = sign_in(client)  # the right password, too late
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.get_data(as_text=True)
    later = datetime.now(UTC) + timedelta(minutes=16)
    assert (
        signing_in.authenticate(runtime, "ada@example.org", TEST_PASSWORD, "127.0.0.1", now=later).account_id
        == person.subject
    )


def test_an_unknown_email_is_refused_like_a_wrong_password(client, person):
    response = sign_in(client, email="nobody@example.org")
    assert response.status_code == 422
    assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_signing_out_everywhere_ends_every_session(app, person):
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop)
    sign_in(phone)
    assert laptop.get("/account", headers={"Accept": "text/html"}).status_code == 200
    token = csrf_token(phone, "/sign-out")
    assert phone.post("/sign-out-everywhere", data={"csrf_token": token}).status_code == 302
    # The laptop's identity cookie is still within its lifetime, but its session is void.
    laptop.delete_cookie(TOKEN_COOKIE)
    assert laptop.get("/account", headers={"Accept": "text/html"}).status_code == 302
    assert laptop.get("/api/me").status_code == 401


def test_sign_out_clears_both_cookies_and_needs_no_csrf_token(client, person):
    sign_in(client)
    response = client.post("/sign-out", headers={"Accept": "text/html"})
    assert response.status_code == 302
    assert client.get("/api/me").status_code == 401


def test_pages_send_an_anonymous_person_to_sign_in_and_back(client):
    response = client.get("/account", headers={"Accept": "text/html"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/directory/sign-in?next=%2Faccount"


def test_the_identity_token_is_reissued_when_roles_change(client, runtime, person):
    from waymark_directory.service_layer import staff

    sign_in(client)
    staff.grant_role(runtime, person.subject, "hub_lead", "West Yorkshire Careers Hub", granted_by=None)
    me = client.get("/api/me").json
    assert {"role": "hub_lead", "scope_type": "hub", "scope_id": "West Yorkshire Careers Hub"} in me["grants"]


def test_head_is_get_without_a_body_never_the_form_being_sent(client, runtime, person):
    """HEAD is exempt from CSRF like GET, so it must never run a form's POST branch."""
    sign_in(client)
    assert client.head("/sign-out", headers={"Accept": "text/html"}).status_code == 200
    assert client.get("/api/me").status_code == 200  # still signed in
    head = client.head(
        "/sign-in", data={"email": "ada@example.org", "password": "wrong password, again"},
        headers={"Accept": "text/html"},
    )  # fmt: skip
    assert head.status_code in (200, 302)
    from sqlalchemy import func, select

    from waymark_directory.adapters.identity_tables import sign_in_failures

    with runtime.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(sign_in_failures)).scalar_one() == 0


def test_an_api_form_post_with_only_the_session_cookie_needs_the_csrf_token(client, person):
    """The identity cookie lapses after ten minutes while the session cookie stays: a
    cross-site form posted to an API route would still act as the person."""
    sign_in(client)
    client.delete_cookie(TOKEN_COOKIE)
    forged = client.post("/api/signing-keys/rotate", data={"x": "1"}, headers={"Accept": "text/html"})
    assert forged.status_code == 400
    plain = client.post("/api/signing-keys/rotate", data="x=1", content_type="text/plain")
    assert plain.status_code == 400
    # A program with a bearer token, or JSON (which needs a CORS preflight), is not a form.
    assert client.post("/api/signing-keys/rotate", json={}).status_code == 204


def _failures_by_address(runtime) -> list[str]:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from waymark_directory.adapters.identity_tables import sign_in_failures

    with runtime.engine.connect() as conn:
        return list(conn.execute(select(sign_in_failures.c.client_address)).scalars())


def test_behind_a_trusted_proxy_failures_count_against_the_forwarded_address(tmp_path, person):
    """Behind a reverse proxy every request comes from the proxy: without
    WAYMARK_TRUSTED_PROXIES, thirty failures from anyone would lock everyone out."""
    from waymark_directory.service import DEFINITION
    from waymark_shared.config import Settings
    from waymark_shared.service import bootstrap

    env = {"WAYMARK_ENV": "test", "WAYMARK_TRUSTED_PROXIES": "1",
           "WAYMARK_DIRECTORY_DATABASE_URL": f"sqlite:///{tmp_path / 'proxied.sqlite3'}"}  # fmt: skip
    runtime = bootstrap(DEFINITION, Settings.from_env("directory", env, data_dir=tmp_path / "proxied"))
    runtime.migrate()
    try:
        client = DEFINITION.create_app(runtime).test_client()
        client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
        sign_in(client, email="someone@example.org", password="not the password at all")
        assert _failures_by_address(runtime) == ["203.0.113.9"]
    finally:
        runtime.dispose()


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(client, runtime, person):
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"  # anyone can send this header
    sign_in(client, email="someone@example.org", password="not the password at all")
    assert _failures_by_address(runtime) == ["127.0.0.1"]


def test_signing_in_starts_a_fresh_session(client, person):
    """No fixation: whatever the session held before signing in is dropped, and each
    sign-in gets a new session id."""
    with client.session_transaction() as before:
        before["planted"] = "by someone else"
    sign_in(client)
    with client.session_transaction() as first:
        assert "planted" not in first
        first_sid = first["sid"]
    sign_in(client)
    with client.session_transaction() as second:
        assert second["sid"] != first_sid


def test_a_session_cookie_older_than_a_school_day_is_not_honoured(client, person, app):
    from datetime import timedelta

    assert app.permanent_session_lifetime == timedelta(hours=12)
    sign_in(client)
    client.delete_cookie(TOKEN_COOKIE)
    assert client.get("/api/me").status_code == 200
    app.permanent_session_lifetime = timedelta(seconds=-1)  # as if twelve hours had passed
    client.delete_cookie(TOKEN_COOKIE)
    assert client.get("/api/me").status_code == 401
