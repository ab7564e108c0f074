"""Roll-ups through their view, JSON API and pages, on SQLite and PostgreSQL: a Careers
Hub, a trust, a local authority, a region and the nation added up from institution
summaries; shares of fewer than five learners suppressed; no learner id anywhere;
refreshed on read; and the refusals and bad input people would hit."""

from __future__ import annotations

import re

import pytest
from flask import url_for
from reporting_world import HUB_NAME, NOW, TRUST_NAME, build, principal

from waymark_reporting.entrypoints.rollup_schemas import RollupResponse
from waymark_reporting.service import DEFINITION
from waymark_reporting.views import rollups
from waymark_reporting.views.rollups import HUB, NATION, Scope, rollup
from waymark_reporting.views.summaries import refresh_summaries
from waymark_shared.auth import ADMIN, HUB_LEAD
from waymark_shared.auth.tokens import TOKEN_COOKIE, issue_token
from waymark_shared.maintenance import run_to_the_end

LEEDS = {
    "region": "Yorkshire and the Humber",
    "local_authority": "Leeds",
    "local_authority_code": "E08000035",
}
NEWCASTLE = {
    "region": "North East",
    "local_authority": "Newcastle upon Tyne",
    "local_authority_code": "E08000021",
}


@pytest.fixture
def world(deliver, directory_log, audit_log, planner_log):  # type: ignore[no-untyped-def]
    """Riverside (in the hub and the trust, Leeds) and, beside it in the hub and Leeds,
    Brook Lane with six Year 9s, three of whom met an employer this year; Hillcrest in
    another hub, in Newcastle; and a closed school in the hub."""
    world = build(deliver, directory_log, audit_log, planner_log)
    directory_log.updated(world.school, **LEEDS)
    directory_log.updated(world.other, **NEWCASTLE)
    world.brook = directory_log.registered("Brook Lane School", careers_hub=HUB_NAME, **LEEDS)
    world.brook_9 = [directory_log.enrolled(world.brook, 9) for _ in range(6)]
    world.closed = directory_log.registered("Old Mill School", careers_hub=HUB_NAME, **LEEDS)
    directory_log.closed(world.closed)
    audit_log.completed(world.brook, {"5.1": "achieved"}, completed_at="2026-11-01T10:00:00Z")
    plan = planner_log.plan(world.brook, "2026/27")
    talk = planner_log.activity(plan, "employer_talk", benchmarks=(5,), year_groups=(9,))
    planner_log.logged(talk, world.brook_9[:3], delivered_on="2026-10-10")
    deliver(directory_log, audit_log, planner_log)
    return world


def _learner_ids(world) -> set[str]:  # type: ignore[no-untyped-def]
    return {*world.year_9, *world.year_10, *world.year_12, *world.brook_9}


def test_a_hub_rollup_adds_up_its_open_institutions(runtime, world):
    model = rollup(runtime, Scope(HUB, HUB_NAME), now=NOW)

    assert model["summaries"] == {"institutions": 3, "being_updated": 0, "refreshed_now": 3}
    assert model["institutions"]["open"] == 2 and model["institutions"]["closed"] == 1
    assert model["learners"] == 14
    year_9 = next(row for row in model["evidence"]["by_year_group"] if row["year_group"] == 9)
    assert year_9["learners"] == 10
    assert year_9["measures"]["employer_this_year"] == {"percentage": 50, "suppressed": False}  # 2 + 3 of 10
    assert year_9["measures"]["guidance_by_18"] is None  # does not apply to Year 9
    year_12 = next(row for row in model["evidence"]["by_year_group"] if row["year_group"] == 12)
    assert year_12["learners"] is None  # two learners: not said
    assert year_12["measures"]["guidance_by_18"] == {"percentage": None, "suppressed": True}
    marks = model["benchmarks"]
    assert (marks["evaluated"], marks["average_achieved"]) == (2, 1.5)  # 2 and 1 benchmarks achieved
    assert marks["benchmarks"][4]["share"]["percentage"] == 100  # both achieve BM5
    assert {row["achieved"]: row["institutions"] for row in marks["distribution"] if row["institutions"]} == {
        1: 1,
        2: 1,
    }
    assert (model["delivery"]["planned"], model["delivery"]["delivered"], model["delivery"]["cancelled"]) == (
        5, 4, 1,
    )  # fmt: skip
    rows = model["breakdown"]["rows"]
    assert model["breakdown"]["level"] == "institution"
    assert [row["name"] for row in rows] == ["Brook Lane School", "Riverside Academy"]
    assert rows[0]["employer_this_year"] == {"percentage": 50, "suppressed": False}


