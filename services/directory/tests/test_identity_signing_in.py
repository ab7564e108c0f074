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
