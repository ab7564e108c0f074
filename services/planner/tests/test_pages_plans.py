"""Planner's plan pages through Flask's test client, on SQLite and PostgreSQL, signed in
with the identity cookie as a browser is (every form needs its CSRF token): this year's
plan made from the evaluation's gaps with its suggestions accepted, changed and
dismissed; the plan by term and by benchmark with planned and delivered counts; a copy
of last year's; the downloads; read-only people; the home page."""

from __future__ import annotations

import io
import re
import time

from authz_planner_clients import (  # noqa: F401  (person and school are fixtures)
    HUB,
    activity_fields,
    create_plan,
    date_fields,
    delivered_activity,
    learner_shown,
    new_activity,
    person,
    school,
)
from authz_planner_world import a_day_in, current_year
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import update

from waymark_planner import views
from waymark_planner.adapters.tables import plans


def test_a_careers_leader_plans_the_year_from_the_evaluations_gaps(person, school, runtime) -> None:
    leader = person("careers_leader", school["id"])
    page = leader.page(f"/institutions/{school['id']}/plans")
    assert "Create this year's plan" in page and "No plans yet" not in page
    assert "From the gaps in your latest evaluation" in page and "3 criteria not yet achieved" in page
    assert "A copy of last year's plan" not in page  # there is none
    plan_id = create_plan(
        leader,
        school,
        objectives="Every Year 9 learner meets an employer\nEvery Year 10 learner visits a workplace",
    )

    plan = leader.page(f"/plans/{plan_id}")
    assert f"Careers plan {current_year()}" in plan and "Riverside Academy" in plan
    assert "3 suggested activities from your evaluation to review" in plan
    assert "Every Year 9 learner meets an employer" in plan

    suggestions = leader.page(f"/plans/{plan_id}/suggestions")
    offered = views.plan_detail(runtime, plan_id)["suggestions"]
    assert [s["criterion_id"] for s in offered] == ["5.1", "6.1", "8.1"]
    for suggestion in offered:
        assert suggestion["title"] in suggestions
    first, second, third = offered

    answer = leader.post(
        f"/plans/{plan_id}/suggestions/{first['suggestion_id']}/accept",
        {},
        form_from=f"/plans/{plan_id}/suggestions",
    )
    assert answer.status_code == 302
    form = leader.page(f"/plans/{plan_id}/suggestions/{second['suggestion_id']}")
    assert f'value="{second["title"]}"' in form and "criterion 6.1" in form
    accepted = leader.post(
        f"/plans/{plan_id}/suggestions/{second['suggestion_id']}",
        activity_fields(
            title="Year 10 visit to Aire Engineering",
            activity_type="workplace_visit",
            benchmarks=["6"],
            criteria="6.1",
            year_groups=["10"],
            term="summer",
            provider_id=school["provider_id"],
        ),
    )
    assert accepted.status_code == 302, accepted.get_data(as_text=True)[:3000]
    activity_id = accepted.headers["Location"].rsplit("/", 1)[-1]
    shown = leader.page(f"/activities/{activity_id}")
    assert "Year 10 visit to Aire Engineering" in shown and "Aire Engineering Ltd" in shown
    answer = leader.post(
        f"/plans/{plan_id}/suggestions/{third['suggestion_id']}/dismiss",
        {"reason": "Our adviser already sees every Year 11"},
        form_from=f"/plans/{plan_id}/suggestions",
    )
    assert answer.status_code == 302

    decided = views.plan_detail(runtime, plan_id)["suggestions"]
    assert {s["criterion_id"]: s["status"] for s in decided} == {
        "5.1": "accepted",
        "6.1": "accepted",
        "8.1": "dismissed",
    }
    page = leader.page(f"/plans/{plan_id}/suggestions")
    assert "There are no suggestions left to decide" in page
    assert "Our adviser already sees every Year 11" in page and "Year 10 visit to Aire Engineering" in page
    plan = leader.page(f"/plans/{plan_id}")
    assert "suggested activit" not in plan
    assert re.search(r'id="counts">\s*2 planned, 0 delivered', plan)


