"""An evaluation, event sourced: started (new, or copied from the institution's last
completed one), answered and saved in parts by any of the institution's careers staff,
and submitted, which completes it with its result.

Answers are about the careers programme, never about pupils: a question id and a
value (see :mod:`waymark_audit.domain.frameworks`), no names. Who saved what is the
actor on each event's envelope, not part of its data.

Pure: the clock, the framework and the version the writer last saw are passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from waymark_audit.domain import scoring
from waymark_audit.domain.frameworks import Framework

IN_PROGRESS, COMPLETED = "in_progress", "completed"


# -- events ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditStarted:
    evaluation_id: str
    institution_id: str
    framework_id: str
    evaluation_type: str
    started_at: str  # ISO 8601
    copied_from: str | None = None  # the completed evaluation whose answers it began with


@dataclass(frozen=True)
class AuditAnswersSaved:
    """A part of the answers: each value replaces the last; ``None`` clears an answer."""

    evaluation_id: str
    institution_id: str
    answers: dict[str, Any]


@dataclass(frozen=True)
class AuditCompleted:
    """Submitted with every required question answered: the result, whole, so that
    planner and reporting never need to ask audit."""

    evaluation_id: str
    institution_id: str
    framework_id: str
    evaluation_type: str
    completed_at: str  # ISO 8601
    # {"number", "percentage", "achieved"}; percentage None: no criterion applies to the type
    benchmarks: list[dict[str, Any]]
    criteria: list[dict[str, Any]]  # {"criterion_id", "benchmark", "status", "met", "scored"}
    benchmarks_achieved: int
    copied_from: str | None = None


@dataclass(frozen=True)
class EvaluationTypeChanged:
    """A careers leader chose the evaluation type, overriding the one the institution
    type gives; later changes of institution type no longer change it."""

    institution_id: str
    evaluation_type: str
    previous_evaluation_type: str
    reason: str


# -- refusals -------------------------------------------------------------------------


class InvalidAnswers(ValueError):
    """Answers refused, per question id; nothing is saved."""

    def __init__(self, errors: Mapping[str, list[str]]):
        super().__init__(f"invalid answers: {dict(errors)}")
        self.errors = dict(errors)


class MissingAnswers(ValueError):
    """Submitted with required questions unanswered: their ids, in framework order."""

    def __init__(self, missing: Sequence[str]):
        super().__init__(f"{len(missing)} required questions are unanswered")
        self.missing = list(missing)


class EvaluationCompleted(ValueError):
    """A completed evaluation is a record: it is not changed, it is copied."""


class WrongFramework(ValueError):
    pass


# -- the aggregate --------------------------------------------------------------------


@dataclass
class Evaluation:
    evaluation_id: str
    institution_id: str
    framework_id: str
    evaluation_type: str
    started_at: str
    copied_from: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    status: str = IN_PROGRESS
    completed: AuditCompleted | None = None
    version: int = 0
    pending: list[Any] = field(default_factory=list)

    @classmethod
    def start(
        cls,
        evaluation_id: str,
        framework: Framework,
        evaluation_type: str,
        institution_id: str,
        now: datetime,
    ) -> Evaluation:
        started = AuditStarted(evaluation_id, institution_id, framework.id, evaluation_type, now.isoformat())
        evaluation = cls._from_started(started)
        evaluation.pending.append(started)
        return evaluation

    @classmethod
    def copy_from(
        cls,
        previous: Evaluation,
        evaluation_id: str,
        framework: Framework,
        evaluation_type: str,
        now: datetime,
        *,
        year_group_sizes: Mapping[int, int] | None = None,
    ) -> tuple[Evaluation, list[str]]:
        """A new evaluation beginning with ``previous``'s answers (a completed one of the
        same institution), to be updated. Answers to questions this framework and type
        do not ask, or no longer valid, are left behind: their ids are returned."""
        if previous.status != COMPLETED:
            raise ValueError("only a completed evaluation is copied")
        started = AuditStarted(
            evaluation_id,
            previous.institution_id,
            framework.id,
            evaluation_type,
            now.isoformat(),
            copied_from=previous.evaluation_id,
        )
        evaluation = cls._from_started(started)
        evaluation.pending.append(started)
        errors = scoring.answer_errors(framework, evaluation_type, previous.answers, year_group_sizes)
        kept = {qid: value for qid, value in previous.answers.items() if qid not in errors}
        if kept:
            evaluation._record(AuditAnswersSaved(evaluation_id, evaluation.institution_id, kept))
        left = sorted(set(previous.answers) - set(kept))
        return evaluation, left

    @classmethod
    def from_history(cls, events: Iterable[Any]) -> Evaluation:
        events = list(events)
        first = events[0]
        if not isinstance(first, AuditStarted):
            raise ValueError("an evaluation's stream begins with AuditStarted")
        evaluation = cls._from_started(first)
        for event in events[1:]:
            evaluation._apply(event)
        evaluation.version = len(events)
        return evaluation

    @classmethod
    def _from_started(cls, started: AuditStarted) -> Evaluation:
        return cls(
            started.evaluation_id,
            started.institution_id,
            started.framework_id,
            started.evaluation_type,
            started.started_at,
            started.copied_from,
        )

    # -- commands ---------------------------------------------------------------------

    def save_answers(
        self,
        framework: Framework,
        part: Mapping[str, Any],
        *,
        year_group_sizes: Mapping[int, int] | None = None,
    ) -> None:
        """Save a part of the answers. Refused whole (:class:`InvalidAnswers`) if any
        question id is not asked of this evaluation or any value is not valid for its
        question (a number of learners above the year group's size on the roster, say);
        a part that changes nothing records nothing."""
        self._check(framework)
        if self.status == COMPLETED:
            raise EvaluationCompleted("This evaluation is completed; copy it to start a new one.")
        errors = scoring.answer_errors(framework, self.evaluation_type, part, year_group_sizes)
        if errors:
            raise InvalidAnswers(errors)
        changed = {
            qid: value
            for qid, value in part.items()
            if (value is None and qid in self.answers)
            or (value is not None and self.answers.get(qid) != value)
        }
        if changed:
            self._record(AuditAnswersSaved(self.evaluation_id, self.institution_id, changed))

    def submit(
        self, framework: Framework, now: datetime, *, year_group_sizes: Mapping[int, int] | None = None
    ) -> AuditCompleted:
        """Complete it, scored (numbers of learners judged against ``year_group_sizes``,
        the roster's); :class:`MissingAnswers` while required questions are unanswered."""
        self._check(framework)
        if self.status == COMPLETED:
            raise EvaluationCompleted("This evaluation is already completed.")
        missing = scoring.missing_required(framework, self.evaluation_type, self.answers)
        if missing:
            raise MissingAnswers(missing)
        result = scoring.score(framework, self.evaluation_type, self.answers, year_group_sizes)
        completed = AuditCompleted(
            evaluation_id=self.evaluation_id,
            institution_id=self.institution_id,
            framework_id=self.framework_id,
            evaluation_type=self.evaluation_type,
            completed_at=now.isoformat(),
            copied_from=self.copied_from,
            **result_payload(result),
        )
        self._record(completed)
        return completed

    # -- state ------------------------------------------------------------------------

    def result(
        self, framework: Framework, *, year_group_sizes: Mapping[int, int] | None = None
    ) -> scoring.Result:
        """The result: as completed, or as the answers so far would score (against
        ``year_group_sizes`` today)."""
        if self.completed is not None:
            return result_from(self.completed)
        self._check(framework)
        return scoring.score(framework, self.evaluation_type, self.answers, year_group_sizes)

    def _check(self, framework: Framework) -> None:
        if framework.id != self.framework_id:
            raise WrongFramework(f"evaluation {self.evaluation_id} is against {self.framework_id}")

    def _record(self, event: Any) -> None:
        self._apply(event)
        self.pending.append(event)

    def _apply(self, event: Any) -> None:
        if isinstance(event, AuditAnswersSaved):
            for qid, value in event.answers.items():
                if value is None:
                    self.answers.pop(qid, None)
                else:
                    self.answers[qid] = value
        elif isinstance(event, AuditCompleted):
            self.status, self.completed = COMPLETED, event


# -- results as event data ------------------------------------------------------------


def result_payload(result: scoring.Result) -> dict[str, Any]:
    """The result as :class:`AuditCompleted` carries it."""
    return {
        "benchmarks": [
            {"number": b.number, "percentage": b.percentage, "achieved": b.achieved}
            for b in result.benchmarks
        ],
        "criteria": [
            {
                "criterion_id": c.criterion_id,
                "benchmark": b.number,
                "status": c.status,
                "met": c.met,
                "scored": c.scored,
            }
            for b in result.benchmarks
            for c in b.criteria
        ],
        "benchmarks_achieved": result.benchmarks_achieved,
    }


def result_from(completed: AuditCompleted) -> scoring.Result:
    """The :class:`scoring.Result` an :class:`AuditCompleted` records."""
    return scoring.Result(
        completed.framework_id,
        completed.evaluation_type,
        tuple(
            scoring.BenchmarkResult(
                b["number"],
                b["percentage"],
                tuple(
                    scoring.CriterionResult(c["criterion_id"], c["status"], c["met"], c["scored"])
                    for c in completed.criteria
                    if c["benchmark"] == b["number"]
                ),
            )
            for b in completed.benchmarks
        ),
    )


def progress(framework: Framework, evaluation_type: str, answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per benchmark: how many of its questions are answered, and of its required ones."""
    rows = []
    for benchmark in framework.for_type(evaluation_type).benchmarks:
        questions = [q for c in benchmark.criteria for q in c.questions]
        required = [q for q in questions if q.required]
        rows.append(
            {
                "number": benchmark.number,
                "title": benchmark.title,
                "questions": len(questions),
                "answered": sum(q.id in answers for q in questions),
                "required": len(required),
                "required_answered": sum(q.id in answers for q in required),
            }
        )
    return rows
