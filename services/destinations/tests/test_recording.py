"""Recording destinations through the JSON API, on SQLite and PostgreSQL: intended,
actual (with the September Guarantee), sustained judged only after the DfE period,
consent with who recorded it, history kept, and every bad request a clear 4xx with
the field named and nothing written."""

from __future__ import annotations

from datetime import date

import pytest
from destinations_world import World, at, client, person
from sqlalchemy import func, select

from waymark_destinations.adapters.tables import consents, destination_details, destinations
from waymark_destinations.service_layer.clock import stand_on
from waymark_destinations.service_layer.recording import stream_id
from waymark_shared.auth import CAREERS_LEADER


@pytest.fixture
def world(runtime, directory_log):  # type: ignore[no-untyped-def]
    return World(runtime, directory_log)


@pytest.fixture
def school(world) -> str:  # type: ignore[no-untyped-def]
    return world.school()


@pytest.fixture
def leader(key, school) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {person(key, at(CAREERS_LEADER, school))}"}


def _events(runtime, learner_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [event.name for event in runtime.store.read_stream(stream_id(learner_id))]


def _rows(runtime) -> int:  # type: ignore[no-untyped-def]
    with runtime.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(destinations)).scalar()


COLLEGE = {"leaving_point": "ks4", "category": "fe_college", "start_date": "2026-09-07", "source": "learner"}


def test_a_leavers_destination_is_recorded_and_its_history_kept(app, runtime, world, school, leader) -> None:  # type: ignore[no-untyped-def]
    learner = world.leaver(school)
    world.deliver()
    http = app.test_client()
    consent = {"consent": "given", "given_by": "learner", "consent_date": "2026-07-10"}
    assert http.post(f"/api/learners/{learner}/destination-consent", json=consent, headers=leader).status_code == 201
    first = http.post(
        f"/api/learners/{learner}/destinations",
        json={**COLLEGE, "provider": "Leeds City College", "september_guarantee": "offer_made"},
        headers=leader,
    )
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["points"]["ks4"]["category"] == "fe_college"
    assert body["points"]["ks4"]["sustained"] == "pending"
    assert body["points"]["ks4"]["judged_from"] == "2027-04-01"
    assert body["points"]["ks4"]["september_guarantee"] == "offer_made"
    again = http.post(
        f"/api/learners/{learner}/destinations",
        json={**COLLEGE, "provider": "Leeds City College", "september_guarantee": "offer_made"},
        headers=leader,
    )
    assert again.status_code == 200  # the same: nothing new
    changed = http.post(
        f"/api/learners/{learner}/destinations",
        json={**COLLEGE, "category": "apprenticeship_intermediate", "start_date": "2026-10-05", "source": "provider"},
        headers=leader,
    )
    assert changed.status_code == 201
    history = changed.get_json()["history"]
    assert [entry["event"] for entry in history] == [
        "DestinationRecorded", "DestinationRecorded", "DestinationConsentRecorded"
    ]  # fmt: skip
    assert history[1]["provider"] == "Leeds City College"
    assert history[2]["recorded_by"] == history[2]["actor"]  # who recorded the consent
    assert _events(runtime, learner) == ["DestinationConsentRecorded", "DestinationRecorded", "DestinationRecorded"]
    event = runtime.store.read_stream(stream_id(learner))[1]
    assert event.subject == school
    assert "Leeds" not in str(event.data)  # free text never in an event


def test_a_category_not_valid_for_the_leaving_point_is_refused_with_the_field(app, runtime, world, school, leader) -> None:  # type: ignore[no-untyped-def]
    learner = world.leaver(school)
    world.deliver()
    response = app.test_client().post(
        f"/api/learners/{learner}/destinations",
        json={**COLLEGE, "category": "higher_education_degree", "source": "local_authority"},
        headers=leader,
    )
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert "category" in response.get_json()["errors"]
    assert "not a destination after Key Stage 4" in response.get_json()["errors"]["category"][0]
    assert _events(runtime, learner) == [] and _rows(runtime) == 0


