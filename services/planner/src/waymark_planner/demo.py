"""Demo plans: every open institution planner has heard of gets last year's plan,
delivered, and this year's, under way.

* **2025/26**: created empty with four objectives, a year's programme of about twenty
  activities across the year groups the institution teaches (lessons, employer talks,
  guidance interviews, provider encounters under the Provider Access Legislation, FE
  and university visits, work experience, parents' evenings), each delivered on its
  date for the learners on roll then (including the Year 11s and 13s who left in July
  2026: their year group then is worked out from their cohort), most evaluated, one
  cancelled.
* **2026/27**: created from the gaps of the latest completed evaluation (audit's demo
  gives every institution one), some suggestions accepted and spread over the spring
  and summer, two dismissed with a reason, plus the year's programme again; what was
  dated before today is delivered and evaluated.

Participation is by learner id (a form group or a year group of the roster directory's
demo imported), or by count for parents' events; feedback comes from learners, staff,
employers and parents and carers. Everything goes through the command handlers, so the
events and tables are what staff would have made. Randomness is seeded by the
institution's id.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from waymark_planner import views
from waymark_planner.adapters.tables import institutions
from waymark_planner.domain.academic_year import AcademicYear
from waymark_planner.domain.vocabulary import MEANINGFUL_CHECKLIST
from waymark_planner.service_layer.activities import cancel_activity, plan_activity
from waymark_planner.service_layer.errors import InvalidInput
from waymark_planner.service_layer.evaluation import evaluate_activity
from waymark_planner.service_layer.participation import log_activity
from waymark_planner.service_layer.plans import create_plan
from waymark_planner.service_layer.suggestions import accept_suggestion, dismiss_suggestion
from waymark_shared.events.context import message_context
from waymark_shared.service import ServiceRuntime

OBJECTIVES = (
    ("employers", "Every learner has at least one meaningful encounter with an employer each year."),
    ("guidance", "Every learner in Years 11 and 13 has a personal guidance interview, and the rest as needed."),
    ("providers", "Meet the Provider Access Legislation: two provider encounters in each key stage."),
    ("parents", "Parents and carers take part in careers decisions at each transition point."),
)
OBJECTIVE_OF = {
    "employer_talk": "employers",
    "careers_fair": "employers",
    "workplace_visit": "employers",
    "work_experience": "employers",
    "mentoring": "employers",
    "enterprise_challenge": "employers",
    "guidance_meeting": "guidance",
    "provider_encounter": "providers",
    "fe_visit": "providers",
    "he_visit": "providers",
    "parent_carer_event": "parents",
}
PROVIDER_TYPE_OF = {
    "employer_talk": "employer",
    "workplace_visit": "employer",
    "work_experience": "employer",
    "mentoring": "employer",
    "fe_visit": "fe_college",
    "he_visit": "university",
    "provider_encounter": "training_provider",
}
# Who took part: "year" every learner of the year groups, "form" one form group of
# each, "half" half the year group, "count" a number (parents' evenings).
YEAR, FORM, HALF, COUNT = "year", "form", "half", "count"


@dataclass(frozen=True)
class Planned:
    """One activity of the year's programme: its month and day in the year (a date in
    September to December is in the first calendar year of the academic year)."""

    title: str
    activity_type: str
    year_groups: tuple[int, ...]
    month: int
    day: int
    who: str = YEAR
    provider_access: bool = False
    subjects: tuple[str, ...] = ()

    def date_in(self, year: AcademicYear) -> date:
        calendar_year = year.starts.year if self.month >= 9 else year.starts.year + 1
        return date(calendar_year, self.month, self.day)


PROGRAMME = (
    Planned("Careers lessons: what is a career?", "curriculum_lesson", (7,), 10, 8),
    Planned("Sixth form, college and apprenticeships evening", "parent_carer_event", (11,), 10, 15, COUNT),
    Planned("Personal guidance interviews, first round", "guidance_meeting", (11,), 11, 12, HALF),
    Planned("Apprenticeship provider assembly", "provider_encounter", (8,), 11, 19, YEAR, True),
    Planned("Enterprise challenge day", "enterprise_challenge", (9,), 11, 26),
    Planned("Employer speed networking", "employer_talk", (10,), 12, 3),
    Planned("UCAS and higher apprenticeships briefing", "he_visit", (12,), 12, 10),
    Planned("Technical education assembly: T Levels and apprenticeships", "provider_encounter", (11,), 1, 21, YEAR, True),
    Planned("Labour market information in geography", "lmi_session", (8,), 1, 28, FORM, subjects=("geography",)),
    Planned("Personal guidance interviews, second round", "guidance_meeting", (11,), 2, 4, HALF),
    Planned("Technical education provider encounter", "provider_encounter", (9,), 2, 11, YEAR, True),
    Planned("Options evening", "parent_carer_event", (9,), 2, 25, COUNT),
    Planned("National Careers Week: STEM employer talks", "employer_talk", (7, 8), 3, 4, FORM, subjects=("science",)),
    Planned("Careers fair", "careers_fair", (9, 10, 11, 12, 13), 3, 11),
    Planned("College taster day", "fe_visit", (10,), 3, 18, FORM),
    Planned("University campus visit", "he_visit", (12,), 3, 25, HALF),
    Planned("Mentoring with local employers", "mentoring", (13,), 4, 22, HALF),
    Planned("Personal guidance interviews", "guidance_meeting", (12,), 5, 13, HALF),
    Planned("Hospital workplace visit", "workplace_visit", (8,), 5, 20, FORM),
    Planned("Apprenticeship provider encounter", "provider_encounter", (10,), 6, 10, YEAR, True),
    Planned("Work placement", "work_experience", (12,), 6, 22),
    Planned("Work experience week", "work_experience", (10,), 7, 6),
)
CANCELLED = "Hospital workplace visit"  # called off in 2025/26: the ward could not host it
LAST_YEAR, THIS_YEAR = AcademicYear("2025/26"), AcademicYear("2026/27")
COMMENTS = {
    "learners": ("Really useful to hear what the job is actually like.", "I'd like more time to ask questions."),
    "staff": ("Well organised; pupils were engaged throughout.", "Brief the form tutors a week earlier."),
    "employers": ("Great questions from the pupils.", "Happy to come back next year."),
    "parents_carers": ("Helpful to understand the options after Year 11.", "An online session would help."),
}


def seed_demo(runtime: ServiceRuntime, *, today: date | None = None) -> None:
    today = today or datetime.now(UTC).date()
    with message_context(actor="demo-seed"):
        for institution_id in _open_institutions(runtime):
            Seeder(runtime, institution_id, today).seed()


def _open_institutions(runtime: ServiceRuntime) -> list[str]:
    with runtime.engine.connect() as conn:
        query = select(institutions.c.institution_id).where(institutions.c.status == "open")
        return sorted(conn.execute(query).scalars())


class Seeder:
    def __init__(self, runtime: ServiceRuntime, institution_id: str, today: date):
        self.runtime = runtime
        self.institution_id = institution_id
        self.today = today
        self.rng = random.Random(institution_id)  # noqa: S311 - invented demo data, not secrets
        self.learners = views.roster_learners(runtime, institution_id, include_left=True)
        self.providers = views.listed_providers(runtime)

    def seed(self) -> None:
        if not self.learners:
            return  # no roster: nothing to plan for by year group
        self.last_year()
        self.this_year()

    # -- the two plans ------------------------------------------------------------------

    def last_year(self) -> None:
        plan_id = create_plan(
            self.runtime, self.institution_id, LAST_YEAR, objectives=[text for _, text in OBJECTIVES],
            now=_at(date(2025, 9, 3)),
        )  # fmt: skip
        objectives = self._objective_ids(plan_id)
        for planned in self._taught(PROGRAMME):
            activity_id = self._plan(plan_id, planned, LAST_YEAR, objectives)
            if planned.title == CANCELLED:
                cancel_activity(self.runtime, activity_id, "The ward could not host a visit this year.")
            else:
                self._deliver(activity_id, planned, LAST_YEAR, objectives)

    def this_year(self) -> None:
        objectives_text = [text for _, text in OBJECTIVES]
        try:
            plan_id = create_plan(
                self.runtime, self.institution_id, THIS_YEAR, origin="evaluation", objectives=objectives_text,
                now=_at(date(2026, 9, 2)),
            )  # fmt: skip
        except InvalidInput:  # no completed evaluation to take the gaps from
            plan_id = create_plan(self.runtime, self.institution_id, THIS_YEAR, objectives=objectives_text)
        objectives = self._objective_ids(plan_id)
        self._answer_suggestions(plan_id)
        for planned in self._taught(PROGRAMME):
            activity_id = self._plan(plan_id, planned, THIS_YEAR, objectives)
            if planned.date_in(THIS_YEAR) < self.today:
                self._deliver(activity_id, planned, THIS_YEAR, objectives)

    def _answer_suggestions(self, plan_id: str) -> None:
        plan = views.plan_detail(self.runtime, plan_id) or {}
        offered = [s for s in plan.get("suggestions", ()) if s["status"] == "offered"]
        self.rng.shuffle(offered)
        for suggestion in offered[:2]:
            dismiss_suggestion(
                self.runtime, plan_id, suggestion["suggestion_id"], "Covered by the existing programme."
            )
        for suggestion in offered[2:8]:
            term = self.rng.choice(("spring", "summer"))
            accept_suggestion(
                self.runtime, plan_id, suggestion["suggestion_id"], {"term": term, "date": None, "owner": "Careers leader"}
            )

    # -- activities -----------------------------------------------------------------------

    def _taught(self, programme: Iterable[Planned]) -> list[Planned]:
        taught = {learner["year_group"] for learner in self.learners if learner["on_roll"]}
        return [p for p in programme if set(p.year_groups) & taught]

    def _plan(self, plan_id: str, planned: Planned, year: AcademicYear, objectives: Mapping[str, str]) -> str:
        taught = {learner["year_group"] for learner in self.learners if learner["on_roll"]}
        fields: dict[str, Any] = {
            "title": f"{_years(planned.year_groups)} {planned.title[0].lower()}{planned.title[1:]}",
            "activity_type": planned.activity_type,
            "year_groups": [y for y in planned.year_groups if y in taught],
            "subjects": list(planned.subjects),
            "date": planned.date_in(year).isoformat(),
            "delivery": "in_person",
            "provider_access_encounter": planned.provider_access,
            "meaningful": list(MEANINGFUL_CHECKLIST),
            "owner": self.rng.choice(("Careers leader", "Head of Year", "Careers adviser", "Work experience coordinator")),
            "objective_ids": [objectives[OBJECTIVE_OF[planned.activity_type]]]
            if planned.activity_type in OBJECTIVE_OF
            else [],
        }
        fields.update(self._provider(planned))
        return plan_activity(self.runtime, plan_id, fields, now=_at(year.starts))

    def _provider(self, planned: Planned) -> dict[str, Any]:
        wanted = PROVIDER_TYPE_OF.get(planned.activity_type)
        if wanted is None:
            return {}
        matching = [p for p in self.providers if p["provider_type"] == wanted]
        if matching:
            return {"provider_id": self.rng.choice(matching)["provider_id"]}
        return {"provider_name": "A local employer"}

    def _deliver(self, activity_id: str, planned: Planned, year: AcademicYear, objectives: Mapping[str, str]) -> None:
        delivered_on = planned.date_in(year)
        who = self._participants(planned, year)
        meaningful = [m for m in MEANINGFUL_CHECKLIST if self.rng.random() < 0.85]
        log_activity(
            self.runtime, activity_id, delivered_on, meaningful=meaningful, now=_at(delivered_on), **who
        )
        if self.rng.random() < 0.8:
            self._evaluate(activity_id, planned, objectives, delivered_on, who)

    def _participants(self, planned: Planned, year: AcademicYear) -> dict[str, Any]:
        if planned.who == COUNT:
            return {"counts": [{"year_group": y, "count": self.rng.randint(30, 60)} for y in planned.year_groups]}
        chosen: list[str] = []
        for year_group in planned.year_groups:
            group = self._on_roll_in(year, year_group, planned.date_in(year))
            if planned.who == FORM and group:
                forms = sorted({_form_letter(g) for g in group.values()})
                form = self.rng.choice(forms)
                chosen += [lid for lid, f in group.items() if _form_letter(f) == form]
            elif planned.who == HALF:
                ids = sorted(group)
                chosen += self.rng.sample(ids, len(ids) // 2)
            else:
                chosen += sorted(group)
        if not chosen:  # nobody of theirs on the roster then: as many as came
            return {"counts": [{"year_group": y, "count": self.rng.randint(20, 30)} for y in planned.year_groups]}
        return {"learner_ids": chosen}

    def _on_roll_in(self, year: AcademicYear, year_group: int, day: date) -> dict[str, str]:
        """Learner id -> form group of the learners in ``year_group`` in ``year`` still on
        roll on ``day``, as the roster has them now (their year group then from their cohort)."""
        found = {}
        for learner in self.learners:
            if not learner["cohort"] or learner["year_group"] is None:
                continue
            then = 11 - (int(learner["cohort"][:4]) - year.starts.year)
            left = learner["leaving_date"]
            if then == year_group and (learner["on_roll"] or (left and date.fromisoformat(left) >= day)):
                found[learner["learner_id"]] = learner["form_group"] or ""
        return found

    def _evaluate(
        self, activity_id: str, planned: Planned, objectives: Mapping[str, str], day: date, who: Mapping[str, Any]
    ) -> None:
        taking_part = len(who.get("learner_ids", ())) or sum(c["count"] for c in who.get("counts", ()))
        groups = ["staff", "parents_carers" if planned.activity_type == "parent_carer_event" else "learners"]
        if planned.activity_type in PROVIDER_TYPE_OF:
            groups.append("employers")
        feedback = [
            {
                "from": group,
                "rating": self.rng.choices((2, 3, 4, 5), weights=(1, 3, 6, 4))[0],
                "responses": max(1, int(taking_part * 0.6)) if group in ("learners", "parents_carers") else 1,
                "comment": self.rng.choice(COMMENTS[group]),
            }
            for group in groups
        ]
        outcomes = []
        if planned.activity_type in OBJECTIVE_OF:
            outcome = self.rng.choices(("met", "partly_met", "not_met"), weights=(6, 3, 1))[0]
            outcomes.append({"objective_id": objectives[OBJECTIVE_OF[planned.activity_type]], "outcome": outcome})
        summary = "Ran as planned; feedback shared with the year team."
        evaluate_activity(self.runtime, activity_id, feedback, outcomes, summary=summary, now=_at(day + timedelta(days=3)))

    def _objective_ids(self, plan_id: str) -> dict[str, str]:
        plan = views.plan_detail(self.runtime, plan_id) or {}
        by_text = {o["text"]: o["objective_id"] for o in plan.get("objectives", ())}
        return {key: by_text[text] for key, text in OBJECTIVES if text in by_text}


def _years(year_groups: Sequence[int]) -> str:
    if len(year_groups) == 1:
        return f"Year {year_groups[0]}"
    return f"Years {year_groups[0]}–{year_groups[-1]}"


def _form_letter(form_group: str) -> str:
    return form_group.lstrip("0123456789")


def _at(day: date) -> datetime:
    return datetime.combine(day, time(15, 30), tzinfo=UTC)
