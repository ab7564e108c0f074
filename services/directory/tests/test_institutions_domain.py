"""Institutions as pure domain objects: validation, changes, closing."""

from __future__ import annotations

import pytest

from waymark_directory.domain.commands import RegisterInstitution
from waymark_directory.domain.events import InstitutionClosed, InstitutionRegistered, InstitutionUpdated
from waymark_directory.domain.institutions import (
    Institution,
    InstitutionClosedError,
    InvalidInstitution,
    normalise_postcode,
    normalise_website,
)

SCHOOL = RegisterInstitution(
    "Riverside Academy",
    "mainstream_secondary",
    urn="990001",
    local_authority="Leeds",
    region="Yorkshire and the Humber",
    postcode="ls9 8ab",
    careers_hub="West Yorkshire Careers Hub",
    trust="Aire Valley Learning Trust",
    low_age=11,
    high_age=18,
    website="www.riverside.sch.uk",
)


def registered(**changes) -> Institution:  # type: ignore[no-untyped-def]
    institution = Institution.register(RegisterInstitution(**{**vars(SCHOOL), **changes}))
    return Institution.from_history(institution.institution_id, institution.pending)


def test_registering_normalises_the_postcode_and_website_and_records_every_field():
    institution = Institution.register(SCHOOL)

    [event] = institution.pending
    assert isinstance(event, InstitutionRegistered)
    assert event.postcode == "LS9 8AB"
    assert event.website == "https://www.riverside.sch.uk"
    assert (event.low_age, event.high_age, event.careers_hub) == (11, 18, "West Yorkshire Careers Hub")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"urn": "12345"}, "urn"),
        ({"urn": None, "ukprn": "20012345"}, "ukprn"),
        ({"urn": None}, "urn"),
        ({"institution_type": "zoo"}, "institution_type"),
        ({"low_age": 3}, "low_age"),
        ({"high_age": 26}, "high_age"),
        ({"low_age": 16, "high_age": 11}, "high_age"),
        ({"region": "Wales"}, "region"),
        ({"postcode": "NOT A CODE"}, "postcode"),
        ({"website": "ftp://example.org"}, "website"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"name": "   "}, "name"),
        ({"trust": "x" * 201}, "trust"),
    ],
)
def test_invalid_details_are_refused_by_field(changes, field):
    with pytest.raises(InvalidInstitution) as refused:
        Institution.register(RegisterInstitution(**{**vars(SCHOOL), **changes}))
    assert field in refused.value.errors


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ls98ab", "LS9 8AB"), (" EC1A 1bb ", "EC1A 1BB"), ("M1 1AE", "M1 1AE"), ("12345", None), ("LS9", None)],
)
def test_postcodes_are_normalised(text, expected):
    assert normalise_postcode(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("www.school.sch.uk", "https://www.school.sch.uk"),
        ("http://school.org.uk/about", "http://school.org.uk/about"),
        ("https://localhost", None),
        ("not a website", None),
        ("https://user:pw@evil.example.com", None),
    ],
)
def test_websites_are_validated(text, expected):
    assert normalise_website(text) == expected


def test_an_update_records_only_what_changed():
    institution = registered()

    changed = institution.update({"name": "Riverside Academy", "trust": None, "postcode": "LS9  8AB"})

    assert changed == {"trust": None}
    assert institution.pending == [InstitutionUpdated(institution.institution_id, {"trust": None})]
    assert institution.trust is None


def test_an_update_that_changes_nothing_records_nothing():
    institution = registered()
    assert institution.update({"name": "Riverside Academy", "low_age": 11}) == {}
    assert institution.pending == []


def test_an_update_is_checked_against_the_whole_record():
    institution = registered()
    with pytest.raises(InvalidInstitution) as refused:
        institution.update({"low_age": 19})
    assert "high_age" in refused.value.errors
    with pytest.raises(InvalidInstitution) as unknown:
        institution.update({"status": "closed"})
    assert "status" in unknown.value.errors


def test_a_closed_institution_takes_no_changes_and_cannot_close_again():
    institution = registered()
    institution.close("Merged with Hillcrest", "2026-08-31")

    assert institution.pending[-1] == InstitutionClosed(
        institution.institution_id, "Merged with Hillcrest", "2026-08-31"
    )
    assert institution.status == "closed"
    with pytest.raises(InstitutionClosedError):
        institution.update({"name": "Anything"})
    with pytest.raises(InstitutionClosedError):
        institution.close("Again", "2026-09-01")


def test_closing_needs_a_reason_and_a_date():
    with pytest.raises(InvalidInstitution) as refused:
        registered().close(" ", "31/08/2026")
    assert set(refused.value.errors) == {"reason", "closed_on"}


def test_history_rebuilds_the_institution_and_its_version():
    institution = registered()
    institution.update({"careers_hub": "Leeds City Region Careers Hub"})
    institution.close("Closed", "2026-08-31")
    history = [
        InstitutionRegistered(
            institution.institution_id,
            **{k: getattr(institution, k) for k in ("name", "institution_type", "urn")},
        ),
        *institution.pending,
    ]

    rebuilt = Institution.from_history(institution.institution_id, history)

    assert rebuilt.version == 3
    assert (rebuilt.careers_hub, rebuilt.status, rebuilt.closed_on) == (
        "Leeds City Region Careers Hub",
        "closed",
        "2026-08-31",
    )
