"""Planner's log: one careers plan per institution and academic year, its activities
planned in September, then delivered (with who took part, by learner id, or by count
per year group for whole-cohort sessions), evaluated, or now and then cancelled.

Every school plans the Provider Access Legislation encounters (Year 8 and Year 10),
work experience in Year 10 and guidance in Year 11; colleges the Year 12-13 equivalents.
Vocabulary (activity types, default benchmarks) is planner's, copied by value.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta

from waymark_reporting.synthetic.ids import new_id, rng
from waymark_reporting.synthetic.institutions import Institution
from waymark_reporting.synthetic.learners import Learner, on_roll
from waymark_reporting.synthetic.log import SourceLog
from waymark_reporting.synthetic.parameters import Parameters, academic_year
from waymark_shared.events.envelope import RecordedEvent

BENCHMARKS = {
    "employer_talk": [5], "careers_fair": [5, 7], "workplace_visit": [6], "work_shadowing": [6],
    "work_experience": [6], "fe_visit": [7], "he_visit": [7], "provider_encounter": [7],
    "guidance_meeting": [8], "curriculum_lesson": [4], "enterprise_challenge": [5], "mentoring": [3, 5],
    "parent_carer_event": [1, 2], "lmi_session": [2],
}  # fmt: skip
# Share of the year group taking part (named activities) and how often each is chosen
# beyond the core ones.
TAKE_PART = {
    "employer_talk": 0.9, "careers_fair": 0.95, "workplace_visit": 0.5, "work_shadowing": 0.2,
    "work_experience": 0.85, "fe_visit": 0.8, "he_visit": 0.6, "provider_encounter": 0.92,
    "guidance_meeting": 0.93, "enterprise_challenge": 0.7, "mentoring": 0.15,
}  # fmt: skip
EXTRAS = {
    "employer_talk": 3, "careers_fair": 2, "workplace_visit": 1.5, "work_shadowing": 0.5, "fe_visit": 1,
    "he_visit": 1, "lmi_session": 1, "curriculum_lesson": 2, "enterprise_challenge": 1, "mentoring": 1,
    "parent_carer_event": 1,
}  # fmt: skip
COUNTED = {"lmi_session", "curriculum_lesson", "parent_carer_event"}  # by count, not by name
# Two Provider Access encounters in Year 8 and two in Year 10: each mandatory phase
# needs two (a school offering one a year would have no learner meeting it),
SCHOOL_CORE = (("provider_encounter", 8), ("provider_encounter", 8), ("provider_encounter", 10),
               ("provider_encounter", 10), ("work_experience", 10), ("guidance_meeting", 11),
               ("employer_talk", 9))  # fmt: skip
# and colleges offer one a year in Years 12 and 13, the third phase's two.
COLLEGE_CORE = (("provider_encounter", 12), ("provider_encounter", 13), ("work_experience", 12),
                ("guidance_meeting", 13), ("he_visit", 12), ("employer_talk", 13))  # fmt: skip
MEANINGFUL = ["purpose_shared", "learning_outcomes", "two_way", "task_set", "feedback", "reflection"]
OBJECTIVES = [
    {"objective_id": "obj-1", "text": "Every learner meets employers and sees workplaces each key stage."},
    {"objective_id": "obj-2", "text": "Every learner hears from FE, HE and apprenticeship providers."},
]
CANCELLED, EVALUATED = 0.05, 0.65
TERMS = ((9, 1, 116, "autumn"), (1, 4, 100, "spring"), (5, 1, 80, "summer"))  # month, day, length, term


def planner_events(parameters: Parameters, institutions: Sequence[Institution]) -> Iterator[RecordedEvent]:
    log = SourceLog("planner", parameters.seed, parameters.validate_every)
    plans: dict[int, str] = {}
    for year in parameters.academic_years:
        if not parameters.happened(date(year, 9, 3)):
            break
        log.at(datetime(year, 9, 3, 8))
        for institution in institutions:
            generator = rng(parameters.seed, "planner", institution.index, year)
            yield from _year(log, generator, parameters, institution, year, plans)


def _year(  # noqa: PLR0917 (a plan's own facts)
    log: SourceLog,
    generator: random.Random,
    parameters: Parameters,
    institution: Institution,
    year: int,
    plans: dict[int, str],
) -> Iterator[RecordedEvent]:
    ident, plan_id = institution.institution_id, new_id(generator)
    previous = plans.get(institution.index)
    plans[institution.index] = plan_id
    plan = {"plan_id": plan_id, "institution_id": ident, "academic_year": academic_year(year),
            "origin": "previous_year" if previous else "empty", "copied_from_plan_id": previous,
            "evaluation_id": None, "objectives": OBJECTIVES}  # fmt: skip
    yield log.event("PlanCreated", plan, f"plan-{plan_id}", ident)
    roll = on_roll(parameters.seed, institution, year)
    activities = [_planned(generator, plan_id, ident, kind, year_group=year_group, year=year)
                  for kind, year_group in _choose(generator, parameters, institution)]  # fmt: skip
    for activity in activities:
        yield log.event("ActivityPlanned", activity, f"activity-{activity['activity_id']}", ident)
    engagement = 0.85 + 0.15 * math.tanh(institution.quality)
    for activity in sorted(activities, key=lambda a: str(a["date"])):
        if not parameters.happened(date.fromisoformat(str(activity["date"]))):
            break  # this and the rest are still to come: planned
        stream = f"activity-{activity['activity_id']}"
        base = {"activity_id": activity["activity_id"], "institution_id": ident}
        if generator.random() < CANCELLED:
            yield log.event(
                "ActivityCancelled", {**base, "reason": "The provider could not come."}, stream, ident
            )
            continue
        logged = _logged(generator, activity, roll, engagement)
        yield log.event("ActivityLogged", {**base, **logged}, stream, ident)
        if generator.random() < EVALUATED:
            evaluation = _evaluation(generator, logged, str(activity["objective_ids"][0]))  # type: ignore[index]
            yield log.event("ActivityEvaluated", {**base, **evaluation}, stream, ident)


def _choose(
    generator: random.Random, parameters: Parameters, institution: Institution
) -> list[tuple[str, int]]:
    count = max(3, round(parameters.activities_per_year * generator.uniform(0.7, 1.3)))
    groups = list(institution.year_groups)
    core = COLLEGE_CORE if institution.first_year_group >= 12 else SCHOOL_CORE
    chosen = [(kind, group) for kind, group in core if group in institution.year_groups][:count]
    kinds, weights = list(EXTRAS), list(EXTRAS.values())
    while len(chosen) < count:
        chosen.append((generator.choices(kinds, weights)[0], generator.choice(groups)))
    return chosen


def _planned(
    generator: random.Random, plan_id: str, institution_id: str, kind: str, *, year_group: int, year: int
) -> dict[str, object]:
    month, first_day, length, term = generator.choice(TERMS)
    on = date(year if month >= 9 else year + 1, month, first_day) + timedelta(
        days=generator.randrange(length)
    )
    return {
        "activity_id": new_id(generator),
        "plan_id": plan_id,
        "institution_id": institution_id,
        "title": f"{kind.replace('_', ' ').capitalize()}: Year {year_group}",
        "activity_type": kind,
        "term": term,
        "delivery": "virtual" if generator.random() < 0.1 else "in_person",
        "benchmarks": BENCHMARKS[kind],
        "year_groups": [year_group],
        "date": on.isoformat(),
        "provider_access_encounter": kind == "provider_encounter",
        "meaningful": MEANINGFUL[: generator.randint(3, 6)],
        "owner": "Careers leader",
        "objective_ids": ["obj-1" if BENCHMARKS[kind][0] in (5, 6) else "obj-2"],
        "suggestion_id": None,
    }


def _logged(
    generator: random.Random,
    activity: dict[str, object],
    roll: dict[int, Sequence[Learner]],
    engagement: float,
) -> dict[str, object]:
    kind = str(activity["activity_type"])
    year_group = activity["year_groups"][0]  # type: ignore[index]
    learners = roll.get(year_group, [])
    if kind in COUNTED:
        ids, counts = [], [{"year_group": year_group, "count": len(learners)}]
    else:
        share = TAKE_PART[kind] * engagement
        ids, counts = [learner.learner_id for learner in learners if generator.random() < share], []
    return {"delivered_on": activity["date"], "learner_ids": ids, "counts": counts,
            "meaningful": activity["meaningful"], "notes": None}  # fmt: skip


def _evaluation(generator: random.Random, logged: dict[str, object], objective: str) -> dict[str, object]:
    took_part = len(logged["learner_ids"]) or sum(c["count"] for c in logged["counts"])  # type: ignore[arg-type,index,misc]
    feedback = [{"from": "learners", "rating": generator.choice((3, 4, 4, 4, 5, 5)),
                 "comment": None, "responses": max(1, took_part)},
                {"from": "staff", "rating": generator.choice((3, 4, 5)), "comment": None, "responses": 1}]  # fmt: skip
    outcome = generator.choices(("met", "partly_met", "not_met"), (0.6, 0.3, 0.1))[0]
    return {"feedback": feedback, "outcomes": [{"objective_id": objective, "outcome": outcome, "note": None}],
            "summary": None}  # fmt: skip
