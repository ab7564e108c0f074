"""Demo evaluations: every open institution audit has heard of gets a history.

From the autumn of 2023/24 to today, one evaluation is completed each term (autumn,
spring, summer) under the framework in force when it was started (Gatsby 2018 until
August 2025, Gatsby 2025 after), each one a copy of the last updated; and one is in
progress, half updated. Answers improve over time, at a pace and from a starting
point that vary by institution, with a dip when the new framework arrives. An
institution whose roster directory has imported answers some questions about shares
of learners with numbers of learners, judged against its year-group sizes.

Everything goes through the lifecycle's handlers, dated in the past (their ``now``),
so the events, the list of evaluations and the results are exactly what staff would
have made. The randomness is seeded by the institution's id: the same institutions
get the same history.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from waymark_audit.adapters.institutions import institution
from waymark_audit.adapters.roster import year_group_sizes
from waymark_audit.adapters.tables import institutions
from waymark_audit.domain.evaluation_types import OPEN
from waymark_audit.domain.frameworks import (
    EVIDENCE,
    NUMBER,
    SINGLE_CHOICE,
    YEAR_GROUP_SHARE,
    YES_NO,
    Framework,
    Question,
)
from waymark_audit.service_layer.evaluations import (
    frameworks_of,
    save_answers,
    start_evaluation,
    submit_evaluation,
)
from waymark_shared.events.context import message_context
from waymark_shared.service import ServiceRuntime

FIRST_ACADEMIC_YEAR = 2023  # 2023/24: two years under Gatsby 2018 before Gatsby 2025
# When each term's evaluation is completed: (month, day) from and to.
TERMS = (
    ("autumn", (11, 1), (12, 12)),
    ("spring", (2, 17), (3, 24)),
    ("summer", (6, 9), (7, 17)),
)
NEW_FRAMEWORK_DIP = 0.1  # how far answers fall back when the new framework's criteria arrive
EVIDENCE_NOTES = (
    "Set out in the careers programme published on the website.",
    "Minutes of the governors' meeting that reviewed the programme.",
    "Records in the careers management system, checked each term.",
    "Feedback from learners and parents, summarised for the senior team.",
    "Timetable of the year's careers activities, with the employers taking part.",
)


@dataclass(frozen=True)
class Plan:
    """One institution's pace: where it starts and where it gets to (0-1, the share of
    questions it meets)."""

    seed: str
    start: float
    end: float

    def maturity(self, step: int, steps: int, framework_id: str) -> float:
        reached = self.start + (self.end - self.start) * step / max(1, steps - 1)
        return max(0.0, reached - NEW_FRAMEWORK_DIP) if framework_id != "gatsby-2018" else reached

    def difficulty(self, criterion_id: str, question_id: str) -> float:
        """A question met once the institution's maturity passes this, the same each time:
        mostly the criterion's, so that whole criteria come to be achieved one by one."""
        return 0.85 * self._draw(criterion_id) + 0.15 * self._draw(question_id)

    def _draw(self, key: str) -> float:
        return random.Random(f"{self.seed}:{key}").random()  # noqa: S311 - demo data


