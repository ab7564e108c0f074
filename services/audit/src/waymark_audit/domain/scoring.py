"""Scoring an evaluation: each question met or not, each criterion not started, in
progress or achieved, each benchmark a percentage, and the headline, the number of
benchmarks achieved.

The rules, with worked examples, are in ``services/audit/docs/scoring.md``; the tests in
``tests/test_scoring.py`` check every example there. Pure functions over a
:class:`~waymark_audit.domain.frameworks.Framework` and the answers ``{question_id: value}``
(values as in ``frameworks.py``); ``None`` or a missing key is "not answered".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from waymark_audit.domain.evaluation_types import FE_ITP, SCHOOL, SPECIALIST
from waymark_audit.domain.frameworks import (
    EVALUATION_TYPES,
    EVIDENCE,
    NUMBER,
    SHARE_BANDS,
    SINGLE_CHOICE,
    YEAR_GROUP_SHARE,
    YES_NO,
    Criterion,
    Framework,
    Question,
)

NOT_STARTED, IN_PROGRESS, ACHIEVED = "not_started", "in_progress", "achieved"
STATUSES = (NOT_STARTED, IN_PROGRESS, ACHIEVED)

NONE, SOME, MOST, ALL = SHARE_BANDS
EVIDENCE_MAX_LENGTH = 10_000


@dataclass(frozen=True)
class CriterionResult:
    criterion_id: str
    status: str
    met: int  # scored questions met
    scored: int  # scored questions in the criterion


@dataclass(frozen=True)
class BenchmarkResult:
    number: int
    percentage: int | None  # None: no criterion of the benchmark applies to the evaluation type
    criteria: tuple[CriterionResult, ...]

    @property
    def achieved(self) -> bool:
        return self.percentage == 100


@dataclass(frozen=True)
class Result:
    framework_id: str
    evaluation_type: str
    benchmarks: tuple[BenchmarkResult, ...]

    @property
    def benchmarks_achieved(self) -> int:
        return sum(1 for b in self.benchmarks if b.achieved)

    def criterion(self, criterion_id: str) -> CriterionResult:
        return next(c for b in self.benchmarks for c in b.criteria if c.criterion_id == criterion_id)


# --- one question -------------------------------------------------------------------------


def is_answered(question: Question, value: Any) -> bool:
    """Anything but ``None``, blank text or a share with no year group answered."""
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if question.answer_type == YEAR_GROUP_SHARE and isinstance(value, Mapping):
        return any(_year_group_answer(value, year) is not None for year in question.year_groups)
    return True


def is_complete(question: Question, value: Any) -> bool:
    """Answered in full: a share question needs an answer for every year group asked."""
    if question.answer_type == YEAR_GROUP_SHARE:
        return isinstance(value, Mapping) and all(
            _year_group_answer(value, year) is not None for year in question.year_groups
        )
    return is_answered(question, value)


def share_band(answer: Any, size: int | None) -> str | None:
    """A year group's answer as a band: a band as given, or a count of learners turned into
    one with the year group's size on the roster. ``None``: the answer cannot be judged (a
    count above zero with no size known) or is not a share answer at all."""
    if isinstance(answer, str):
        return answer if answer in SHARE_BANDS else None
    count = _count(answer)
    return None if count is None else count_band(count, size)


def count_band(count: int, size: int | None) -> str | None:
    """A count of learners as a band: none at 0, all at the size or more, most above half,
    some otherwise; ``None`` above 0 when the size is unknown (or 0)."""
    if count == 0:
        return NONE
    if not size or size <= 0:
        return None
    if count >= size:
        return ALL
    return MOST if 2 * count > size else SOME


def question_met(question: Question, value: Any, year_group_sizes: Mapping[int, int] | None = None) -> bool:
    if not question.scored or not is_answered(question, value):
        return False
    if question.answer_type == YES_NO:
        return value == (question.meets or "yes")
    if question.answer_type == SINGLE_CHOICE:
        return any(option.value == value and option.meets for option in question.options)
    if question.answer_type == NUMBER:
        return _number(value) is not None and _number(value) >= _threshold(question)
    if question.answer_type == YEAR_GROUP_SHARE:
        required = _band_rank(question.meets or ALL)
        bands = _bands(question, value, year_group_sizes)
        return bool(bands) and all(band is not None and _band_rank(band) >= required for band in bands)
    return False


def question_progress(
    question: Question, value: Any, year_group_sizes: Mapping[int, int] | None = None
) -> bool:
    """Some progress towards the question: met, or for a share some learners in at least
    one year group asked, or for a number more than zero."""
    if question_met(question, value, year_group_sizes):
        return True
    if question.answer_type == NUMBER:
        number = _number(value)
        return number is not None and number > 0
    if question.answer_type == YEAR_GROUP_SHARE and isinstance(value, Mapping):
        answers = [_year_group_answer(value, year) for year in question.year_groups]
        return any(_some_learners(answer) for answer in answers)
    return False


def _threshold(question: Question) -> float:
    return 1.0 if question.meets is None else float(question.meets)


def _band_rank(band: str) -> int:
    return SHARE_BANDS.index(band)


def _bands(question: Question, value: Any, sizes: Mapping[int, int] | None) -> list[str | None]:
    if not isinstance(value, Mapping):
        return []
    return [share_band(_year_group_answer(value, year), _size(sizes, year)) for year in question.year_groups]


def _size(sizes: Mapping[Any, int] | None, year: int) -> int | None:
    """A year group's size on the roster, keyed by number (or by text, as JSON gives it)."""
    if not sizes:
        return None
    return sizes.get(year, sizes.get(str(year)))


