"""Audit's log: each institution's Compass-style self-evaluations, started and
completed, with results that improve over time (national averages from about 5.4 to
6 benchmarks achieved, dipping when the 2025 framework's extra criteria arrive; hubs
well ahead of the few institutions outside them; BM6, work experience, the hardest;
BM3 and BM7 gaining most).

The criteria are the frameworks' (Gatsby 2018 until August 2025, Gatsby 2025 after),
per evaluation type, copied by value: reporting never imports audit.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from datetime import datetime

from waymark_reporting.synthetic.ids import new_id, rng
from waymark_reporting.synthetic.institutions import Institution
from waymark_reporting.synthetic.log import SourceLog
from waymark_reporting.synthetic.parameters import Parameters, day
from waymark_shared.events.envelope import RecordedEvent

_2018 = {
    "school": "1.1 1.2 1.3 1.4|2.1 2.3|3.1 3.2 3.4|4.1|5.1|6.1 6.2|7.1 7.2|8.1 8.2",
    "specialist_setting": "1.1 1.2 1.3 1.4|2.1 2.3 2.4|3.1 3.2 3.4|4.1|5.1|6.1 6.2|7.3 7.4|8.1 8.2",
    "fe_itp": "1.1 1.2 1.3|2.2 2.3|3.1 3.3 3.5|4.2|5.2|6.3|7.5|8.1 8.3",
}
_2025 = {
    "school": "1.1 1.2 1.3 1.4 1.5 1.6|2.1 2.3 2.4|3.1 3.2 3.3 3.5|4.1 4.3|5.1 5.3 5.4|6.1 6.2 6.4|"
    "7.1 7.2 7.6|8.1 8.2 8.4",
    "specialist_setting": "1.1 1.2 1.3 1.4 1.5 1.6|2.1 2.3 2.4 2.5|3.1 3.2 3.3 3.5|4.1 4.3|5.1 5.3 5.4|"
    "6.1 6.2 6.4|7.3 7.4 7.6|8.1 8.2 8.4",
    "fe_itp": "1.1 1.2 1.3 1.4 1.5|2.2 2.3 2.4|3.1 3.2 3.4 3.6|4.2 4.3|5.2 5.3 5.4|6.3 6.4|7.5 7.6|"
    "8.1 8.3 8.4",
}
FRAMEWORKS = {
    "gatsby-2018": {kind: [group.split() for group in text.split("|")] for kind, text in _2018.items()},
    "gatsby-2025": {kind: [group.split() for group in text.split("|")] for kind, text in _2025.items()},
}
QUESTIONS_PER_CRITERION = 3
# How much easier (logits) each benchmark's criteria are, and how much faster they improve.
EASE = {1: 1.0, 2: 0.7, 3: 0.5, 4: 0.6, 5: 0.9, 6: -0.2, 7: 0.3, 8: 0.8}
GAIN = {1: 0.10, 2: 0.10, 3: 0.25, 4: 0.10, 5: 0.08, 6: 0.12, 7: 0.25, 8: 0.02}
BASE = 1.2


def framework_for(year: int) -> str:
    return "gatsby-2025" if year >= 2025 else "gatsby-2018"


def evaluation_days(year: int, count: int) -> list[tuple[int, int]]:
    """(month, day) of each evaluation in the year: autumn and summer, or spread out."""
    if count == 1:
        return [(6, 20)]
    months = [10, 11, 12, 1, 2, 3, 4, 5, 6, 7]
    return [(months[round(i * (len(months) - 1) / (count - 1))], 15) for i in range(count)]


def audit_events(parameters: Parameters, institutions: Sequence[Institution]) -> Iterator[RecordedEvent]:
    log = SourceLog("audit", parameters.seed, parameters.validate_every)
    last: dict[int, str] = {}  # institution -> its latest completed evaluation
    for offset, year in enumerate(parameters.academic_years):
        for number, (month, day_of_month) in enumerate(
            evaluation_days(year, parameters.evaluations_per_year)
        ):
            when = day(year, month, day_of_month)
            if not parameters.happened(when):
                return
            log.at(datetime(when.year, when.month, when.day, 8))
            progress = offset * parameters.evaluations_per_year + number
            for institution in institutions:
                generator = rng(parameters.seed, "audit", institution.index, year, number)
                yield from _evaluation(log, generator, institution, year, when.isoformat(), progress, last)


def _evaluation(  # noqa: PLR0917 (each evaluation's own facts)
    log: SourceLog,
    generator: random.Random,
    institution: Institution,
    year: int,
    on: str,
    progress: int,
    last: dict[int, str],
) -> Iterator[RecordedEvent]:
    evaluation_id = new_id(generator)
    framework = framework_for(year)
    kind = institution.evaluation_type
    base = {"evaluation_id": evaluation_id, "institution_id": institution.institution_id}
    stream, subject = f"evaluation-{evaluation_id}", institution.institution_id
    copied_from = last.get(institution.index)
    started = {**base, "framework_id": framework, "evaluation_type": kind,
               "started_at": f"{on}T09:00:00+00:00", "copied_from": copied_from}  # fmt: skip
    yield log.event("AuditStarted", started, stream, subject)
    criteria, benchmarks = [], []
    for number, ids in enumerate(FRAMEWORKS[framework][kind], 1):
        logit = BASE + institution.quality + EASE[number] + GAIN[number] * progress
        chance = 1.0 / (1.0 + math.exp(-logit))
        achieved = 0
        for criterion_id in ids:
            met = QUESTIONS_PER_CRITERION if generator.random() < chance else generator.randint(0, 2)
            status = "achieved" if met == QUESTIONS_PER_CRITERION else "in_progress" if met else "not_started"
            achieved += status == "achieved"
            criteria.append({"criterion_id": criterion_id, "benchmark": number, "status": status,
                             "met": met, "scored": QUESTIONS_PER_CRITERION})  # fmt: skip
        benchmarks.append({"number": number, "percentage": percentage(achieved, len(ids)),
                           "achieved": achieved == len(ids)})  # fmt: skip
    completed = {
        **base,
        "framework_id": framework,
        "evaluation_type": kind,
        "completed_at": f"{on}T15:30:00+00:00",
        "benchmarks": benchmarks,
        "criteria": criteria,
        "benchmarks_achieved": sum(1 for b in benchmarks if b["achieved"]),
        "copied_from": copied_from,
    }
    last[institution.index] = evaluation_id
    yield log.event("AuditCompleted", completed, stream, subject)


def percentage(achieved: int, applicable: int) -> int:
    """As audit rounds: halves up, never 100 unless all achieved nor 0 unless none."""
    rounded = (200 * achieved + applicable) // (2 * applicable)
    if achieved < applicable:
        rounded = min(rounded, 99)
    if achieved > 0:
        rounded = max(rounded, 1)
    return rounded
