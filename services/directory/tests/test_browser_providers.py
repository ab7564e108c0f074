"""Finding an activity provider with a real browser: a postcode and a distance, two
filters that narrow the list, results nearest first with distances, and a bad postcode."""

from __future__ import annotations

import re
from typing import Any

import pytest

from waymark_directory.demo_providers import sample_listing
from waymark_directory.service_layer.provider_handlers import approve_provider, submit_provider
from waymark_shared.testing.browser import live_server

DISTANCE = re.compile(r"^(\d+\.\d) miles away")


@pytest.fixture
def database_url(sqlite_url: str) -> str:  # the browser does not care about the backend
    return sqlite_url


def _listed(runtime, **values) -> None:  # type: ignore[no-untyped-def]
    provider = submit_provider(sample_listing(radius_miles=30, **values), runtime, actor="demo-seed")
    approve_provider(provider.provider_id, runtime, actor="demo-seed")


@pytest.fixture
def providers(runtime) -> None:  # type: ignore[no-untyped-def]
    # Near LS1 4DY (Leeds): three match "benchmark 5" and "key stage 4".
    _listed(runtime, name="City Rail Academy", postcode="LS1 4DY", benchmarks=[5], key_stages=["ks4"])
    _listed(runtime, name="Aire Valley Engineering", postcode="LS9 8AB", benchmarks=[5, 6])
    _listed(runtime, name="Bradford Digital", postcode="BD1 1HY", benchmarks=[5], key_stages=["ks3", "ks4"])
    # Each left out by one of the two filters.
    _listed(runtime, name="Halifax Guidance", postcode="HX1 1AA", benchmarks=[8], key_stages=["ks4"])
    _listed(runtime, name="Headingley Drama", postcode="LS6 3QS", benchmarks=[5], key_stages=["ks3"])
    # Too far for a 25-mile search.
    _listed(runtime, name="Manchester Museums", postcode="M1 1AE", benchmarks=[5], key_stages=["ks4"])


def _results(page) -> list[tuple[str, float]]:  # type: ignore[no-untyped-def]
    hits = []
    for item in page.locator("#results > li").all():
        name = item.locator("h3").inner_text().strip()
        distance = DISTANCE.match(item.locator(".waymark-distance").inner_text().strip())
        assert distance, f"{name}: no distance shown"
        hits.append((name, float(distance.group(1))))
    return hits


def test_search_near_a_postcode_with_two_filters(browser_page: Any, app, providers) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    with live_server(app, prefix="/directory") as url:
        page.goto(f"{url}/providers")
        assert page.get_by_role("heading", name="Find an activity provider").is_visible()
        page.get_by_label("Postcode").fill("ls1 4dy")
        page.get_by_label("Distance").select_option("25")
        page.get_by_role("button", name="Search", exact=True).click()
        page.wait_for_url(re.compile(r".*/providers\?.*postcode="))
        assert page.locator("#result-count").inner_text() == "5 providers near LS1 4DY"
        everything = _results(page)
        assert {name for name, _ in everything} == {
            "City Rail Academy",
            "Aire Valley Engineering",
            "Headingley Drama",
            "Bradford Digital",
            "Halifax Guidance",
        }
        assert [d for _, d in everything] == sorted(d for _, d in everything)  # nearest first
        assert everything[0][1] == 0.0 and all(d <= 25 for _, d in everything)

        # The form keeps the search; tick two filters.
        assert page.get_by_label("Postcode").input_value() == "LS1 4DY"  # as understood
        assert page.get_by_label("Distance").input_value() == "25"
        page.get_by_label("5. Encounters with employers and employees").check()
        page.get_by_label("Key stage 4", exact=True).check()
        page.get_by_role("button", name="Search", exact=True).click()
        page.wait_for_url(re.compile(r".*benchmark=5.*key_stage=ks4|.*key_stage=ks4.*benchmark=5"))
        assert page.locator("#result-count").inner_text() == "3 providers near LS1 4DY"
        narrowed = _results(page)
        assert [name for name, _ in narrowed] == [
            "City Rail Academy",
            "Aire Valley Engineering",
            "Bradford Digital",
        ]
        assert set(narrowed) < set(everything)  # the same hits and distances, fewer of them
        assert [d for _, d in narrowed] == sorted(d for _, d in narrowed)
        assert narrowed[2][1] > 5  # Bradford is some miles from Leeds station
        assert page.get_by_label("5. Encounters with employers and employees").is_checked()
        assert page.get_by_label("Key stage 4", exact=True).is_checked()
        assert "Contains OS data © Crown copyright" in page.locator("#postcode-credit").inner_text()
        page.screenshot(path="/tmp/provider-search.png", full_page=True)

        # A postcode that is not one: the error summary, focused, linking to the field.
        page.get_by_label("Postcode").fill("LEEDS")
        page.get_by_role("button", name="Search", exact=True).click()
        summary = page.locator(".govuk-error-summary")
        assert summary.is_visible()
        assert "There is a problem" in summary.inner_text() and "is not a UK postcode" in summary.inner_text()
        assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
        assert page.title().startswith("Error:")
        assert page.locator("#results").count() == 0
        summary.get_by_role("link").first.click()
        assert page.evaluate("document.activeElement.id") == "postcode"
        page.screenshot(path="/tmp/provider-search-error.png", full_page=True)