def _some_learners(answer: Any) -> bool:
    if isinstance(answer, str):
        return answer in (SOME, MOST, ALL)
    count = _count(answer)
    return count is not None and count > 0


def _year_group_answer(value: Mapping[Any, Any], year: int) -> Any:
    answer = value.get(str(year), value.get(year))
    if isinstance(answer, str) and answer.strip() == "":
        return None
    return answer


def _count(answer: Any) -> int | None:
    if not isinstance(answer, Mapping) or set(answer) != {"count"}:
        return None
    count = answer["count"]
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        return None
    return count


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        return None
    return float(value)


# --- criteria, benchmarks, the headline ---------------------------------------------------


def score_criterion(
    criterion: Criterion, answers: Mapping[str, Any], year_group_sizes: Mapping[int, int] | None = None
) -> CriterionResult:
    scored = [q for q in criterion.questions if q.scored]
    met = sum(1 for q in scored if question_met(q, answers.get(q.id), year_group_sizes))
    if scored and met == len(scored):
        status = ACHIEVED
    elif any(question_progress(q, answers.get(q.id), year_group_sizes) for q in scored):
        status = IN_PROGRESS
    else:
        status = NOT_STARTED
    return CriterionResult(criterion.id, status, met, len(scored))


def percentage(achieved: int, applicable: int) -> int | None:
    """round(100 × achieved / applicable), halves up, but never 100 unless every criterion
    is achieved and never 0 unless none is; ``None`` when no criterion applies."""
    if applicable == 0:
        return None
    rounded = (200 * achieved + applicable) // (2 * applicable)
    if achieved < applicable:
        rounded = min(rounded, 99)
    if achieved > 0:
        rounded = max(rounded, 1)
    return rounded


def score(
    framework: Framework,
    evaluation_type: str,
    answers: Mapping[str, Any],
    year_group_sizes: Mapping[int, int] | None = None,
) -> Result:
    _check_type(evaluation_type)
    benchmarks = []
    for benchmark in framework.for_type(evaluation_type).benchmarks:
        criteria = tuple(score_criterion(c, answers, year_group_sizes) for c in benchmark.criteria)
        achieved = sum(1 for c in criteria if c.status == ACHIEVED)
        benchmarks.append(BenchmarkResult(benchmark.number, percentage(achieved, len(criteria)), criteria))
    return Result(framework.id, evaluation_type, tuple(benchmarks))


def unjudged_counts(
    framework: Framework,
    evaluation_type: str,
    answers: Mapping[str, Any],
    year_group_sizes: Mapping[int, int] | None = None,
) -> dict[str, tuple[int, ...]]:
    """Share questions answered with a count of learners (above zero) for a year group
    whose size directory does not know: ``{question_id: (year, ...)}``. Such a question is
    not met; the results say why with :func:`unjudged_message`."""
    sizes = year_group_sizes
    unjudged: dict[str, tuple[int, ...]] = {}
    for question in _questions(framework, evaluation_type):
        value = answers.get(question.id)
        if question.answer_type != YEAR_GROUP_SHARE or not isinstance(value, Mapping):
            continue
        years = tuple(
            year
            for year in question.year_groups
            if (_count(_year_group_answer(value, year)) or 0) > 0 and not _size(sizes, year)
        )
        if years:
            unjudged[question.id] = years
    return unjudged


def unjudged_message(years: tuple[int, ...]) -> str:
    named = _years(years)
    return (
        f"The number of learners given for {named} cannot be judged as a share, because the roster "
        f"does not say how many learners are in {'that year group' if len(years) == 1 else 'those year groups'}. "
        "Import the roster or answer with none, some, most or all."
    )


# --- before submitting --------------------------------------------------------------------


