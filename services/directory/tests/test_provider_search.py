"""Provider search on each backend: ordering, radius, national, filters, paging, text."""

from __future__ import annotations

import pytest

from waymark_directory.adapters.postcodes import InvalidPostcode, UnknownPostcode
from waymark_directory.demo_providers import sample_listing
from waymark_directory.provider_views import ProviderQuery, search_providers
from waymark_directory.service_layer.provider_handlers import (
    approve_provider,
    submit_provider,
    withdraw_provider,
)


def _listed(runtime, **values):  # type: ignore[no-untyped-def]
    provider = submit_provider(sample_listing(**values), runtime, actor="editor")
    approve_provider(provider.provider_id, runtime, actor="admin")
    return provider.provider_id


@pytest.fixture
def yorkshire(runtime):  # type: ignore[no-untyped-def]
    """Providers around Leeds (LS1 4DY): Bradford ~9 miles, York ~22, Manchester ~36."""
    ids = {
        "leeds": _listed(
            runtime,
            name="Leeds Rail Academy",
            postcode="LS1 4DY",
            radius_miles=10,
            benchmarks=[5],
            key_stages=["ks3"],
            subjects=["engineering"],
            cost="free",
            delivery="in_person",
            provider_type="training_provider",
            send_suitable=False,
        ),
        "bradford": _listed(
            runtime,
            name="Bradford Digital",
            postcode="BD1 1HY",
            radius_miles=20,
            benchmarks=[4, 5],
            key_stages=["ks4"],
            subjects=["computing"],
            cost="paid",
            price_band="under_100",
            delivery="virtual",
            provider_type="employer",
        ),
        "york": _listed(
            runtime,
            name="York Minster Heritage Careers",
            postcode="YO1 8RA",
            radius_miles=40,
            benchmarks=[7],
            key_stages=["post16"],
            subjects=["history"],
            cost="free",
            delivery="both",
            provider_type="charity",
        ),
        "york_small": _listed(
            runtime,
            name="York Local Mentors",
            postcode="YO1 8RA",
            radius_miles=5,
            benchmarks=[5],
            provider_type="charity",
        ),
        "manchester": _listed(
            runtime,
            name="Manchester Health Futures",
            postcode="M1 1AE",
            radius_miles=50,
            benchmarks=[5],
            provider_type="university",
        ),
        "national": _listed(
            runtime,
            name="Apprenticeships Everywhere",
            national=True,
            postcode=None,
            radius_miles=None,
            benchmarks=[5, 7],
            provider_type="training_provider",
        ),
    }
    pending = submit_provider(sample_listing(name="Not Yet Approved", postcode="LS1 4DY"), runtime, actor="e")
    ids["pending"] = pending.provider_id
    gone = _listed(runtime, name="Withdrawn Works", postcode="LS1 4DY")
    withdraw_provider(gone, runtime, actor="e")
    return ids


def _names(runtime, **query):  # type: ignore[no-untyped-def]
    found = search_providers(runtime, ProviderQuery(**{"postcode": "LS1 4DY", **query}))
    return [hit.name for hit in found.results], found


def test_nearest_first_national_last_and_only_published(runtime, yorkshire) -> None:  # type: ignore[no-untyped-def]
    names, found = _names(runtime, distance_miles=30)
    assert names == [
        "Leeds Rail Academy",
        "Bradford Digital",
        "York Minster Heritage Careers",
        "Apprenticeships Everywhere",
    ]
    assert found.total == 4
    distances = [hit.distance_miles for hit in found.results]
    assert distances[0] == 0.0 and 8 < distances[1] < 10 and 20 < distances[2] < 24
    assert distances[3] is None and found.results[3].national


