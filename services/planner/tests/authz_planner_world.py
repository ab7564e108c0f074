"""Two institutions' careers plans, for the authorisation matrix and the pages' and
API's tests: who is asking, and how each principal signs in.

Institution A ("own") and B ("other") each have a roster, a completed evaluation with
gaps, a plan made from it with one suggestion still offered, one accepted (a planned
activity) and a delivered activity with learners who took part. Everything arrives as
in production: directory's and audit's events delivered to planner's subscriptions
(``planner_world.World``), then planner's own commands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_wtf.csrf import generate_csrf
from planner_world import World as Events

from waymark_planner.domain.academic_year import AcademicYear
from waymark_planner.service_layer import activities, participation, plans
from waymark_planner.service_layer import suggestions as answers
from waymark_shared.auth import (
    ADMIN,
    API_CLIENT,
    CAREERS_ADVISER,
    CAREERS_LEADER,
    GOVERNOR,
    HUB_LEAD,
    PROVIDER_EDITOR,
    SENIOR_LEADER,
    TRUST_LEAD,
    Grant,
    Principal,
)
from waymark_shared.auth.tokens import TOKEN_COOKIE, SigningKey, issue_token

API_READER, API_WRITER, STRANGER = "api_client_read", "api_client_write", "stranger"
PRINCIPALS = (
    "anonymous",
    CAREERS_LEADER,
    CAREERS_ADVISER,
    SENIOR_LEADER,
    GOVERNOR,
    HUB_LEAD,
    TRUST_LEAD,
    ADMIN,
    API_READER,
    API_WRITER,
    PROVIDER_EDITOR,
    STRANGER,
)
HUBS = ("West Yorkshire Careers Hub", "Greater Manchester Careers Hub")
TRUSTS = ("Aire Trust", "Irwell Trust")
GAPS = {"1.1": "achieved", "5.1": "not_started", "6.1": "in_progress", "8.1": "not_started"}


@dataclass
class Tenant:
    institution_id: str
    plan_id: str = ""
    suggestion_id: str = ""  # still offered
    activity_id: str = ""  # planned
    delivered_id: str = ""  # delivered, with learners
    learner_ids: list[str] = field(default_factory=list)


@dataclass
class PlannerWorld:
    own: Tenant
    other: Tenant
    provider_id: str
    year: AcademicYear

    def ids(self, which: str) -> dict[str, str]:
        tenant = self.own if which == "own" else self.other
        return {
            "institution_id": tenant.institution_id,
            "plan_id": tenant.plan_id,
            "suggestion_id": tenant.suggestion_id,
            "activity_id": tenant.activity_id,
        }


def current_year() -> AcademicYear:
    return AcademicYear.from_date(date.today())


def a_day_in(year: AcademicYear) -> date:
    """A school day of ``year`` already past (so it can have been delivered), or its first."""
    return date.today() if year.contains(date.today()) else year.starts


def tenant(events: Events, runtime: Any, number: int, year: AcademicYear) -> Tenant:
    institution_id = events.institution(
        f"Academy {number}", careers_hub=HUBS[number - 1], trust=TRUSTS[number - 1]
    )
    found = Tenant(institution_id)
    found.learner_ids = events.learners(institution_id, 9, 3, form_group="9K") + events.learners(
        institution_id, 10, 2, form_group="10B"
    )
    events.completed(institution_id, GAPS)
    found.plan_id = plans.create_plan(
        runtime,
        institution_id,
        str(year),
        origin="evaluation",
        objectives=["Every learner meets an employer"],
    )
    offered = plans_offered(runtime, found.plan_id)
    found.activity_id = answers.accept_suggestion(runtime, found.plan_id, offered[0], None)
    found.suggestion_id = offered[1]
    found.delivered_id = activities.plan_activity(
        runtime,
        found.plan_id,
        {
            "title": "Year 9 employer talk",
            "activity_type": "employer_talk",
            "benchmarks": [5],
            "term": "autumn",
        },
    )
    participation.log_activity(runtime, found.delivered_id, a_day_in(year), form_groups=["9K"])
    return found


def plans_offered(runtime: Any, plan_id: str) -> list[str]:
    from sqlalchemy import select

    from waymark_planner.adapters.tables import suggestions

    with runtime.engine.connect() as conn:
        return list(
            conn.execute(
                select(suggestions.c.suggestion_id)
                .where(suggestions.c.plan_id == plan_id, suggestions.c.status == "offered")
                .order_by(suggestions.c.position)
            ).scalars()
        )


def build_world(events: Events, runtime: Any) -> PlannerWorld:
    year = current_year()
    own = tenant(events, runtime, 1, year)
    other = tenant(events, runtime, 2, year)
    return PlannerWorld(own, other, events.provider("Aire Engineering Ltd"), year)


def principal(name: str, world: PlannerWorld) -> Principal | None:
    """Who ``name`` is, over institution A (the "own" tenant)."""
    own = world.own.institution_id
    people = {
        CAREERS_LEADER: Grant(CAREERS_LEADER, "institution", own),
        CAREERS_ADVISER: Grant(CAREERS_ADVISER, "institution", own),
        SENIOR_LEADER: Grant(SENIOR_LEADER, "institution", own),
        GOVERNOR: Grant(GOVERNOR, "institution", own),
        HUB_LEAD: Grant(HUB_LEAD, "hub", HUBS[0]),
        TRUST_LEAD: Grant(TRUST_LEAD, "trust", TRUSTS[0]),
        ADMIN: Grant(ADMIN, "platform"),
        PROVIDER_EDITOR: Grant(PROVIDER_EDITOR, "provider", world.provider_id),
        STRANGER: Grant(CAREERS_LEADER, "institution", "00000000-0000-4000-8000-000000000000"),
    }
    if name in people:
        return Principal(f"{name}-1", "person", f"A {name.replace('_', ' ')}", grants=(people[name],))
    if name in (API_READER, API_WRITER):
        scope = "planner:read" if name == API_READER else "planner:write"
        return Principal(
            f"{name}-1",
            "client",
            "MIS",
            grants=(Grant(API_CLIENT, "institution", own),),
            scopes=frozenset({scope}),
        )
    assert name == "anonymous", name
    return None


def sign_in(client: Any, world: PlannerWorld, name: str, key: SigningKey) -> None:
    """People by the identity cookie, as a browser is; API clients by a bearer token."""
    who = principal(name, world)
    if who is None:
        return
    token = issue_token(who, key)
    if who.kind == "client":
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    else:
        client.set_cookie(TOKEN_COOKIE, token)


def csrf_for(app: Any, client: Any) -> str:
    """A CSRF token valid for ``client``'s session (as a page's form would carry)."""
    with app.test_request_context():
        from flask import session

        token = generate_csrf()
        raw = session["csrf_token"]
    with client.session_transaction() as stored:
        stored["csrf_token"] = raw
    return token
