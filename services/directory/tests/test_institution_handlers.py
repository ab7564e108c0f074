"""Institution commands against real databases: events, the inline table and
identifier reservations in one transaction; optimistic concurrency."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from waymark_directory import views
from waymark_directory.adapters.tables import institution_identifiers, institutions
from waymark_directory.domain.commands import CloseInstitution, RegisterInstitution, UpdateInstitution
from waymark_directory.domain.institutions import InstitutionClosedError, InvalidInstitution
from waymark_directory.service_layer.handlers import (
    AlreadyRegistered,
    close_institution,
    load_institution,
    register_institution,
    update_institution,
)
from waymark_shared.eventstore.store import ConcurrencyError

SCHOOL = RegisterInstitution(
    "Riverside Academy",
    "mainstream_secondary",
    urn="990001",
    local_authority="Leeds",
    region="Yorkshire and the Humber",
    postcode="LS9 8AB",
    careers_hub="West Yorkshire Careers Hub",
    low_age=11,
    high_age=18,
)


def _row(runtime, institution_id):  # type: ignore[no-untyped-def]
    return views.institution(runtime, institution_id)


def _reservations(runtime):  # type: ignore[no-untyped-def]
    with runtime.engine.connect() as conn:
        return sorted(
            tuple(r)
            for r in conn.execute(
                select(institution_identifiers.c.scheme, institution_identifiers.c.identifier)
            )
        )


def test_registering_takes_the_local_authority_code_from_the_postcode(runtime):
    institution = register_institution(SCHOOL, runtime)

    row = _row(runtime, institution.institution_id)
    assert row["local_authority_code"] == "E08000035"  # Leeds
    assert (row["status"], row["version"], row["careers_hub"]) == ("open", 1, "West Yorkshire Careers Hub")
    [event] = runtime.store.read_all()
    assert event.data["local_authority_code"] == "E08000035"


def test_a_malformed_postcode_is_refused_and_nothing_is_written(runtime):
    with pytest.raises(InvalidInstitution) as refused:
        register_institution(
            RegisterInstitution("X", "special_school", urn="990002", postcode="QQ1 1QQ"), runtime
        )
    assert "postcode" in refused.value.errors
    assert runtime.store.count_after() == 0
    assert _reservations(runtime) == []


def test_an_update_records_the_changed_fields_and_keeps_the_table_in_step(runtime):
    institution = register_institution(SCHOOL, runtime)

    update_institution(
        UpdateInstitution(
            institution.institution_id, {"postcode": "M14 5QT", "name": "Riverside Academy"}, 1
        ),
        runtime,
    )

    events = runtime.store.read_all()
    assert [e.name for e in events] == ["InstitutionRegistered", "InstitutionUpdated"]
    assert events[1].data["changes"] == {"postcode": "M14 5QT", "local_authority_code": "E08000003"}
    assert events[1].subject == institution.institution_id
    row = _row(runtime, institution.institution_id)
    assert (row["postcode"], row["local_authority_code"], row["version"]) == ("M14 5QT", "E08000003", 2)


def test_an_update_that_changes_nothing_appends_nothing(runtime):
    institution = register_institution(SCHOOL, runtime)
    update_institution(UpdateInstitution(institution.institution_id, {"name": "Riverside Academy"}), runtime)
    assert runtime.store.count_after() == 1


def test_a_stale_version_is_refused(runtime):
    institution = register_institution(SCHOOL, runtime)
    update_institution(UpdateInstitution(institution.institution_id, {"trust": "Aire Trust"}, 1), runtime)

    with pytest.raises(ConcurrencyError) as stale:
        update_institution(
            UpdateInstitution(institution.institution_id, {"trust": "Other Trust"}, 1), runtime
        )

    assert (stale.value.expected, stale.value.actual) == (1, 2)
    assert _row(runtime, institution.institution_id)["trust"] == "Aire Trust"


def test_changing_the_urn_moves_its_reservation(runtime):
    institution = register_institution(SCHOOL, runtime)
    other = register_institution(
        RegisterInstitution("Hillcrest", "mainstream_secondary", urn="990003"), runtime
    )

    update_institution(
        UpdateInstitution(institution.institution_id, {"urn": "990002", "ukprn": "10012345"}), runtime
    )
    with pytest.raises(AlreadyRegistered):
        update_institution(UpdateInstitution(other.institution_id, {"urn": "990002"}), runtime)

    assert _reservations(runtime) == [("ukprn", "10012345"), ("urn", "990002"), ("urn", "990003")]
    register_institution(RegisterInstitution("Reuses old URN", "special_school", urn="990001"), runtime)


def test_closing_records_the_reason_and_date_and_refuses_later_changes(runtime):
    institution = register_institution(SCHOOL, runtime)

    close_institution(CloseInstitution(institution.institution_id, "Merged", "2026-08-31", 1), runtime)

    row = _row(runtime, institution.institution_id)
    assert (row["status"], row["closed_on"], row["closed_reason"], row["version"]) == (
        "closed",
        "2026-08-31",
        "Merged",
        2,
    )
    with pytest.raises(InstitutionClosedError):
        update_institution(UpdateInstitution(institution.institution_id, {"name": "New"}), runtime)
    with pytest.raises(InstitutionClosedError):
        close_institution(CloseInstitution(institution.institution_id, "Again", "2026-09-01"), runtime)
    loaded = load_institution(institution.institution_id, runtime)
    assert (loaded.status, loaded.version) == ("closed", 2)


def test_the_list_filters_and_pages(runtime):
    for number, (hub, region) in enumerate(
        [("Hub A", "London"), ("Hub A", "London"), ("Hub B", "London"), ("Hub B", "North West")]
    ):
        register_institution(
            RegisterInstitution(
                f"School {number}",
                "mainstream_secondary",
                urn=f"99000{number}",
                careers_hub=hub,
                region=region,
            ),
            runtime,
        )

    page, total = views.institution_page(runtime, {"region": "London"}, page=2, per_page=2)
    assert total == 3
    assert [r["name"] for r in page] == ["School 2"]
    hub_b, _ = views.institution_page(runtime, {"careers_hub": "Hub B", "status": "open"})
    assert [r["name"] for r in hub_b] == ["School 2", "School 3"]
    only, total = views.institution_page(
        runtime, {}, visible=views.Visible(careers_hubs=frozenset({"Hub A"}))
    )
    assert (total, [r["name"] for r in only]) == (2, ["School 0", "School 1"])
    with runtime.engine.connect() as conn:
        assert conn.execute(select(institutions.c.version)).scalars().all() == [1, 1, 1, 1]