def test_the_plan_shows_activities_by_term_and_by_benchmark_with_planned_and_delivered(
    person, school
) -> None:
    leader = person("careers_leader", school["id"])
    plan_id = create_plan(leader, school, origin="empty")
    year = current_year()
    talk = new_activity(leader, plan_id, title="Employer talk", term="autumn")
    new_activity(
        leader,
        plan_id,
        title="Careers fair",
        activity_type="careers_fair",
        benchmarks=["5", "7"],
        term="spring",
    )
    new_activity(
        leader,
        plan_id,
        title="Summer visit",
        activity_type="workplace_visit",
        benchmarks=["6"],
        criteria="6.1",
        term="summer",
    )
    answer = leader.post(
        f"/activities/{talk}/delivery",
        {**date_fields("delivered_on", a_day_in(year)), "form_groups": ["9K"]},
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[:3000]

    page = leader.page(f"/plans/{plan_id}")
    assert f'href="/plans/{plan_id}?view=benchmark#plan-views"' in page
    by_term = page.split('id="by-term"')[1]
    assert 'id="by-benchmark"' not in page
    autumn = by_term.split('id="term-autumn"')[1].split('id="term-spring"')[0]
    assert "Employer talk" in autumn and "1 planned, 1 delivered" in autumn and ">Delivered<" in autumn
    spring = by_term.split('id="term-spring"')[1].split('id="term-summer"')[0]
    assert "Careers fair" in spring and "1 planned, 0 delivered" in spring
    by_benchmark = leader.page(f"/plans/{plan_id}?view=benchmark").split('id="by-benchmark"')[1]
    five = by_benchmark.split('id="benchmark-5"')[1].split('id="benchmark-6"')[0]
    assert "Employer talk" in five and "Careers fair" in five and "2 planned, 1 delivered" in five
    seven = by_benchmark.split('id="benchmark-7"')[1].split('id="benchmark-8"')[0]
    assert "Careers fair" in seven and "Employer talk" not in seven
    assert re.search(r'id="counts">\s*3 planned, 1 delivered', page)
    assert "3 places in delivered activities" in page


def test_the_plan_and_the_log_download_as_real_word_and_excel_files(person, school) -> None:
    leader = person("careers_leader", school["id"])
    plan_id, _ = delivered_activity(leader, school)
    page = leader.page(f"/plans/{plan_id}")
    for kind, extension in (("plan", "docx"), ("plan", "xlsx"), ("log", "docx"), ("log", "xlsx")):
        url = f"/plans/{plan_id}/downloads/{kind}.{extension}"
        assert f'href="{url}"' in page
        answer = leader.get(url)
        assert answer.status_code == 200
        assert (
            f".{extension}" in answer.headers["Content-Disposition"]
            and "attachment" in answer.headers["Content-Disposition"]
        )
        content = io.BytesIO(answer.get_data())
        if extension == "docx":
            document = Document(content)
            text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
                cell.text for table in document.tables for row in table.rows for cell in row.cells
            )
        else:
            workbook = load_workbook(content)
            text = "\n".join(
                str(c.value)
                for sheet in workbook.worksheets
                for row in sheet.iter_rows()
                for c in row
                if c.value
            )
        assert "Year 9 engineering employer talk" in text, (kind, extension)


def test_a_copy_of_last_years_plan_and_a_second_plan_for_a_year(person, school, runtime) -> None:
    leader = person("careers_leader", school["id"])
    this_year = create_plan(leader, school, origin="empty", objectives="Meet employers")
    new_activity(leader, this_year, title="Annual careers fair", activity_type="careers_fair")
    page = leader.page(f"/institutions/{school['id']}/plans")
    assert "Create next year's plan" in page and "A copy of last year's plan" in page
    answer = leader.post(
        f"/institutions/{school['id']}/plans",
        {"academic_year": str(current_year().next()), "origin": "previous_year"},
    )
    assert answer.status_code == 302
    copied = views.plan_detail(runtime, answer.headers["Location"].rsplit("/", 1)[-1])
    assert [a["title"] for a in copied["activities"]] == ["Annual careers fair"]
    assert [o["text"] for o in copied["objectives"]] == ["Meet employers"]
    again = leader.post(
        f"/institutions/{school['id']}/plans", {"academic_year": str(current_year()), "origin": "empty"}
    )
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/plans/{this_year}")
    bad = leader.post(
        f"/institutions/{school['id']}/plans", {"academic_year": "1999/00", "origin": "sideways"}
    )
    assert bad.status_code == 422 and 'href="#academic_year"' in bad.get_data(as_text=True)