def test_a_start_before_leaving_is_refused(app, runtime, world, school, leader) -> None:  # type: ignore[no-untyped-def]
    learner = world.leaver(school)
    world.deliver()
    response = app.test_client().post(
        f"/api/learners/{learner}/destinations",
        json={**COLLEGE, "start_date": "2026-06-01", "source": "local_authority"},
        headers=leader,
    )
    assert response.status_code == 422
    assert "before the learner left" in response.get_json()["errors"]["start_date"][0]
    assert _events(runtime, learner) == []


def test_another_institutions_learner_or_an_unknown_one_is_not_found(app, runtime, world, school, leader) -> None:  # type: ignore[no-untyped-def]
    elsewhere = world.school("Elsewhere High")
    theirs = world.leaver(elsewhere)
    world.deliver()
    http = app.test_client()
    for learner in (theirs, "5b1f4a3e-0000-4000-8000-000000000000"):
        response = http.post(f"/api/learners/{learner}/destinations", json=COLLEGE, headers=leader)
        assert response.status_code == 404
        assert response.get_json()["title"] == "No such learner"
        assert http.get(f"/api/learners/{learner}/destinations", headers=leader).status_code == 404
    assert _events(runtime, theirs) == [] and _rows(runtime) == 0


def test_without_consent_only_the_local_authoritys_status_is_kept(app, runtime, world, school, leader) -> None:  # type: ignore[no-untyped-def]
    learner = world.leaver(school)
    world.deliver()
    http = app.test_client()
    from_learner = http.post(f"/api/learners/{learner}/destinations", json=COLLEGE, headers=leader)
    assert from_learner.status_code == 422
    assert "no recorded consent" in from_learner.get_json()["errors"]["source"][0]
    with_detail = http.post(
        f"/api/learners/{learner}/destinations",
        json={**COLLEGE, "source": "local_authority", "provider": "Leeds City College"},
        headers=leader,
    )
    assert with_detail.status_code == 422 and "provider" in with_detail.get_json()["errors"]
    assert _events(runtime, learner) == []
    status = http.post(
        f"/api/learners/{learner}/destinations", json={**COLLEGE, "source": "local_authority"}, headers=leader
    )
    assert status.status_code == 201
    withdrawn = {"consent": "withdrawn", "given_by": "parent"}
    assert http.post(f"/api/learners/{learner}/destination-consent", json=withdrawn, headers=leader).status_code == 201
    again = http.post(
        f"/api/learners/{learner}/destinations", json={**COLLEGE, "category": "employment"}, headers=leader
    )
    assert again.status_code == 422  # consent withdrawn: as without
    assert _events(runtime, learner) == ["DestinationRecorded", "DestinationConsentRecorded"]