def test_the_nation_breaks_down_by_region_and_a_region_by_local_authority(runtime, world):
    nation = rollup(runtime, Scope(NATION), now=NOW)
    assert nation["institutions"]["open"] == 3
    assert [(r["name"], r["institutions"]) for r in nation["breakdown"]["rows"]] == [
        ("North East", 1),
        ("Yorkshire and the Humber", 2),
    ]
    region = rollup(runtime, Scope(rollups.REGION, LEEDS["region"]), now=NOW)
    assert [(r["name"], r["code"]) for r in region["breakdown"]["rows"]] == [("Leeds", "E08000035")]
    leeds = rollup(runtime, Scope(rollups.LOCAL_AUTHORITY, "E08000035"), now=NOW)
    assert leeds["scope"]["name"] == "Leeds" and leeds["breakdown"]["level"] == "institution"
    assert rollup(runtime, Scope(HUB, "No Such Hub"), now=NOW) is None


def test_new_events_are_in_the_next_read_and_many_stale_are_said(
    runtime, world, deliver, directory_log, monkeypatch
):
    rollup(runtime, Scope(HUB, HUB_NAME), now=NOW)
    directory_log.enrolled(world.brook, 9)
    deliver(directory_log)
    again = rollup(runtime, Scope(HUB, HUB_NAME), now=NOW)
    assert (again["summaries"]["refreshed_now"], again["learners"]) == (1, 15)

    directory_log.enrolled(world.brook, 9)
    deliver(directory_log)
    monkeypatch.setattr(rollups, "REFRESH_IN_READ", 0)
    stale = rollup(runtime, Scope(HUB, HUB_NAME), now=NOW)
    assert stale["summaries"]["being_updated"] == 1
    assert stale["learners"] == 15  # the figures there were
    refresh_summaries(runtime)
    assert rollup(runtime, Scope(HUB, HUB_NAME), now=NOW)["learners"] == 16


# -- through the API and the pages ----------------------------------------------------------

SCOPES = {
    "nation": "nation",
    "region": f"regions/{LEEDS['region']}",
    "local_authority": "local-authorities/E08000035",
    "hub": f"hubs/{HUB_NAME}",
    "trust": f"trusts/{TRUST_NAME}",
}
WHO = ("anonymous", "careers_leader", "governor", "hub_lead", "other_hub_lead", "trust_lead",
       "other_trust_lead", ADMIN, "api_client", "share_link")  # fmt: skip
ALLOWED = {ADMIN: set(SCOPES), "hub_lead": {"hub"}, "trust_lead": {"trust"}}


@pytest.fixture
def client(app, runtime):  # type: ignore[no-untyped-def]
    runtime.extras["clock"] = lambda: NOW
    return app.test_client()