def test_a_provider_must_reach_the_searched_place(runtime, yorkshire) -> None:  # type: ignore[no-untyped-def]
    # York Local Mentors travel 5 miles: York is ~22 miles from Leeds, so never here.
    names, _ = _names(runtime, distance_miles=300)
    assert "York Local Mentors" not in names
    assert "Manchester Health Futures" in names  # 50-mile radius, ~36 miles away
    names, _ = _names(runtime, distance_miles=30)
    assert "Manchester Health Futures" not in names  # beyond the searched distance
    york, _ = _names(runtime, postcode="YO1 8RA", distance_miles=1)
    assert york[:2] == ["York Local Mentors", "York Minster Heritage Careers"] or york[:2] == [
        "York Minster Heritage Careers",
        "York Local Mentors",
    ]


def test_national_providers_match_anywhere(runtime, yorkshire) -> None:  # type: ignore[no-untyped-def]
    names, found = _names(runtime, postcode="TR1 2NA", distance_miles=5)
    assert names == ["Apprenticeships Everywhere"] and found.total == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"benchmarks": (4,)}, ["Bradford Digital"]),
        (
            {"benchmarks": (4, 7)},
            ["Bradford Digital", "York Minster Heritage Careers", "Apprenticeships Everywhere"],
        ),
        ({"key_stages": ("ks3",)}, ["Leeds Rail Academy"]),
        ({"subjects": ("computing", "history")}, ["Bradford Digital", "York Minster Heritage Careers"]),
        ({"costs": ("paid",)}, ["Bradford Digital"]),
        (
            {"deliveries": ("virtual",)},
            ["Bradford Digital", "York Minster Heritage Careers", "Apprenticeships Everywhere"],
        ),
        (
            {"deliveries": ("in_person",)},
            ["Leeds Rail Academy", "York Minster Heritage Careers", "Apprenticeships Everywhere"],
        ),
        ({"provider_types": ("charity", "employer")}, ["Bradford Digital", "York Minster Heritage Careers"]),
        (
            {"send_suitable": True},
            ["Bradford Digital", "York Minster Heritage Careers", "Apprenticeships Everywhere"],
        ),
        ({"benchmarks": (5,), "key_stages": ("ks3",)}, ["Leeds Rail Academy"]),
        ({"text": "minster"}, ["York Minster Heritage Careers"]),
        ({"text": "YORK careers"}, ["York Minster Heritage Careers"]),
        ({"text": "50%_off"}, []),
        (
            {"text": "apprentices"},
            [
                "Leeds Rail Academy",
                "Bradford Digital",
                "York Minster Heritage Careers",
                "Apprenticeships Everywhere",
            ],
        ),
    ],
)
def test_filters(runtime, yorkshire, query, expected) -> None:  # type: ignore[no-untyped-def]
    names, found = _names(runtime, distance_miles=30, **query)
    assert names == expected
    assert found.total == len(expected)


def test_pages(runtime, yorkshire) -> None:  # type: ignore[no-untyped-def]
    first, found = _names(runtime, distance_miles=30, page_size=3)
    assert first == ["Leeds Rail Academy", "Bradford Digital", "York Minster Heritage Careers"]
    assert found.total == 4 and found.pages == 2
    second, found = _names(runtime, distance_miles=30, page_size=3, page=2)
    assert second == ["Apprenticeships Everywhere"] and found.total == 4
    beyond, found = _names(runtime, distance_miles=30, page_size=3, page=5)
    assert beyond == [] and found.total == 4


def test_an_outcode_only_match_is_placed_at_its_centroid(runtime, yorkshire) -> None:  # type: ignore[no-untyped-def]
    found = search_providers(runtime, ProviderQuery(postcode="LS1 9XY", distance_miles=5))
    assert found.location.precision == "outcode"
    assert found.results[0].name == "Leeds Rail Academy"


def test_bad_postcodes_raise(runtime) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidPostcode):
        search_providers(runtime, ProviderQuery(postcode="LEEDS"))
    with pytest.raises(UnknownPostcode):
        search_providers(runtime, ProviderQuery(postcode="YY99 9ZZ"))