def test_a_form_without_its_csrf_token_is_refused(person, school, runtime) -> None:
    leader = person("careers_leader", school["id"])
    answer = leader.client.post(
        f"/institutions/{school['id']}/plans",
        data={"academic_year": str(current_year()), "origin": "empty"},
        headers={"Accept": "text/html"},
    )
    assert answer.status_code == 400
    assert views.plans_of(runtime, school["id"]) == []


def test_read_only_people_see_the_plan_but_no_buttons_and_cannot_post(person, school, runtime) -> None:
    leader = person("careers_leader", school["id"])
    plan_id, activity_id = delivered_activity(leader, school)
    governor = person("governor", school["id"], subject="governor-1")
    hub_lead = person("hub_lead", HUB, scope_type="hub", subject="hub-1")
    for reader in (governor, hub_lead):
        plan = reader.page(f"/plans/{plan_id}")
        assert "Year 9 engineering employer talk" in plan and "The plan (Word)" in plan
        assert "Add an activity" not in plan and "Change the objectives" not in plan
        page = reader.page(f"/activities/{activity_id}")
        assert "3 learners took part" in page
        assert "Evaluate the activity" not in page and "Correct who took part" not in page
        assert reader.get(f"/activities/{activity_id}/evaluation").status_code == 403
        answer = reader.client.post(
            f"/activities/{activity_id}/cancel", data={"reason": "x"}, headers={"Accept": "text/html"}
        )
        assert answer.status_code in (400, 403)  # no token to borrow: refused either way
        assert (
            reader.post(
                f"/institutions/{school['id']}/plans",
                {"academic_year": str(current_year().next()), "origin": "empty"},
                form_from=f"/plans/{plan_id}",
            ).status_code
            == 403
        )
    assert learner_shown(governor.page(f"/activities/{activity_id}"), school["9K"][0])
    hub_page = hub_lead.page(f"/activities/{activity_id}")
    assert (
        not learner_shown(hub_page, school["9K"][0])
        and "shown only to the institution's own staff" in hub_page
    )
    assert views.activity_detail(runtime, activity_id)["status"] == "delivered"
    assert len(views.plans_of(runtime, school["id"])) == 1
    stranger = person("careers_leader", "00000000-0000-4000-8000-000000000000", subject="other-1")
    assert stranger.get(f"/plans/{plan_id}").status_code == 404
    assert stranger.get(f"/institutions/{school['id']}/plans").status_code == 403


def test_home_lists_the_institutions_of_the_person_signed_in(person, school) -> None:
    page = person("careers_leader", school["id"]).page("/")
    assert f'href="/institutions/{school["id"]}/plans"' in page and "Riverside Academy" in page
    hub_page = person("hub_lead", HUB, scope_type="hub", subject="hub-1").page("/")
    assert f'href="/institutions/{school["id"]}/plans"' in hub_page


def test_the_plan_page_does_not_wait_for_a_write_in_progress(person, school, runtime) -> None:
    """A consumer or another user's command holding the database (SQLite's write lock)
    does not hold up someone reading their plan."""
    leader = person("careers_leader", school["id"])
    plan_id = create_plan(leader, school, objectives="Every Year 9 learner meets an employer")
    with runtime.engine.connect() as writer:
        writer.execute(
            update(plans).where(plans.c.plan_id == plan_id).values(academic_year=plans.c.academic_year)
        )
        started = time.monotonic()
        plan = leader.page(f"/plans/{plan_id}")
        waited = time.monotonic() - started
        writer.rollback()
    assert "Every Year 9 learner meets an employer" in plan
    assert waited < 5  # SQLite's busy handler waits up to 30 s for a lock