def _as(app, key, world, who: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    found = principal(who.removeprefix("other_"), world, other=who.startswith("other_"))
    if found is not None:
        client.set_cookie(TOKEN_COOKIE, issue_token(found, key))
    return client


def test_who_reads_which_rollup(app, runtime, key, world):
    runtime.extras["clock"] = lambda: NOW
    learners = _learner_ids(world)
    wrong = []
    for who in WHO:
        client = _as(app, key, world, who)
        for scope, path in SCOPES.items():
            for url, accept in (
                (f"/api/rollups/{path}", "application/json"),
                (f"/rollups/{path}", "text/html"),
            ):
                response = client.get(url, headers={"Accept": accept})
                allowed = scope in ALLOWED.get(who, set())
                got = response.status_code
                if allowed and got != 200 or not allowed and got not in (401, 403, 302):
                    wrong.append(f"{who} {url}: {got}")
                if got == 200:
                    text = response.get_data(as_text=True)
                    assert not learners & set(re.findall(r"[0-9a-f-]{36}", text)), url
    assert wrong == []


def test_a_hub_lead_sees_their_hub_on_the_page_with_its_institutions(app, key, world, client):
    client.set_cookie(TOKEN_COOKIE, issue_token(principal(HUB_LEAD, world), key))
    home = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert f"/rollups/hubs/{HUB_NAME.replace(' ', '%20')}" in home
    page = client.get(f"/rollups/hubs/{HUB_NAME}").get_data(as_text=True)
    assert "careers roll-up" in page and "Brook Lane School" in page
    assert f"/institutions/{world.brook}" in page  # down to the institution's dashboard
    assert "fewer than 5" in page
    assert "Old Mill School" not in page  # closed


def test_an_administrator_follows_the_hierarchy_down(app, key, world, client):
    client.set_cookie(TOKEN_COOKIE, issue_token(principal(ADMIN, world), key))
    nation = client.get("/rollups/nation").get_data(as_text=True)
    assert "/rollups/regions/Yorkshire%20and%20the%20Humber" in nation
    region = client.get("/rollups/regions/Yorkshire and the Humber").get_data(as_text=True)
    assert "/rollups/local-authorities/E08000035" in region
    assert "Riverside Academy" in client.get("/rollups/local-authorities/E08000035").get_data(as_text=True)


def test_bad_input_is_a_problem_not_a_failure(app, key, world, client):
    client.set_cookie(TOKEN_COOKIE, issue_token(principal(ADMIN, world), key))
    bad = client.get("/api/rollups/nation?year=2026-27")
    assert bad.status_code == 400 and bad.mimetype == "application/problem+json"
    assert "year" in bad.json["errors"]
    assert client.get("/api/rollups/nation?year=2026/28").status_code == 400
    assert client.get("/api/rollups/nation?year=2026/27%0A").status_code == 400  # whole strings only
    unknown = client.get("/api/rollups/hubs/No Such Hub")
    assert unknown.status_code == 404 and unknown.mimetype == "application/problem+json"
    assert client.get("/rollups/hubs/No Such Hub").status_code == 404
    page = client.get("/rollups/nation?year=next")
    assert page.status_code == 200 and "There is a problem" in page.get_data(as_text=True)
    chosen = client.get("/api/rollups/nation?year=2025/26").json
    assert (chosen["academic_year"], chosen["delivery"]["planned"]) == ("2025/26", 0)


def test_a_trust_whose_name_has_a_slash_has_a_rollup_at_its_url(
    app, key, world, client, deliver, directory_log
):
    directory_log.registered("Slash Academy", trust="North/South Trust")
    deliver(directory_log)
    client.set_cookie(TOKEN_COOKIE, issue_token(principal(ADMIN, world), key))
    with app.test_request_context():
        path = url_for("reporting_rollups_api.trust", name="North/South Trust")
    found = client.get(path)
    assert found.status_code == 200 and found.json["institutions"]["open"] == 1


def test_a_lead_of_another_hub_gets_the_same_refusal_for_a_real_and_an_unknown_hub(app, key, world):
    client = _as(app, key, world, "other_hub_lead")
    known = client.get(f"/api/rollups/hubs/{HUB_NAME}")
    unknown = client.get("/api/rollups/hubs/No Such Hub")
    assert (known.status_code, unknown.status_code) == (403, 403)
    assert known.json["detail"] == unknown.json["detail"]


def test_every_rollup_response_is_exactly_its_documented_schema(app, key, world, client):
    client.set_cookie(TOKEN_COOKIE, issue_token(principal(ADMIN, world), key))
    for path in SCOPES.values():
        body = client.get(f"/api/rollups/{path}").json
        assert RollupResponse().dump(body) == body, path


def test_with_many_stale_the_page_says_so_until_the_maintenance_job_catches_up(
    app, key, world, client, runtime, monkeypatch
):
    monkeypatch.setattr(rollups, "REFRESH_IN_READ", 0)  # every stale summary is "many"
    client.set_cookie(TOKEN_COOKIE, issue_token(principal(ADMIN, world), key))
    page = client.get("/rollups/nation").get_data(as_text=True)
    assert "Figures for 4 institutions are being brought up to date" in page
    (job,) = DEFINITION.maintenance  # what ``waymark consume reporting`` runs
    assert run_to_the_end(job, runtime) == 4
    assert client.get("/api/rollups/nation").json["summaries"]["being_updated"] == 0
    assert client.get("/api/rollups/nation").json["learners"] == 15  # with Hillcrest