def seed_demo(runtime: ServiceRuntime, *, now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    with message_context(actor="demo-seed"):
        for institution_id in open_institutions(runtime):
            seed_institution(runtime, institution_id, now)


def open_institutions(runtime: ServiceRuntime) -> list[str]:
    query = (
        select(institutions.c.institution_id)
        .where(institutions.c.status == OPEN)
        .order_by(institutions.c.institution_id)
    )
    with runtime.engine.connect() as conn:
        return list(conn.execute(query).scalars())


def completion_times(rng: random.Random, now: datetime) -> list[datetime]:
    """A completion each term from the autumn of 2023/24 on, at a working hour on a
    weekday, up to a couple of days before ``now``."""
    moments = []
    this_year = now.year if now.month >= 9 else now.year - 1
    for start in range(FIRST_ACADEMIC_YEAR, this_year + 1):
        for _term, (from_month, from_day), (to_month, to_day) in TERMS:
            year = start if from_month >= 9 else start + 1
            first, last = date(year, from_month, from_day), date(year, to_month, to_day)
            day = first + timedelta(days=rng.randrange((last - first).days + 1))
            day -= timedelta(days=max(0, day.weekday() - 4))  # a Saturday or Sunday: the Friday
            moment = datetime(
                day.year, day.month, day.day, rng.randrange(9, 16), rng.randrange(60), tzinfo=UTC
            )
            if moment < now - timedelta(days=2):
                moments.append(moment)
    return moments


def seed_institution(runtime: ServiceRuntime, institution_id: str, now: datetime) -> None:
    seed = f"waymark-audit-demo:{institution_id}"
    rng = random.Random(seed)  # noqa: S311 - invented demo data, not secrets
    start = 0.2 + 0.35 * rng.random()
    plan = Plan(seed, start, min(1.15, start + 0.5 + 0.35 * rng.random()))
    completed = completion_times(rng, now)
    sizes = year_group_sizes(runtime, institution_id)
    frameworks = frameworks_of(runtime)
    evaluation_type = _type(runtime, institution_id)
    steps = len(completed) + 1
    previous: datetime | None = None
    for step, completed_at in enumerate(completed):
        started_at = completed_at - timedelta(days=rng.randint(3, 20), hours=rng.randint(0, 5))
        framework = frameworks.for_day(started_at.date())
        answers = answers_for(
            framework, evaluation_type, plan.maturity(step, steps, framework.id), plan, sizes
        )
        evaluation, _ = start_evaluation(
            runtime, institution_id, copy_last=previous is not None, now=started_at
        )
        evaluation = save_answers(
            runtime,
            evaluation.evaluation_id,
            answers,
            evaluation.version,
            now=completed_at - timedelta(hours=1),
        )
        submit_evaluation(runtime, evaluation.evaluation_id, evaluation.version, now=completed_at)
        previous = completed_at
    # One in progress: begun lately from the last one, half its benchmarks updated.
    started_at = max(now - timedelta(days=rng.randint(1, 6)), (previous or now) + timedelta(hours=1))
    started_at = min(started_at, now)
    framework = frameworks.for_day(started_at.date())
    answers = answers_for(
        framework, evaluation_type, plan.maturity(steps - 1, steps, framework.id), plan, sizes
    )
    evaluation, _ = start_evaluation(runtime, institution_id, copy_last=previous is not None, now=started_at)
    first_half = {b.number for b in framework.benchmarks[: len(framework.benchmarks) // 2]}
    part = {qid: value for qid, value in answers.items() if _benchmark(qid, framework) in first_half}
    save_answers(
        runtime,
        evaluation.evaluation_id,
        part,
        evaluation.version,
        now=min(now, started_at + timedelta(hours=2)),
    )


def _type(runtime: ServiceRuntime, institution_id: str) -> str:
    found = institution(runtime, institution_id)
    assert found is not None
    return str(found["evaluation_type"])


def _benchmark(question_id: str, framework: Framework) -> int:
    for benchmark in framework.benchmarks:
        for criterion in benchmark.criteria:
            if any(q.id == question_id for q in criterion.questions):
                return benchmark.number
    raise LookupError(question_id)


def answers_for(
    framework: Framework,
    evaluation_type: str,
    maturity: float,
    plan: Plan,
    sizes: Mapping[int, int],
) -> dict[str, Any]:
    """Every question of the framework, as an institution this far along answers it:
    required ones always, others once it is nearly there (``None`` clears a copied one)."""
    answers: dict[str, Any] = {}
    for benchmark in framework.for_type(evaluation_type).benchmarks:
        for criterion in benchmark.criteria:
            for question in criterion.questions:
                difficulty = plan.difficulty(criterion.id, question.id)
                if not question.required and difficulty > maturity + 0.3:
                    answers[question.id] = None
                    continue
                answers[question.id] = _value(question, difficulty, maturity, sizes)
    return answers


def _value(question: Question, difficulty: float, maturity: float, sizes: Mapping[int, int]) -> Any:
    met = difficulty < maturity
    if question.answer_type == YES_NO:
        meets = str(question.meets or "yes")
        return meets if met else ("no" if meets == "yes" else "yes")
    if question.answer_type == SINGLE_CHOICE:
        meeting = [o.value for o in question.options if o.meets]
        others = [o.value for o in question.options if not o.meets] or meeting
        choices = meeting if met else others
        return choices[int(difficulty * len(choices)) % len(choices)]
    if question.answer_type == NUMBER:
        threshold = int(float(question.meets if question.meets is not None else 1))
        return threshold + int(difficulty * 3) if met else max(0, threshold - 1 - int(difficulty * 2))
    if question.answer_type == YEAR_GROUP_SHARE:
        band = "all" if met else ("most" if difficulty < maturity + 0.25 else "some")
        if not met and difficulty > maturity + 0.6:
            band = "none"
        # With the roster's sizes, every other question is answered with numbers of learners.
        counted = bool(sizes) and int(difficulty * 100) % 2 == 0
        return {
            str(year): _share(band, sizes.get(year) if counted else None) for year in question.year_groups
        }
    if question.answer_type == EVIDENCE:
        return EVIDENCE_NOTES[int(difficulty * len(EVIDENCE_NOTES)) % len(EVIDENCE_NOTES)]
    raise ValueError(f"unknown answer type {question.answer_type!r}")


def _share(band: str, size: int | None) -> Any:
    if not size:
        return band
    count = {"all": size, "most": size * 3 // 4, "some": size // 4, "none": 0}[band]
    if band == "most" and 2 * count <= size:
        count = size // 2 + 1 if size > 1 else size
    return {"count": count}
