"""Signed-in clients for planner's page tests, and the school they work on.

``Browser`` holds one person's identity cookie, as a browser does, and posts each form
with the CSRF token (and version) read from the page it came from. The school is built
from directory's and audit's events (``planner_world.World``): three form groups, a
listed provider and a completed evaluation with gaps."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from authz_planner_world import a_day_in, current_year

from waymark_shared.auth import Grant, Principal
from waymark_shared.auth.tokens import TOKEN_COOKIE, issue_token

HUB = "West Yorkshire Careers Hub"


GAPS = {"1.1": "achieved", "5.1": "not_started", "6.1": "in_progress", "8.1": "not_started"}


class Browser:
    """A test client holding one person's identity cookie, as a browser does."""

    def __init__(self, app: Any, key: Any, principal: Principal):
        self.client = app.test_client()
        self.client.set_cookie(TOKEN_COOKIE, issue_token(principal, key))

    def get(self, url: str):  # type: ignore[no-untyped-def]
        return self.client.get(url, headers={"Accept": "text/html"})

    def page(self, url: str) -> str:
        answer = self.get(url)
        assert answer.status_code == 200, (url, answer.status_code)
        return html.unescape(answer.get_data(as_text=True))

    def post(self, url: str, data: dict | list, *, form_from: str | None = None):  # type: ignore[no-untyped-def]
        page = self.get(form_from or url).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        fields = list(data.items()) if isinstance(data, dict) else list(data)
        version = re.search(r'name="version" value="([^"]*)"', page)
        if version and not any(name == "version" for name, _ in fields):
            fields.append(("version", version.group(1)))
        fields.append(("csrf_token", token))
        return self.client.post(url, data=multi(fields), headers={"Accept": "text/html"})


def multi(fields: list[tuple[str, Any]]):  # type: ignore[no-untyped-def]
    from werkzeug.datastructures import MultiDict

    flat = []
    for name, value in fields:
        for one in value if isinstance(value, list | tuple) else [value]:
            flat.append((name, str(one)))
    return MultiDict(flat)


@pytest.fixture
def school(world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    institution_id = world.institution("Riverside Academy", careers_hub=HUB, trust="Aire Trust")
    nine_k = world.learners(institution_id, 9, 3, form_group="9K")
    nine_l = world.learners(institution_id, 9, 2, form_group="9L")
    ten_b = world.learners(institution_id, 10, 2, form_group="10B")
    world.completed(institution_id, GAPS)
    provider_id = world.provider("Aire Engineering Ltd")
    return {"id": institution_id, "9K": nine_k, "9L": nine_l, "10B": ten_b, "provider_id": provider_id}


@pytest.fixture
def person(app, key):  # type: ignore[no-untyped-def]
    def make(role: str, scope_id: str, scope_type: str = "institution", subject: str = "staff-1") -> Browser:
        grant = Grant(role, scope_type, scope_id)
        return Browser(app, key, Principal(subject, "person", "Pat Jones", grants=(grant,)))

    return make


def create_plan(browser: Browser, school: dict, origin: str = "evaluation", objectives: str = "") -> str:
    answer = browser.post(
        f"/institutions/{school['id']}/plans",
        {"academic_year": str(current_year()), "origin": origin, "objectives": objectives},
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    return answer.headers["Location"].rsplit("/", 1)[-1]


def date_fields(name: str, day) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


def activity_fields(**changes: Any) -> dict[str, Any]:
    fields = {
        "title": "Year 9 engineering employer talk",
        "activity_type": "employer_talk",
        "benchmarks": ["5"],
        "criteria": "5.1",
        "year_groups": ["9"],
        "term": "spring",
        "delivery": "in_person",
    }
    fields.update(changes)
    return fields


def new_activity(browser: Browser, plan_id: str, **changes: Any) -> str:
    answer = browser.post(f"/plans/{plan_id}/activities/new", activity_fields(**changes))
    assert answer.status_code == 302, answer.get_data(as_text=True)[:3000]
    return answer.headers["Location"].rsplit("/", 1)[-1]


def form_of(page: str) -> list[tuple[str, str]]:
    """What a browser would send of the form on ``page`` as it stands (the inputs' values,
    the checked boxes, the selected options)."""
    fields: list[tuple[str, str]] = []
    form = page.rsplit('<form method="post"', maxsplit=1)[-1].split("</form>", maxsplit=1)[0]
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name or name.group(1) == "csrf_token":
            continue
        if kind and kind.group(1) in ("checkbox", "radio") and " checked" not in tag:
            continue
        fields.append((name.group(1), value.group(1) if value else ""))
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        fields.append((name, chosen.group(1) if chosen else ""))
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        fields.append((name, body.strip()))
    return fields


def changed(fields: list[tuple[str, str]], changes: dict[str, str]) -> list[tuple[str, str]]:
    return [(k, v) for k, v in fields if k not in changes] + list(changes.items())


def delivered_activity(leader: Browser, school: dict) -> tuple[str, str]:
    plan_id = create_plan(leader, school, origin="empty", objectives="Every Year 9 learner meets an employer")
    activity_id = new_activity(leader, plan_id)
    answer = leader.post(
        f"/activities/{activity_id}/delivery",
        {**date_fields("delivered_on", a_day_in(current_year())), "form_groups": "9K"},
    )
    assert answer.status_code == 302
    return plan_id, activity_id


def learner_shown(page: str, learner_id: str) -> bool:
    return learner_id.replace("-", "")[:8] in page
