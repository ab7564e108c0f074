"""Destinations' pages through Flask's test client, on SQLite and PostgreSQL, signed in
with the identity cookie as a browser is (so every form needs its CSRF token): the
cohort view for a governor (aggregates, no learner), the worklist, a learner's page,
recording a destination, a refusal re-shown at the field with nothing written, the
judgement refused before its period and accepted after, consent, and an import."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from destinations_world import World, at

from waymark_destinations.service_layer.clock import stand_on
from waymark_destinations.service_layer.recording import stream_id
from waymark_shared.auth import CAREERS_LEADER, GOVERNOR, Principal
from waymark_shared.auth.tokens import TOKEN_COOKIE, issue_token


class Browser:
    def __init__(self, app, key, *grants):  # type: ignore[no-untyped-def]
        self.client = app.test_client()
        self.client.set_cookie(TOKEN_COOKIE, issue_token(Principal("person-1", grants=tuple(grants)), key))

    def get(self, url: str):  # type: ignore[no-untyped-def]
        return self.client.get(url, headers={"Accept": "text/html"})

    def post(self, url: str, data: dict, **kwargs):  # type: ignore[no-untyped-def]
        page = self.get(url).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token, page[:500]
        return self.client.post(url, data={"csrf_token": token.group(1), **data}, headers={"Accept": "text/html"},
                                **kwargs)  # fmt: skip


@pytest.fixture
def world(runtime, directory_log):  # type: ignore[no-untyped-def]
    return World(runtime, directory_log)


@pytest.fixture
def setting(world):  # type: ignore[no-untyped-def]
    school = world.school("Riverside Academy")
    leaver = world.leaver(school)
    world.deliver()
    return school, leaver


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_a_governor_sees_the_cohorts_and_no_learner(app, runtime, setting, key) -> None:  # type: ignore[no-untyped-def]
    school, leaver = setting
    governor = Browser(app, key, at(GOVERNOR, school))
    home = _text(governor.get("/"))
    assert f'href="/institutions/{school}"' in home and "Riverside Academy" in home
    response = governor.get(f"/institutions/{school}")
    assert response.status_code == 200
    text = _text(response)
    assert "Leaving cohorts: Key Stage 4" in text and "Left in 2025/26" in text
    assert "Further education college or other FE provider" in text
    assert "Worklist" not in text and leaver not in text
    assert governor.get(f"/institutions/{school}/worklist").status_code == 403
    assert governor.get(f"/learners/{leaver}").status_code == 404


def test_a_careers_leader_records_a_destination_and_sees_it(app, runtime, setting, key) -> None:  # type: ignore[no-untyped-def]
    school, leaver = setting
    leader = Browser(app, key, at(CAREERS_LEADER, school))
    worklist = _text(leader.get(f"/institutions/{school}/worklist"))
    assert leaver[:8] in worklist and "No destination recorded since leaving on 17 July 2026" in worklist
    consent = leader.post(f"/learners/{leaver}/consent", {"consent": "given", "given_by": "learner",
                          "consent_date-day": "10", "consent_date-month": "7", "consent_date-year": "2026"})  # fmt: skip
    assert consent.status_code == 303
    form = {"leaving_point": "ks4", "category": "sixth_form_college", "start_date-day": "4",
            "start_date-month": "9", "start_date-year": "2026", "source": "learner",
            "september_guarantee": "offer_made", "provider": "Notre Dame Sixth Form College"}  # fmt: skip
    response = leader.post(f"/learners/{leaver}/destination?leaving_point=ks4", form)
    assert response.status_code == 303
    page = _text(leader.get(f"/learners/{leaver}"))
    assert "The destination has been recorded" in page
    assert "Sixth-form college" in page and "Notre Dame Sixth Form College" in page
    assert "can be judged from 1 April 2027" in page


def test_a_refusal_is_shown_at_the_field_and_nothing_is_written(app, runtime, setting, key) -> None:  # type: ignore[no-untyped-def]
    school, leaver = setting
    leader = Browser(app, key, at(CAREERS_LEADER, school))
    form = {"leaving_point": "ks4", "category": "fe_college", "start_date-day": "1", "start_date-month": "6",
            "start_date-year": "2026", "source": "local_authority"}  # fmt: skip
    response = leader.post(f"/learners/{leaver}/destination?leaving_point=ks4", form)
    assert response.status_code == 422
    text = _text(response)
    assert "There is a problem" in text and "The start date is before the learner left" in text
    assert 'href="#start_date"' in text
    future = leader.post(f"/learners/{leaver}/destination?leaving_point=ks4",
                         {**form, "start_date-month": "9", "evidence_date-day": "1", "evidence_date-month": "1",
                          "evidence_date-year": "2027"})  # fmt: skip
    assert future.status_code == 422 and "The date of the evidence cannot be in the future" in _text(future)
    blank = leader.post(f"/learners/{leaver}/destination?leaving_point=ks4", {"leaving_point": "ks4"})
    assert blank.status_code == 422 and "Choose the destination." in _text(blank)
    assert runtime.store.read_stream(stream_id(leaver)) == []


def test_a_judgement_waits_for_the_period(app, runtime, setting, key) -> None:  # type: ignore[no-untyped-def]
    school, leaver = setting
    leader = Browser(app, key, at(CAREERS_LEADER, school))
    form = {"leaving_point": "ks4", "category": "fe_college", "start_date-day": "7", "start_date-month": "9",
            "start_date-year": "2026", "source": "local_authority"}  # fmt: skip
    assert leader.post(f"/learners/{leaver}/destination?leaving_point=ks4", form).status_code == 303
    judgement = {"leaving_point": "ks4", "outcome": "sustained", "source": "local_authority"}
    early = leader.post(f"/learners/{leaver}/judgement?leaving_point=ks4", judgement)
    assert early.status_code == 409 and "can be judged from 1 April 2027" in _text(early)
    stand_on(runtime, date(2027, 4, 2))
    assert leader.post(f"/learners/{leaver}/judgement?leaving_point=ks4", judgement).status_code == 303
    assert "Sustained" in _text(leader.get(f"/learners/{leaver}"))
    cohorts = _text(leader.get(f"/institutions/{school}"))
    assert "100.0%" in cohorts  # the one leaver, sustained


def test_an_import_through_the_page(app, runtime, setting, key) -> None:  # type: ignore[no-untyped-def]
    school, leaver = setting
    leader = Browser(app, key, at(CAREERS_LEADER, school))
    text = ("learner_id,leaving_point,category,provider,start_date,source\n"
            f"{leaver},ks4,employment,,2026-09-01,local_authority\n"
            "nobody,ks4,employment,,2026-09-01,local_authority\n")  # fmt: skip
    refused = leader.post(f"/institutions/{school}/import",
                          {"file": (io.BytesIO(text.encode()), "d.csv"), "valid_rows_only": "no"},
                          content_type="multipart/form-data")  # fmt: skip
    assert refused.status_code == 422
    assert "1 of 2 rows have errors, so nothing was imported" in _text(refused)
    assert runtime.store.read_stream(stream_id(leaver)) == []
    done = leader.post(f"/institutions/{school}/import",
                       {"file": (io.BytesIO(text.encode()), "d.csv"), "valid_rows_only": "yes"},
                       content_type="multipart/form-data")  # fmt: skip
    assert done.status_code == 200 and "they were left out" in _text(done)
    assert [e.name for e in runtime.store.read_stream(stream_id(leaver))] == ["DestinationRecorded"]


def test_an_intended_destination_for_a_year_11(app, runtime, world, key) -> None:  # type: ignore[no-untyped-def]
    school = world.school("Riverside Academy")
    year_11 = world.learner(school, "2026/27")
    world.deliver()
    leader = Browser(app, key, at(CAREERS_LEADER, school))
    assert "Record an intended destination" in _text(leader.get(f"/learners/{year_11}"))
    form = {"leaving_point": "ks4", "category": "apprenticeship_advanced", "source": "learner"}
    assert leader.post(f"/learners/{year_11}/intended?leaving_point=ks4", form).status_code == 303
    page = _text(leader.get(f"/learners/{year_11}"))
    assert "Intends: Apprenticeship: advanced (Level 3)" in page
    worklist = _text(leader.get(f"/institutions/{school}/worklist"))
    assert year_11[:8] not in worklist  # no longer missing an intention


def test_the_export_link_downloads_the_csv(app, runtime, setting, key) -> None:  # type: ignore[no-untyped-def]
    school, leaver = setting
    leader = Browser(app, key, at(CAREERS_LEADER, school))
    page = leader.get(f"/institutions/{school}").get_data(as_text=True)
    link = re.search(r'href="([^"]*/destinations/export[^"]*)"', page)
    assert link, "the careers leader's cohort page links to the export"
    response = leader.client.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert leaver in response.get_data(as_text=True)
