"""Benchmark frameworks as data: benchmarks, their criteria, and the questions that
evidence each criterion, for each evaluation type.

The frameworks themselves ("Gatsby 2018", "Gatsby 2025") are files in
``waymark_audit/frameworks/`` loaded by ``waymark_audit.adapters.framework_files``;
this module only says what a framework is. Nothing here is scored: see
``waymark_audit.domain.scoring`` and ``services/audit/docs/scoring.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from waymark_audit.domain.evaluation_types import FE_ITP, SCHOOL, SPECIALIST

EVALUATION_TYPES = (SCHOOL, SPECIALIST, FE_ITP)

# Typed answers. The value each takes in an evaluation's answers:
YES_NO = "yes_no"  # "yes" | "no"
SINGLE_CHOICE = "single_choice"  # one option's value
YEAR_GROUP_SHARE = "year_group_share"  # {"9": "most", "10": {"count": 143}, ...} per year group
NUMBER = "number"  # a number >= 0
EVIDENCE = "evidence"  # free text: recorded, never scored
ANSWER_TYPES = (YES_NO, SINGLE_CHOICE, YEAR_GROUP_SHARE, NUMBER, EVIDENCE)

# Shares of learners, in order; a year group's answer is a band or a count of learners.
SHARE_BANDS = ("none", "some", "most", "all")


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    meets: bool = False  # choosing it meets the question


@dataclass(frozen=True)
class Question:
    """One question; ``meets`` says which answer meets it:

    * yes/no: the answer ``"yes"`` meets it (or ``"no"`` when ``meets == "no"``);
    * single choice: an option marked ``meets``;
    * share of learners: every year group asked reaches the band ``meets`` ("all" or
      "most"); a count is turned into a share with the roster's year-group size;
    * number: at least ``meets``;
    * evidence: never scored, so never counted in a criterion.
    """

    id: str
    text: str
    answer_type: str
    required: bool = True
    hint: str = ""
    options: tuple[Option, ...] = ()
    year_groups: tuple[int, ...] = ()
    meets: str | float | None = None

    @property
    def scored(self) -> bool:
        return self.answer_type != EVIDENCE


@dataclass(frozen=True)
class Criterion:
    id: str  # "1.2": benchmark 1, criterion 2
    text: str
    questions: tuple[Question, ...]
    evaluation_types: tuple[str, ...] = EVALUATION_TYPES
    suggested_actions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Benchmark:
    number: int
    title: str
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Framework:
    """A version of the benchmarks: ``gatsby-2018`` or ``gatsby-2025``."""

    id: str
    title: str
    in_force_from: date
    in_force_until: date | None
    benchmarks: tuple[Benchmark, ...]
    sources: tuple[str, ...] = field(default=())

    def for_type(self, evaluation_type: str) -> Framework:
        """The framework as an institution of ``evaluation_type`` answers it: only the
        criteria that apply to it."""
        benchmarks = tuple(
            Benchmark(
                b.number, b.title, tuple(c for c in b.criteria if evaluation_type in c.evaluation_types)
            )
            for b in self.benchmarks
        )
        return Framework(
            self.id, self.title, self.in_force_from, self.in_force_until, benchmarks, self.sources
        )

    def questions(self) -> dict[str, Question]:
        return {q.id: q for b in self.benchmarks for c in b.criteria for q in c.questions}

    def in_force_on(self, day: date) -> bool:
        return self.in_force_from <= day and (self.in_force_until is None or day <= self.in_force_until)
