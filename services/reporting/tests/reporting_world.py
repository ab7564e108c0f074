"""A small world for reporting's dashboard tests: Riverside Academy (in a Careers Hub and
a trust) with learners in Years 9, 10 and 12, two completed evaluations, a plan for
2026/27 with delivered, planned and cancelled activities, a Provider Access encounter
and ratings; and Hillcrest School, elsewhere. Today is 1 December 2026.

Named ``reporting_world`` so it does not collide with other services' test helpers on
pytest's path."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from waymark_shared.auth import (
    ADMIN,
    API_CLIENT,
    CAREERS_ADVISER,
    CAREERS_LEADER,
    GOVERNOR,
    HUB_LEAD,
    SENIOR_LEADER,
    TRUST_LEAD,
    Grant,
    Principal,
)
from waymark_shared.auth.principal import (
    CLIENT,
    HUB,
    INSTITUTION,
    OFSTED_PACK_SCOPE,
    OFSTED_VIEWER,
    PLATFORM,
    SHARE_LINK,
    TRUST,
)

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
HUB_NAME = "Aire Valley Careers Hub"
TRUST_NAME = "Aire Valley Learning Trust"


@dataclass
class World:
    school: str = ""
    other: str = ""
    year_9: list[str] = field(default_factory=list)
    year_10: list[str] = field(default_factory=list)
    year_12: list[str] = field(default_factory=list)
    activities: dict[str, str] = field(default_factory=dict)


def build(deliver, directory_log, audit_log, planner_log) -> World:  # type: ignore[no-untyped-def]
    world = World()
    world.school = directory_log.registered("Riverside Academy", careers_hub=HUB_NAME, trust=TRUST_NAME)
    world.other = directory_log.registered(
        "Hillcrest School", careers_hub="Another Hub", trust="Another Trust"
    )
    world.year_9 = [
        directory_log.enrolled(world.school, 9, form_group="9A" if i < 2 else "9B") for i in range(4)
    ]
    world.year_10 = [directory_log.enrolled(world.school, 10) for _ in range(2)]
    world.year_12 = [directory_log.enrolled(world.school, 12) for _ in range(2)]
    directory_log.enrolled(world.other, 9)
    audit_log.completed(
        world.school, {"5.1": "in_progress", "8.1": "achieved"}, completed_at="2026-03-20T10:00:00Z"
    )
    audit_log.completed(
        world.school, {"5.1": "achieved", "8.1": "achieved"}, completed_at="2026-11-20T10:00:00Z"
    )
    plan = planner_log.plan(world.school, "2026/27")
    talk = planner_log.activity(plan, "employer_talk", title="Engineers in school", benchmarks=(5,))
    planner_log.logged(talk, world.year_9[:2], delivered_on="2026-10-01")
    planner_log.evaluated(talk, {"learners": (4, 10), "staff": (5, 2)})
    encounter = planner_log.activity(
        plan, "provider_encounter", title="Apprenticeships assembly", benchmarks=(7,),
        year_groups=(9, 10), provider_access=True,
    )  # fmt: skip
    planner_log.logged(encounter, [world.year_9[0], world.year_10[0]], delivered_on="2026-11-05")
    guidance = planner_log.activity(plan, "guidance_meeting", benchmarks=(8,), year_groups=(12,))
    planner_log.logged(guidance, [world.year_12[0]], delivered_on="2026-11-12")
    fair = planner_log.activity(plan, "careers_fair", benchmarks=(5, 7), year_groups=(10,), term="spring")
    dropped = planner_log.activity(plan, "workplace_visit", benchmarks=(6,), year_groups=(10,))
    planner_log.cancelled(dropped)
    world.activities = {"talk": talk, "encounter": encounter, "guidance": guidance, "fair": fair}
    deliver(directory_log, audit_log, planner_log)
    return world


def principal(who: str, world: World, *, other: bool = False) -> Principal | None:
    """The principal called ``who`` (a role name, ``api_client``, ``share_link``,
    ``anonymous``) over Riverside Academy, or over Hillcrest School when ``other``."""
    institution = world.other if other else world.school
    hub = "Another Hub" if other else HUB_NAME
    trust = "Another Trust" if other else TRUST_NAME
    if who == "anonymous":
        return None
    if who == "api_client":
        return Principal(
            "client-1", kind=CLIENT, grants=(Grant(API_CLIENT, INSTITUTION, institution),),
            scopes=frozenset({"reporting:read"}),
        )  # fmt: skip
    if who == "api_client_without_scope":
        return Principal(
            "client-2", kind=CLIENT, grants=(Grant(API_CLIENT, INSTITUTION, institution),),
            scopes=frozenset({"audit:read"}),
        )  # fmt: skip
    if who == "share_link":
        return Principal(
            "share-link:1", kind=SHARE_LINK, name="Ofsted inspector",
            grants=(Grant(OFSTED_VIEWER, INSTITUTION, institution),), scopes=frozenset({OFSTED_PACK_SCOPE}),
        )  # fmt: skip
    grant = {
        HUB_LEAD: Grant(HUB_LEAD, HUB, hub),
        TRUST_LEAD: Grant(TRUST_LEAD, TRUST, trust),
        ADMIN: Grant(ADMIN, PLATFORM, None),
    }.get(who) or Grant(who, INSTITUTION, institution)
    return Principal(f"person-{who}", name=who.replace("_", " ").title(), grants=(grant,))


PEOPLE = (CAREERS_LEADER, CAREERS_ADVISER, SENIOR_LEADER, GOVERNOR, HUB_LEAD, TRUST_LEAD, ADMIN)
