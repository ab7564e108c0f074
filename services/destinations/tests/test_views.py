"""The cohort view (counts, percentages, sustained rate, NEET and not known, change
over the years), the worklist (who, why, most urgent first) and the CSV export in DfE
terms, through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from destinations_world import World, at, person

from waymark_destinations.service_layer.clock import stand_on
from waymark_destinations.service_layer.recording import judge_destination, record_consent, record_destination
from waymark_shared.auth import CAREERS_LEADER, GOVERNOR, SENIOR_LEADER


@pytest.fixture
def world(runtime, directory_log):  # type: ignore[no-untyped-def]
    return World(runtime, directory_log)


def _record(runtime, learner: str, category: str, start: str = "2026-09-07", source: str = "local_authority"):  # type: ignore[no-untyped-def]
    point = "ks4"
    return record_destination(
        runtime, learner, leaving_point=point, category=category, start_date=date.fromisoformat(start), source=source
    )


def _headers(key, role: str, school: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {person(key, at(role, school))}"}


def test_the_cohort_view_counts_each_category_with_change_since_the_year_before(app, runtime, world, key) -> None:  # type: ignore[no-untyped-def]
    school = world.school()
    latest = [world.leaver(school, "2025/26") for _ in range(4)]
    earlier = [world.leaver(school, "2024/25") for _ in range(2)]
    world.deliver()
    stand_on(runtime, date(2025, 12, 1))
    _record(runtime, earlier[0], "fe_college", "2025-09-08")
    _record(runtime, earlier[1], "employment", "2025-09-08")
    stand_on(runtime, date(2026, 12, 1))
    judge_destination(runtime, earlier[0], leaving_point="ks4", outcome="sustained", source="local_authority")
    for learner, category in zip(latest[:3], ("fe_college", "fe_college", "neet"), strict=True):
        _record(runtime, learner, category)
    response = app.test_client().get(
        f"/api/institutions/{school}/destinations/cohorts?leaving_point=ks4",
        headers=_headers(key, GOVERNOR, school),
    )
    assert response.status_code == 200
    newest, before = response.get_json()["cohorts"][:2]
    assert newest["leaving_cohort"] == "2025/26" and newest["size"] == 4 and newest["recorded"] == 3
    fe = next(item for item in newest["categories"] if item["code"] == "fe_college")
    assert (fe["count"], fe["percentage"], fe["change"]) == (2, 50.0, 0.0)
    assert newest["neet"] == 1 and newest["not_known"] == 1 and newest["pending"] == 2
    assert before["sustained"] == 1 and before["sustained_rate"] == 50.0
    assert before["sustained_change"] is None  # no cohort before it here
    # Nothing of 2025/26 can be judged before April 2027: no rate (0% would read as failure)
    assert newest["sustained_rate"] is None and newest["sustained_change"] is None
    assert newest["judged_from"] == "2027-04-01"
    assert "learner_id" not in response.get_data(as_text=True)  # aggregates only


def test_the_worklist_puts_the_most_urgent_first_and_says_why(app, runtime, world, key) -> None:  # type: ignore[no-untyped-def]
    school = world.school()
    neet, unknown, due, fine = (world.leaver(school, "2024/25") for _ in range(4))
    year_11 = world.learner(school, "2026/27")
    world.deliver()
    stand_on(runtime, date(2025, 10, 1))
    _record(runtime, neet, "neet", "2025-09-01")
    _record(runtime, due, "fe_college", "2025-09-01")
    _record(runtime, fine, "sixth_form_college", "2025-09-01")
    stand_on(runtime, date(2026, 12, 1))
    judge_destination(runtime, fine, leaving_point="ks4", outcome="sustained", source="local_authority")
    record_consent(runtime, fine, consent="given", given_by="learner", recorded_by="someone")
    response = app.test_client().get(
        f"/api/institutions/{school}/destinations/worklist", headers=_headers(key, CAREERS_LEADER, school)
    )
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [item["learner_id"] for item in items] == [neet, unknown, due, year_11]
    assert items[0]["reason"].startswith("NEET")
    assert "September Guarantee deadline (30 September 2025) has passed" in items[1]["reason"]
    assert "can be judged since 1 April 2026" in items[2]["reason"]
    assert "no intended destination" in items[3]["reason"]


def test_senior_leaders_and_governors_see_no_learner_rows(app, runtime, world, key) -> None:  # type: ignore[no-untyped-def]
    school = world.school()
    learner = world.leaver(school)
    world.deliver()
    http = app.test_client()
    for role in (SENIOR_LEADER, GOVERNOR):
        headers = _headers(key, role, school)
        assert http.get(f"/api/institutions/{school}/destinations/cohorts", headers=headers).status_code == 200
        assert http.get(f"/api/institutions/{school}/destinations/worklist", headers=headers).status_code == 403
        assert http.get(f"/api/institutions/{school}/destinations/export", headers=headers).status_code == 403
        assert http.get(f"/api/learners/{learner}/destinations", headers=headers).status_code == 404


def test_the_export_is_in_dfe_category_terms(app, runtime, world, key) -> None:  # type: ignore[no-untyped-def]
    school = world.school()
    college, neet, nothing = (world.leaver(school, "2024/25") for _ in range(3))
    world.deliver()
    stand_on(runtime, date(2025, 10, 1))
    _record(runtime, college, "fe_college", "2025-09-01")
    _record(runtime, neet, "neet", "2025-09-01")
    stand_on(runtime, date(2026, 12, 1))
    judge_destination(runtime, college, leaving_point="ks4", outcome="sustained", source="local_authority")
    response = app.test_client().get(
        f"/api/institutions/{school}/destinations/export?leaving_point=ks4&cohort=2024/25",
        headers=_headers(key, CAREERS_LEADER, school),
    )
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = {row["learner_id"]: row for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}
    assert rows[college]["dfe_group"] == "Sustained education"
    assert rows[college]["dfe_category"] == "Further education college or other FE provider"
    assert rows[college]["destination_measure"] == "Sustained"
    assert rows[neet]["dfe_category"] == "Not recorded as a sustained destination"
    assert rows[nothing]["dfe_category"] == "Activity not captured"


def test_the_cohort_view_says_who_went_where_they_intended(runtime, world) -> None:  # type: ignore[no-untyped-def]
    from waymark_destinations import views
    from waymark_destinations.service_layer.recording import record_intended

    school = world.school()
    went, changed, silent = (world.learner(school, "2026/27") for _ in range(3))
    world.deliver()
    for learner in (went, changed):
        record_intended(runtime, learner, leaving_point="ks4", category="fe_college", source="learner")
    stand_on(runtime, date(2027, 10, 1))
    _record(runtime, went, "fe_college", "2027-09-06")
    _record(runtime, changed, "employment", "2027-09-06")
    _record(runtime, silent, "fe_college", "2027-09-06")
    newest = views.cohort_view(runtime, school, "ks4")["cohorts"][0]
    assert newest["leaving_cohort"] == "2026/27"
    assert (newest["had_intention"], newest["as_intended"], newest["as_intended_rate"]) == (2, 1, 50.0)
