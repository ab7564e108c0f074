"""Importing destinations from CSV through the API, on SQLite and PostgreSQL: a row
report of errors with nothing written, the valid rows only when asked, and the same
file again writing nothing."""

from __future__ import annotations

import pytest
from destinations_world import World, at, person
from sqlalchemy import func, select

from waymark_destinations.adapters.tables import destinations, imports
from waymark_destinations.service_layer.recording import record_consent
from waymark_shared.auth import CAREERS_ADVISER


@pytest.fixture
def world(runtime, directory_log):  # type: ignore[no-untyped-def]
    return World(runtime, directory_log)


HEADER = "learner_id,leaving_point,category,provider,start_date,source\n"


def _count(runtime, table) -> int:  # type: ignore[no-untyped-def]
    with runtime.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def _post(app, key, school: str, text: str, query: str = ""):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {person(key, at(CAREERS_ADVISER, school))}", "Content-Type": "text/csv"}
    return app.test_client().post(
        f"/api/institutions/{school}/destinations/imports{query}", data=text.encode(), headers=headers
    )


def test_a_file_with_errors_writes_nothing_and_reports_each_row(app, runtime, world, key) -> None:  # type: ignore[no-untyped-def]
    school = world.school()
    elsewhere = world.school("Elsewhere High")
    mine = [world.leaver(school) for _ in range(2)]
    theirs = world.leaver(elsewhere)
    world.deliver()
    text = HEADER + (
        f"{mine[0]},ks4,fe_college,,2026-09-07,local_authority\n"
        f"{mine[1]},ks4,higher_education_degree,,2026-09-07,local_authority\n"
        f"{theirs},ks4,fe_college,,2026-09-07,local_authority\n"
        f"{mine[0]},ks4,employment,,07/09/2026,local_authority\n"
        "not-an-id,ks4,fe_college,,2026-13-01,local_authority\n"
    )
    response = _post(app, key, school, text)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert "not a destination after Key Stage 4" in errors["rows.3.category"][0]
    assert errors["rows.4.learner_id"] == ["There is no learner with this id at this institution."]
    assert "on line 2 too" in errors["rows.5.learner_id"][0]
    assert "rows.6.learner_id" in errors and "rows.6.start_date" in errors
    assert response.get_json()["rows_invalid"] == 4
    assert _count(runtime, destinations) == 0 and _count(runtime, imports) == 0


def test_the_valid_rows_only_when_asked_and_the_same_file_again_writes_nothing(app, runtime, world, key) -> None:  # type: ignore[no-untyped-def]
    school = world.school()
    learners = [world.leaver(school) for _ in range(3)]
    world.deliver()
    record_consent(runtime, learners[2], consent="given", given_by="learner", recorded_by="x")
    text = HEADER + (
        f"{learners[0]},ks4,fe_college,,2026-09-07,local_authority\n"
        f"{learners[1]},ks4,Sixth-form college,,2026-09-07,learner\n"  # no consent: only the LA's status
        f"{learners[2]},ks4,apprenticeship_advanced,Bramley Motors,2026-09-14,provider\n"
    )
    refused = _post(app, key, school, text)
    assert refused.status_code == 422 and "rows.3.source" in refused.get_json()["errors"]
    first = _post(app, key, school, text, "?valid_rows_only=true")
    assert first.status_code == 201, first.get_json()
    assert (first.get_json()["recorded"], first.get_json()["rows_invalid"]) == (2, 1)
    assert _count(runtime, destinations) == 2 and _count(runtime, imports) == 1
    versions = [runtime.store.stream_version(f"destination-{lid}") for lid in learners]
    again = _post(app, key, school, text, "?valid_rows_only=true")
    assert again.status_code == 200
    assert (again.get_json()["recorded"], again.get_json()["unchanged"]) == (0, 2)
    assert [runtime.store.stream_version(f"destination-{lid}") for lid in learners] == versions
    assert _count(runtime, imports) == 1


def test_a_file_without_the_columns_is_refused(app, runtime, world, key) -> None:  # type: ignore[no-untyped-def]
    school = world.school()
    world.deliver()
    response = _post(app, key, school, "learner,destination\nx,y\n")
    assert response.status_code == 422
    assert "no learner_id, leaving_point, category, provider, start_date, source column" in response.get_json()["detail"]