def test_a_stayer_in_the_own_sixth_form_needs_no_consent(app, runtime, world, leader_for_sixth_form) -> None:  # type: ignore[no-untyped-def]
    school, headers = leader_for_sixth_form
    stayer = world.learner(school, "2025/26")  # in Year 12 now, on roll
    world.deliver()
    response = app.test_client().post(
        f"/api/learners/{stayer}/destinations",
        json={**COLLEGE, "category": "school_sixth_form", "start_date": "2026-09-03", "provider": "Our sixth form"},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["points"]["ks4"]["needs_consent"] is False


@pytest.fixture
def leader_for_sixth_form(world, key):  # type: ignore[no-untyped-def]
    school = world.school("Hillside School", sixth_form=True)
    return school, {"Authorization": f"Bearer {person(key, at(CAREERS_LEADER, school))}"}


def test_tracking_past_three_years_is_refused(app, runtime, world, school, leader) -> None:  # type: ignore[no-untyped-def]
    old = world.leaver(school, "2022/23")  # KS4 ended July 2023: tracked to 31 July 2026
    world.deliver()
    response = app.test_client().post(
        f"/api/learners/{old}/destinations",
        json={**COLLEGE, "start_date": "2023-09-04", "source": "local_authority"},
        headers=leader,
    )
    assert response.status_code == 409
    assert "Tracking ended on 31 July 2026" in response.get_json()["detail"]
    assert _events(runtime, old) == []


def test_sustained_is_judged_only_after_the_period(app, runtime, world, school, leader) -> None:  # type: ignore[no-untyped-def]
    learner = world.leaver(school)
    world.deliver()
    http = app.test_client()
    http.post(f"/api/learners/{learner}/destination-consent", json={"consent": "given", "given_by": "learner"},
              headers=leader)  # fmt: skip
    assert http.post(f"/api/learners/{learner}/destinations", json=COLLEGE, headers=leader).status_code == 201
    judgement = {"outcome": "sustained", "source": "provider"}
    early = http.post(f"/api/learners/{learner}/destinations/ks4/judgement", json=judgement, headers=leader)
    assert early.status_code == 409
    assert "judged from 1 April 2027" in early.get_json()["detail"]
    assert _events(runtime, learner)[-1] == "DestinationRecorded"
    stand_on(runtime, date(2027, 4, 1))
    late = http.post(f"/api/learners/{learner}/destinations/ks4/judgement", json=judgement, headers=leader)
    assert late.status_code == 201, late.get_json()
    assert late.get_json()["points"]["ks4"]["sustained"] == "sustained"
    event = runtime.store.read_stream(stream_id(learner))[-1]
    assert event.name == "DestinationSustained"
    assert event.data["period_ended"] == "2027-03-31"


def test_an_apprenticeship_is_judged_six_months_after_it_starts(app, runtime, world, school, leader) -> None:  # type: ignore[no-untyped-def]
    learner = world.leaver(school)
    world.deliver()
    http = app.test_client()
    body = {**COLLEGE, "category": "apprenticeship_advanced", "start_date": "2026-09-14", "source": "local_authority"}
    assert http.post(f"/api/learners/{learner}/destinations", json=body, headers=leader).status_code == 201
    judgement = {"outcome": "not_sustained", "source": "local_authority"}
    stand_on(runtime, date(2027, 3, 13))
    assert http.post(f"/api/learners/{learner}/destinations/ks4/judgement", json=judgement,
                     headers=leader).status_code == 409  # fmt: skip
    stand_on(runtime, date(2027, 3, 14))
    response = http.post(f"/api/learners/{learner}/destinations/ks4/judgement", json=judgement, headers=leader)
    assert response.status_code == 201
    assert response.get_json()["points"]["ks4"]["sustained"] == "not_sustained"


def test_neet_cannot_be_judged_sustained(app, runtime, world, school, leader) -> None:  # type: ignore[no-untyped-def]
    learner = world.leaver(school)
    world.deliver()
    http = app.test_client()
    body = {**COLLEGE, "category": "neet", "source": "local_authority"}
    assert http.post(f"/api/learners/{learner}/destinations", json=body, headers=leader).status_code == 201
    stand_on(runtime, date(2027, 6, 1))
    response = http.post(f"/api/learners/{learner}/destinations/ks4/judgement",
                         json={"outcome": "sustained", "source": "local_authority"}, headers=leader)  # fmt: skip
    assert response.status_code == 422 and "category" in response.get_json()["errors"]


def test_intended_destinations_are_recorded_in_year_11(app, runtime, world, school, leader) -> None:  # type: ignore[no-untyped-def]
    year_11 = world.learner(school, "2026/27")
    leaver = world.leaver(school)
    world.deliver()
    http = app.test_client()
    body = {"leaving_point": "ks4", "category": "sixth_form_college", "source": "learner"}
    response = http.post(f"/api/learners/{year_11}/intended-destinations", json=body, headers=leader)
    assert response.status_code == 201
    assert response.get_json()["points"]["ks4"]["intended_category"] == "sixth_form_college"
    early = http.post(f"/api/learners/{year_11}/destinations", json={**COLLEGE, "source": "local_authority"},
                      headers=leader)  # fmt: skip
    assert early.status_code == 409  # not left yet
    assert http.post(f"/api/learners/{leaver}/intended-destinations", json=body, headers=leader).status_code == 409
    status = http.post(f"/api/learners/{year_11}/intended-destinations", json={**body, "category": "neet"},
                       headers=leader)  # fmt: skip
    assert status.status_code == 422


def test_the_september_guarantee_is_for_year_11_leavers_only(app, runtime, world, leader_for_sixth_form) -> None:  # type: ignore[no-untyped-def]
    school, headers = leader_for_sixth_form
    learner = world.learner(school, "2023/24", left_on="2026-07-16", year_group=13)
    world.deliver()
    body = {"leaving_point": "16-18", "category": "higher_education_degree", "start_date": "2026-09-21",
            "source": "local_authority", "september_guarantee": "offer_made"}  # fmt: skip
    response = app.test_client().post(f"/api/learners/{learner}/destinations", json=body, headers=headers)
    assert response.status_code == 422 and "september_guarantee" in response.get_json()["errors"]
    del body["september_guarantee"]
    assert app.test_client().post(f"/api/learners/{learner}/destinations", json=body, headers=headers).status_code == 201


def test_erasure_removes_the_free_text_and_keeps_the_categories(app, runtime, world, school, leader) -> None:  # type: ignore[no-untyped-def]
    learner = world.leaver(school)
    world.deliver()
    http = app.test_client()
    http.post(f"/api/learners/{learner}/destination-consent", json={"consent": "given", "given_by": "parent"},
              headers=leader)  # fmt: skip
    body = {**COLLEGE, "provider": "Bramley Motors", "notes": "Works with their uncle"}
    assert http.post(f"/api/learners/{learner}/destinations", json=body, headers=leader).status_code == 201
    world.log.erased(school, learner)
    world.deliver()
    with runtime.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(destination_details)).scalar() == 0
        assert conn.execute(select(destinations.c.category)).scalar() == "fe_college"
        assert conn.execute(select(func.count()).select_from(consents)).scalar() == 1
    shown = http.get(f"/api/learners/{learner}/destinations", headers=leader).get_json()
    assert shown["history"][0]["provider"] is None and shown["history"][0]["notes"] is None


