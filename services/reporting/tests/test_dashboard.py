"""The institution dashboard through its view, JSON API and page, on SQLite and
PostgreSQL: benchmarks with their trend and snapshots, plan delivery and ratings,
pupil-level evidence, Provider Access Legislation per cohort, the worklist, freshness;
and the refusals people would hit."""

from __future__ import annotations

import json
import re

import pytest
from reporting_world import NOW, build, principal
from sqlalchemy import func, select

from waymark_reporting.adapters.tables import institutions
from waymark_reporting.entrypoints.schemas import (
    DashboardResponse,
    ProviderAccessLearnersResponse,
    WorklistResponse,
)
from waymark_reporting.views import list_institutions, reading
from waymark_reporting.views.dashboard import dashboard, provider_access_learners, worklist
from waymark_shared.auth import CAREERS_ADVISER, CAREERS_LEADER, GOVERNOR, HUB_LEAD
from waymark_shared.auth.tokens import TOKEN_COOKIE, issue_token


@pytest.fixture
def world(deliver, directory_log, audit_log, planner_log):  # type: ignore[no-untyped-def]
    return build(deliver, directory_log, audit_log, planner_log)


@pytest.fixture
def client(app, runtime):  # type: ignore[no-untyped-def]
    runtime.extras["clock"] = lambda: NOW
    return app.test_client()


def _as(client, key, world, who: str, *, other: bool = False):  # type: ignore[no-untyped-def]
    found = principal(who, world, other=other)
    if found is not None:
        client.set_cookie(TOKEN_COOKIE, issue_token(found, key))
    return client


def test_the_dashboard_model(runtime, world):
    model = dashboard(runtime, world.school, now=NOW, worklist=True)

    latest = model["benchmarks"]["latest"]
    assert (latest["benchmarks_achieved"], latest["applicable"]) == (2, 2)
    bm5 = latest["benchmarks"][4]
    assert (bm5["number"], bm5["percentage"], bm5["achieved"], bm5["change"]) == (5, 100, True, 100)
    assert [p["percentages"][5] for p in model["benchmarks"]["trend"]] == [0, 100]
    snapshots = {s["date"]: s["benchmarks_achieved"] for s in model["benchmarks"]["snapshots"]}
    assert snapshots == {"2025-12-31": None, "2026-03-31": 1, "2026-07-31": 1}

    delivery = model["delivery"]
    assert delivery["academic_year"] == "2026/27"
    assert {k: delivery["totals"][k] for k in ("planned", "delivered", "cancelled", "participants")} == {
        "planned": 4, "delivered": 3, "cancelled": 1, "participants": 5,
    }  # fmt: skip
    by_benchmark = {row["benchmark"]: (row["delivered"], row["planned"]) for row in delivery["by_benchmark"]}
    assert (by_benchmark[5], by_benchmark[6], by_benchmark[7]) == ((1, 2), (0, 0), (1, 2))
    by_term = {row["term"]: (row["delivered"], row["planned"]) for row in delivery["by_term"]}
    assert by_term == {"autumn": (3, 3), "spring": (0, 1), "summer": (0, 0)}
    assert delivery["ratings"]["average"] == pytest.approx(4.17, abs=0.01)

    by_year = {row["year_group"]: row for row in model["evidence"]["by_year_group"]}
    assert by_year[9]["measures"]["employer_this_year"] == {"learners": 4, "met": 2, "percentage": 50}
    assert by_year[10]["measures"]["technical_by_16"]["met"] == 1
    assert by_year[12]["measures"]["guidance_by_18"] == {"learners": 2, "met": 1, "percentage": 50}
    assert by_year[9]["measures"]["guidance_by_18"] is None

    cohorts = {row["year_group"]: row for row in model["provider_access"]}
    first_9 = cohorts[9]["phases"][0]
    assert (first_9["status"], first_9["needs_one"], first_9["needs_two"], first_9["deadline"]) == (
        "open", 1, 3, "2027-02-28",
    )  # fmt: skip
    assert (cohorts[10]["phases"][0]["missed"], cohorts[10]["phases"][1]["still_needing"]) == (2, 2)
    assert cohorts[12]["phases"][2]["needs_two"] == 2  # nothing offered to Year 12

    worklist = model["worklist"]
    assert model["worklist_count"] == len(worklist) == 4
    assert {row["learner_id"] for row in worklist} == {
        world.year_9[2], world.year_9[3], world.year_10[1], world.year_12[1],
    }  # fmt: skip
    assert [row["year_group"] for row in worklist] == [9, 9, 10, 12]
    assert worklist[0]["provider_access_needed"] == 2