def missing_required(framework: Framework, evaluation_type: str, answers: Mapping[str, Any]) -> list[str]:
    """Required questions not yet answered in full, in framework order."""
    _check_type(evaluation_type)
    return [
        q.id
        for q in _questions(framework, evaluation_type)
        if q.required and not is_complete(q, answers.get(q.id))
    ]


def answer_errors(
    framework: Framework,
    evaluation_type: str,
    answers: Mapping[str, Any],
    year_group_sizes: Mapping[int, int] | None = None,
) -> dict[str, list[str]]:
    """What is wrong with each answer, by question id; empty when every value fits its
    question. ``None`` (not answered) is never wrong."""
    _check_type(evaluation_type)
    asked = {q.id: q for q in _questions(framework, evaluation_type)}
    every = framework.questions()
    errors: dict[str, list[str]] = {}
    for question_id, value in answers.items():
        if question_id in asked:
            problems = _value_errors(asked[question_id], value, year_group_sizes or {})
        elif question_id in every:
            problems = [f"This question is not part of the {_type_name(evaluation_type)} evaluation."]
        else:
            problems = ["There is no such question in this evaluation."]
        if problems:
            errors[str(question_id)] = problems
    return errors


def _value_errors(question: Question, value: Any, sizes: Mapping[int, int]) -> list[str]:
    if value is None:
        return []
    check = {
        YES_NO: _yes_no_errors,
        SINGLE_CHOICE: _choice_errors,
        NUMBER: _number_errors,
        EVIDENCE: _evidence_errors,
    }.get(question.answer_type)
    if check is not None:
        return check(question, value)
    return _share_errors(question, value, sizes)


def _yes_no_errors(question: Question, value: Any) -> list[str]:
    return [] if value in ("yes", "no") else ["Answer yes or no."]


def _choice_errors(question: Question, value: Any) -> list[str]:
    if any(option.value == value for option in question.options):
        return []
    labels = "; ".join(option.label for option in question.options)
    return [f"Choose one of the answers offered: {labels}."]


def _number_errors(question: Question, value: Any) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return ["Enter a number, such as 0, 3 or 12."]
    if value < 0:
        return ["Enter a number of 0 or more."]
    return []


def _evidence_errors(question: Question, value: Any) -> list[str]:
    if not isinstance(value, str):
        return ["Enter your evidence as text."]
    if len(value) > EVIDENCE_MAX_LENGTH:
        return [f"Evidence must be {EVIDENCE_MAX_LENGTH:,} characters or fewer; this is {len(value):,}."]
    return []


def _share_errors(question: Question, value: Any, sizes: Mapping[int, int]) -> list[str]:
    if not isinstance(value, Mapping):
        return ["Answer for each year group: none, some, most or all, or a number of learners."]
    problems = []
    asked = {str(year): year for year in question.year_groups}
    for key, answer in value.items():
        year = asked.get(str(key))
        if year is None:
            problems.append(
                f"{_year_label(key)} is not asked about in this question; it asks about {_years(question.year_groups)}."
            )
        elif answer is not None:
            problems.extend(_year_group_errors(year, answer, _size(sizes, year)))
    return problems


def _year_group_errors(year: int, answer: Any, size: int | None) -> list[str]:
    if isinstance(answer, str) and (answer in SHARE_BANDS or answer.strip() == ""):
        return []
    if not isinstance(answer, Mapping) or set(answer) != {"count"}:
        return [f"Year {year}: choose none, some, most or all, or give a number of learners."]
    return _count_errors(year, answer["count"], size)


def _count_errors(year: int, count: Any, size: int | None) -> list[str]:
    if isinstance(count, bool) or not isinstance(count, int):
        return [f"Year {year}: the number of learners must be a whole number, such as 0 or 143."]
    if count < 0:
        return [f"Year {year}: the number of learners must be 0 or more."]
    if size and count > size:
        return [
            f"Year {year}: the roster has {size} learners in Year {year}, so the number cannot be more than {size}."
        ]
    return []


# --- helpers ------------------------------------------------------------------------------


def _questions(framework: Framework, evaluation_type: str) -> list[Question]:
    return [
        q for b in framework.for_type(evaluation_type).benchmarks for c in b.criteria for q in c.questions
    ]


def _check_type(evaluation_type: str) -> None:
    if evaluation_type not in EVALUATION_TYPES:
        raise ValueError(f"unknown evaluation type {evaluation_type!r}")


def _type_name(evaluation_type: str) -> str:
    return {SCHOOL: "school", SPECIALIST: "specialist setting", FE_ITP: "FE college and ITP"}[evaluation_type]


def _year_label(key: Any) -> str:
    return f"Year {key}" if str(key).isdigit() else f"'{key}'"


def _years(years: tuple[int, ...]) -> str:
    labels = [f"Year {year}" for year in years]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]