def test_api_clients_need_the_scope(app, runtime, world, school, key) -> None:  # type: ignore[no-untyped-def]
    learner = world.leaver(school)
    world.deliver()
    http = app.test_client()
    reader = {"Authorization": f"Bearer {client(key, school, 'destinations:read')}"}
    writer = {"Authorization": f"Bearer {client(key, school, 'destinations:write')}"}
    body = {**COLLEGE, "source": "local_authority"}
    assert http.post(f"/api/learners/{learner}/destinations", json=body, headers=reader).status_code == 404
    assert http.get(f"/api/learners/{learner}/destinations", headers=reader).status_code == 200
    assert http.post(f"/api/learners/{learner}/destinations", json=body, headers=writer).status_code == 201


def test_a_write_on_a_version_no_longer_the_latest_is_refused(app, runtime, world, school, leader) -> None:  # type: ignore[no-untyped-def]
    learner = world.leaver(school)
    world.deliver()
    http = app.test_client()
    body = {**COLLEGE, "source": "local_authority"}
    seen = http.get(f"/api/learners/{learner}/destinations", headers=leader).headers["ETag"]
    assert seen == '"0"'
    first = http.post(f"/api/learners/{learner}/destinations", json=body, headers={**leader, "If-Match": seen})
    assert first.status_code == 201 and first.headers["ETag"] == '"1"'
    stale = http.post(f"/api/learners/{learner}/destinations", json={**body, "category": "employment"},
                      headers={**leader, "If-Match": seen})  # fmt: skip
    assert stale.status_code == 409 and stale.get_json()["current_version"] == 1
    assert _events(runtime, learner) == ["DestinationRecorded"]
