"""The questionnaire's form fields and answers, both ways, and answers as text.

Each question is one field named by its id (radios for yes/no and single choice, a
number input, a textarea for evidence), except a share of learners, which has a row per
year group: radios ``<id>.<year>`` (none, some, most, all) and a number-of-learners
input ``<id>.<year>.count``. The first input of every question has the id
``field_id(<question id>)``, which the error summary links to.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from waymark_audit.domain.frameworks import (
    EVIDENCE,
    NUMBER,
    SHARE_BANDS,
    SINGLE_CHOICE,
    YEAR_GROUP_SHARE,
    YES_NO,
    Question,
)

_WHOLE = re.compile(r"\d+")
_NUMBER = re.compile(r"\d+(\.\d+)?")
BAND_LABELS = {"none": "None", "some": "Some", "most": "Most", "all": "All"}


def year_field(question: Question, year: int) -> str:
    return f"{question.id}.{year}"


def count_field(question: Question, year: int) -> str:
    return f"{question.id}.{year}.count"


def form_from_answers(questions: Iterable[Question], answers: Mapping[str, Any]) -> dict[str, str]:
    """The fields of a page showing ``answers``."""
    form: dict[str, str] = {}
    for question in questions:
        value = answers.get(question.id)
        if value is None:
            continue
        if question.answer_type == YEAR_GROUP_SHARE and isinstance(value, Mapping):
            for year in question.year_groups:
                answer = value.get(str(year), value.get(year))
                if isinstance(answer, str):
                    form[year_field(question, year)] = answer
                elif isinstance(answer, Mapping) and "count" in answer:
                    form[count_field(question, year)] = str(answer["count"])
        elif question.answer_type == NUMBER:
            form[question.id] = _number_text(value)
        else:
            form[question.id] = str(value)
    return form


def answers_from_form(
    questions: Iterable[Question], form: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The answers a page's fields give, each question's (``None``: not answered), and
    what could not be read, by question id. Values are checked against their questions
    by the service layer; here only what a form cannot say (text for a number)."""
    answers: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for question in questions:
        if question.answer_type == YEAR_GROUP_SHARE:
            value, problems = _share(question, form)
        elif question.answer_type == NUMBER:
            value, problems = _number(form.get(question.id, ""))
        elif question.answer_type == EVIDENCE:
            text = form.get(question.id, "").strip()
            value, problems = (text or None), []
        else:
            choice = form.get(question.id, "").strip()
            value, problems = (choice or None), []
        answers[question.id] = value
        if problems:
            errors[question.id] = problems
    return answers, errors


def _number(text: str) -> tuple[Any, list[str]]:
    text = text.strip().replace(",", "")
    if not text:
        return None, []
    if _WHOLE.fullmatch(text):
        return int(text), []
    if _NUMBER.fullmatch(text):
        number = float(text)
        if math.isfinite(number):
            return number, []
    if text.startswith("-") and _NUMBER.fullmatch(text[1:]):
        return None, ["Enter a number of 0 or more."]
    return None, ["Enter a number, such as 0, 3 or 12."]


def _share(question: Question, form: Mapping[str, str]) -> tuple[Any, list[str]]:
    value: dict[str, Any] = {}
    problems: list[str] = []
    for year in question.year_groups:
        band = form.get(year_field(question, year), "").strip()
        count = form.get(count_field(question, year), "").strip().replace(",", "")
        if count and band:
            problems.append(
                f"Year {year}: choose none, some, most or all, or give a number of learners, not both."
            )
        elif count:
            if _WHOLE.fullmatch(count):
                value[str(year)] = {"count": int(count)}
            else:
                problems.append(
                    f"Year {year}: the number of learners must be a whole number, such as 0 or 143."
                )
        elif band:
            value[str(year)] = band
    return (value or None), problems


def answer_lines(question: Question, value: Any) -> list[str]:
    """An answer as a person reads it, a line each (a share: a line per year group);
    empty when not answered."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return []
    if question.answer_type == YES_NO:
        return [{"yes": "Yes", "no": "No"}.get(str(value), str(value))]
    if question.answer_type == SINGLE_CHOICE:
        labels = {option.value: option.label for option in question.options}
        return [labels.get(str(value), str(value))]
    if question.answer_type == NUMBER:
        return [_number_text(value)]
    if question.answer_type == YEAR_GROUP_SHARE and isinstance(value, Mapping):
        lines = []
        for year in question.year_groups:
            answer = value.get(str(year), value.get(year))
            if isinstance(answer, str) and answer in SHARE_BANDS:
                lines.append(f"Year {year}: {BAND_LABELS[answer]}")
            elif isinstance(answer, Mapping) and "count" in answer:
                count = answer["count"]
                lines.append(f"Year {year}: {count} {'learner' if count == 1 else 'learners'}")
            else:
                lines.append(f"Year {year}: not answered")
        return lines
    return [str(value)]


def _number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