def test_an_institution_with_no_data_yet_still_has_a_dashboard(runtime, deliver, directory_log):
    empty = directory_log.registered("New School")
    deliver(directory_log)

    model = dashboard(runtime, empty, now=NOW)

    assert model["benchmarks"]["latest"] is None and model["delivery"] is None
    assert model["evidence"]["learners"] == 0 and model["provider_access"] == []


def test_the_api_answers_with_the_dashboard_and_how_current_it_is(client, key, world):
    body = _as(client, key, world, "api_client").get(f"/api/institutions/{world.school}/dashboard").json

    assert body["benchmarks"]["latest"]["benchmarks_achieved"] == 2
    assert body["delivery"]["totals"]["delivered"] == 3
    assert "worklist" not in body and body["worklist_count"] == 4
    sources = {s["source"]: s for s in body["freshness"]["sources"]}
    assert sources["planner"]["last_event_type"] == "ActivityCancelled"
    assert sources["planner"]["applied_at"] is not None and sources["destinations"]["applied_at"] is None


def test_the_api_bodies_are_what_their_documented_schemas_make_of_the_views(client, key, runtime, world):
    # The API dumps through compiled schemas (entrypoints/schema_dump.py): the same JSON,
    # key for key and type for type, as marshmallow's own dump of the schema.
    as_leader = _as(client, key, world, CAREERS_LEADER)
    model = dashboard(runtime, world.school, now=NOW)
    freshness = model["freshness"]
    expected = {
        "dashboard": DashboardResponse().dump(model),
        "worklist": WorklistResponse().dump(
            {
                "institution_id": world.school,
                "freshness": freshness,
                "learners": worklist(runtime, world.school, NOW),
            }
        ),
        "provider-access/learners": ProviderAccessLearnersResponse().dump(
            {
                "institution_id": world.school,
                "freshness": freshness,
                "learners": provider_access_learners(runtime, world.school, NOW),
            }
        ),
    }
    for path, body in expected.items():
        response = as_leader.get(f"/api/institutions/{world.school}/{path}")
        assert response.status_code == 200, path
        assert json.dumps(response.json, sort_keys=True) == json.dumps(body, sort_keys=True), path


def test_a_page_being_read_neither_holds_up_the_projections_nor_sees_them_halfway(
    runtime, deliver, directory_log, world
):
    before = len(list_institutions(runtime))
    directory_log.registered("Another School")
    with reading(runtime) as conn:
        count = select(func.count()).select_from(institutions)
        assert conn.execute(count).scalar_one() == before
        deliver(directory_log)  # a projection commits while the read is open
        assert conn.execute(count).scalar_one() == before  # the read's own snapshot
    assert len(list_institutions(runtime)) == before + 1


def test_the_worklist_api_lists_learners_by_pseudonymous_id(client, key, world):
    body = _as(client, key, world, CAREERS_LEADER).get(f"/api/institutions/{world.school}/worklist").json

    assert [row["year_group"] for row in body["learners"]] == [9, 9, 10, 12]
    assert set(body["learners"][0]) == {
        "learner_id", "year_group", "form_group", "cohort", "provider_access_needed", "provider_access_deadline",
    }  # fmt: skip


def test_a_bad_year_is_a_field_level_problem(client, key, world):
    response = _as(client, key, world, CAREERS_LEADER).get(
        f"/api/institutions/{world.school}/dashboard?year=2026-27"
    )

    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    assert "year" in response.json["errors"]


def test_refusals(client, key, world):
    other = f"/api/institutions/{world.other}/dashboard"
    assert _as(client, key, world, CAREERS_LEADER).get(other).status_code == 403
    unknown = "/api/institutions/6b0c7a52-3c1e-4b6f-9d55-0d7c1f7f3a10/dashboard"
    assert _as(client, key, world, "admin").get(unknown).status_code == 404
    assert _as(client, key, world, CAREERS_LEADER).get(unknown).status_code == 403  # nothing leaks
    assert (
        _as(client, key, world, HUB_LEAD).get(f"/api/institutions/{world.school}/worklist").status_code == 403
    )
    assert client.delete_cookie(TOKEN_COOKIE) is None
    assert client.get(f"/api/institutions/{world.school}/dashboard").status_code == 401


def test_the_page_shows_every_part(client, key, world):
    page = _as(client, key, world, CAREERS_LEADER).get(
        f"/institutions/{world.school}", headers={"Accept": "text/html"}
    )
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert "2 of 2 benchmarks achieved" in html
    assert "3 of 4 planned" in html
    assert re.search(r"50% \(2 of 4\)", html)  # Year 9's employer encounters
    assert "1 still needs" not in html and "4 still need" in html  # Year 9's first phase
    assert "28 February 2027" in html
    assert 'id="worklist-count">4<' in html
    assert f"/institutions/{world.school}/worklist" in html
    assert "How current this is" in html and "Activities and participation (planner)" in html


def test_a_governor_sees_the_dashboard_without_the_worklist(client, key, world):
    html = _as(client, key, world, GOVERNOR).get(f"/institutions/{world.school}").get_data(as_text=True)

    assert "2 of 2 benchmarks achieved" in html
    assert f"/institutions/{world.school}/worklist" not in html
    assert _as(client, key, world, GOVERNOR).get(f"/institutions/{world.school}/worklist").status_code == 403


def test_the_worklist_page_filters_by_year_group(client, key, world):
    page = _as(client, key, world, CAREERS_LEADER).get(f"/institutions/{world.school}/worklist?year_group=9")
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert world.year_9[2] in html and world.year_12[1] not in html
    assert "2 learners" in html


def test_the_home_page_lists_the_institutions_one_may_see(client, key, world):
    html = _as(client, key, world, HUB_LEAD).get("/", headers={"Accept": "text/html"}).get_data(as_text=True)

    assert "Riverside Academy" in html and "Hillcrest School" not in html


def test_each_learners_provider_access_phases(client, key, world):
    body = (
        _as(client, key, world, CAREERS_ADVISER)
        .get(f"/api/institutions/{world.school}/provider-access/learners")
        .json
    )

    learners = {row["learner_id"]: row for row in body["learners"]}
    first = learners[world.year_9[0]]["phases"][0]
    assert first == {
        "phase": "first", "opens": "2025-09-01", "deadline": "2027-02-28", "encounters": 1,
        "still_needed": 1, "status": "due",
    }  # fmt: skip
    assert learners[world.year_10[1]]["phases"][0]["status"] == "missed"
    assert len(learners) == 8


def test_the_provider_access_page_lists_who_still_needs_encounters_and_who_missed(client, key, world):
    signed_in = _as(client, key, world, CAREERS_LEADER)
    due = signed_in.get(f"/institutions/{world.school}/provider-access").get_data(as_text=True)
    missed = signed_in.get(f"/institutions/{world.school}/provider-access?show=missed").get_data(as_text=True)

    assert world.year_9[0] in due and "1 by 28 February 2027" in due
    assert "2 by 28 February 2028" in due  # Year 10's second phase
    assert world.year_10[1] in missed and world.year_9[0] not in missed


def test_a_year_without_a_plan_has_no_delivery(client, key, world):
    body = (
        _as(client, key, world, CAREERS_LEADER)
        .get(f"/api/institutions/{world.school}/dashboard?year=2024/25")
        .json
    )

    assert body["delivery"] is None and body["plan_years"] == ["2026/27"]
