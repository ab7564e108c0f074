"""Audit's command handlers for evaluations: each one transaction, the events appended
and the list of evaluations brought up to date together.

A writer names the version it last saw; a save on a stale version raises
:class:`ConcurrencyError` with the version the evaluation is at, so the page can reload
it (nothing is overwritten silently).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.exc import IntegrityError

from waymark_audit.adapters import framework_files
from waymark_audit.adapters.institutions import institution
from waymark_audit.adapters.roster import year_group_sizes
from waymark_audit.adapters.tables import evaluation_type_choices, evaluations, open_evaluations
from waymark_audit.domain.evaluation_types import CLOSED
from waymark_audit.domain.evaluations import (
    COMPLETED,
    AuditAnswersSaved,
    AuditCompleted,
    AuditStarted,
    Evaluation,
    EvaluationTypeChanged,
)
from waymark_audit.domain.frameworks import EVALUATION_TYPES, Framework
from waymark_shared.events.mapping import event_classes, to_domain, to_new_events
from waymark_shared.eventstore.store import ConcurrencyError
from waymark_shared.service import ServiceRuntime

EVENT_CLASSES = event_classes(AuditStarted, AuditAnswersSaved, AuditCompleted)


@dataclass(frozen=True)
class Frameworks:
    """Where the handlers find frameworks: by id, and the one in force on a day."""

    load: Callable[[str], Framework]
    for_day: Callable[[date], Framework]


FRAMEWORK_FILES = Frameworks(framework_files.load_framework, framework_files.framework_for)


def frameworks_of(runtime: ServiceRuntime) -> Frameworks:
    """The frameworks the service was given (``runtime.extras["frameworks"]``), or
    else the framework files."""
    found = runtime.extras.get("frameworks", FRAMEWORK_FILES)
    assert isinstance(found, Frameworks)
    return found


class UnknownInstitution(LookupError):
    def __init__(self, institution_id: str):
        super().__init__(f"Audit has not heard of institution {institution_id}.")


class EvaluationNotFound(LookupError):
    def __init__(self, evaluation_id: str):
        super().__init__(f"There is no evaluation {evaluation_id}.")


class InstitutionClosed(ValueError):
    def __init__(self, institution_id: str):
        super().__init__(f"Institution {institution_id} is closed: it takes no new evaluations.")


class EvaluationInProgress(ValueError):
    """One evaluation at a time: finish (submit) the one in progress first."""

    def __init__(self, evaluation_id: str):
        super().__init__(f"Evaluation {evaluation_id} is in progress: carry on with it, or submit it first.")
        self.evaluation_id = evaluation_id


class NothingToCopy(LookupError):
    def __init__(self, institution_id: str):
        super().__init__(f"Institution {institution_id} has no completed evaluation to copy.")


class InvalidChoice(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(str(errors))
        self.errors = errors


def stream_id(evaluation_id: str) -> str:
    return f"evaluation-{evaluation_id}"


def type_stream_id(institution_id: str) -> str:
    return f"evaluation-type-{institution_id}"


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


# -- reading --------------------------------------------------------------------------


def load_evaluation(evaluation_id: str, runtime: ServiceRuntime) -> Evaluation | None:
    history = runtime.store.read_stream(stream_id(evaluation_id))
    if not history:
        return None
    return Evaluation.from_history([to_domain(event, EVENT_CLASSES) for event in history])


def _for_change(evaluation_id: str, expected_version: int | None, runtime: ServiceRuntime) -> Evaluation:
    evaluation = load_evaluation(evaluation_id, runtime)
    if evaluation is None:
        raise EvaluationNotFound(evaluation_id)
    if expected_version is not None and expected_version != evaluation.version:
        raise ConcurrencyError(stream_id(evaluation_id), expected_version, evaluation.version)
    return evaluation


@contextmanager
def _reported_at_current_version(runtime: ServiceRuntime, stream: str) -> Iterator[None]:
    """A writer that lost the race to append is told the version the winner left."""
    try:
        yield
    except ConcurrencyError as error:
        if error.actual is not None:
            raise
        raise ConcurrencyError(stream, error.expected, runtime.store.stream_version(stream)) from error


# -- commands -------------------------------------------------------------------------


def start_evaluation(
    runtime: ServiceRuntime, institution_id: str, *, copy_last: bool = False, now: datetime | None = None
) -> tuple[Evaluation, list[str]]:
    """A new evaluation against the framework in force today, of the evaluation type the
    institution takes; with ``copy_last``, beginning with the answers of its last
    completed one. Returns it and the ids of copied answers left behind (questions the
    new framework or type does not ask)."""
    now = _now(now)
    found = institution(runtime, institution_id)
    if found is None:
        raise UnknownInstitution(institution_id)
    if found["status"] == CLOSED:
        raise InstitutionClosed(institution_id)
    _refuse_a_second(runtime, institution_id)
    framework = frameworks_of(runtime).for_day(now.date())
    evaluation_id = str(uuid.uuid4())
    left_behind: list[str] = []
    if copy_last:
        previous = last_completed(runtime, institution_id)
        if previous is None:
            raise NothingToCopy(institution_id)
        evaluation, left_behind = Evaluation.copy_from(
            previous,
            evaluation_id,
            framework,
            found["evaluation_type"],
            now,
            year_group_sizes=year_group_sizes(runtime, institution_id),
        )
    else:
        evaluation = Evaluation.start(evaluation_id, framework, found["evaluation_type"], institution_id, now)
    try:
        with runtime.engine.begin() as conn:
            conn.execute(
                open_evaluations.insert().values(institution_id=institution_id, evaluation_id=evaluation_id)
            )
            _save(conn, runtime, evaluation, framework, now, new=True)
    except IntegrityError:
        _refuse_a_second(runtime, institution_id)  # started by someone else meanwhile
        raise
    return evaluation, left_behind


def _refuse_a_second(runtime: ServiceRuntime, institution_id: str) -> None:
    with runtime.engine.connect() as conn:
        open_one = conn.execute(
            select(open_evaluations.c.evaluation_id).where(
                open_evaluations.c.institution_id == institution_id
            )
        ).scalar()
    if open_one is not None:
        raise EvaluationInProgress(open_one)


def save_answers(
    runtime: ServiceRuntime,
    evaluation_id: str,
    part: Mapping[str, Any],
    expected_version: int | None,
    *,
    now: datetime | None = None,
) -> Evaluation:
    """Save a part of the answers over the version the writer last saw (a number of
    learners is checked against the year group's size on the roster)."""
    evaluation = _for_change(evaluation_id, expected_version, runtime)
    framework = frameworks_of(runtime).load(evaluation.framework_id)
    sizes = year_group_sizes(runtime, evaluation.institution_id)
    evaluation.save_answers(framework, part, year_group_sizes=sizes)
    if evaluation.pending:
        with _reported_at_current_version(runtime, stream_id(evaluation_id)), runtime.engine.begin() as conn:
            _save(conn, runtime, evaluation, framework, _now(now))
    return evaluation


def submit_evaluation(
    runtime: ServiceRuntime, evaluation_id: str, expected_version: int | None, *, now: datetime | None = None
) -> Evaluation:
    """Complete it with its result; refused with the missing questions while required
    ones are unanswered (:class:`~waymark_audit.domain.evaluations.MissingAnswers`).
    Numbers of learners are judged against the roster's year-group sizes as they are now."""
    now = _now(now)
    evaluation = _for_change(evaluation_id, expected_version, runtime)
    framework = frameworks_of(runtime).load(evaluation.framework_id)
    evaluation.submit(framework, now, year_group_sizes=year_group_sizes(runtime, evaluation.institution_id))
    with _reported_at_current_version(runtime, stream_id(evaluation_id)), runtime.engine.begin() as conn:
        _save(conn, runtime, evaluation, framework, now)
        conn.execute(
            delete(open_evaluations).where(
                open_evaluations.c.institution_id == evaluation.institution_id,
                open_evaluations.c.evaluation_id == evaluation_id,
            )
        )
    return evaluation


def _save(
    conn: Connection,
    runtime: ServiceRuntime,
    evaluation: Evaluation,
    framework: Framework,
    now: datetime,
    *,
    new: bool = False,
) -> None:
    """Append the pending events at the version it was loaded at and bring its row in
    the list up to date, on ``conn``."""
    events = to_new_events(evaluation.pending, evaluation.institution_id)
    runtime.store.append(stream_id(evaluation.evaluation_id), evaluation.version, events, connection=conn)
    evaluation.version, evaluation.pending = evaluation.version + len(events), []
    values: dict[str, Any] = {
        "status": evaluation.status,
        "version": evaluation.version,
        "updated_at": now.isoformat(),
        "answered": len(evaluation.answers),
    }
    if evaluation.completed is not None:
        completed = evaluation.completed
        values.update(
            completed_at=completed.completed_at,
            benchmarks_achieved=completed.benchmarks_achieved,
            result={
                "benchmarks": completed.benchmarks,
                "criteria": completed.criteria,
                "benchmarks_achieved": completed.benchmarks_achieved,
            },
        )
    if new:
        conn.execute(
            evaluations.insert().values(
                evaluation_id=evaluation.evaluation_id,
                institution_id=evaluation.institution_id,
                framework_id=evaluation.framework_id,
                evaluation_type=evaluation.evaluation_type,
                started_at=evaluation.started_at,
                copied_from=evaluation.copied_from,
                **values,
            )
        )
    else:
        conn.execute(
            update(evaluations)
            .where(evaluations.c.evaluation_id == evaluation.evaluation_id)
            .values(**values)
        )


def last_completed(
    runtime: ServiceRuntime, institution_id: str, before: str | None = None
) -> Evaluation | None:
    """The institution's latest completed evaluation (completed before ``before``)."""
    query = (
        select(evaluations.c.evaluation_id)
        .where(evaluations.c.institution_id == institution_id, evaluations.c.status == COMPLETED)
        .order_by(evaluations.c.completed_at.desc())
        .limit(1)
    )
    if before is not None:
        query = query.where(evaluations.c.completed_at < before)
    with runtime.engine.connect() as conn:
        evaluation_id = conn.execute(query).scalar()
    return None if evaluation_id is None else load_evaluation(evaluation_id, runtime)


def change_evaluation_type(
    runtime: ServiceRuntime,
    institution_id: str,
    evaluation_type: str,
    reason: str,
    expected_version: int | None = None,
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Record a careers leader's choice of evaluation type, with the reason. From then
    on it stands whatever institution type directory gives. Evaluations already
    started keep the type they were started with."""
    errors: dict[str, list[str]] = {}
    if evaluation_type not in EVALUATION_TYPES:
        errors["evaluation_type"] = [f"Choose one of {', '.join(EVALUATION_TYPES)}."]
    if not reason.strip():
        errors["reason"] = ["Say why the institution takes this evaluation type."]
    if errors:
        raise InvalidChoice(errors)
    stream = type_stream_id(institution_id)
    with _reported_at_current_version(runtime, stream), runtime.engine.begin() as conn:
        found = institution(runtime, institution_id, conn)
        if found is None:
            raise UnknownInstitution(institution_id)
        version = runtime.store.stream_version(stream, connection=conn)
        if expected_version is not None and expected_version != version:
            raise ConcurrencyError(stream, expected_version, version)
        if (
            found["chosen"]
            and found["evaluation_type"] == evaluation_type
            and found["reason"] == reason.strip()
        ):
            return found  # chosen already, for the same reason: nothing to record
        event = EvaluationTypeChanged(
            institution_id, evaluation_type, found["evaluation_type"], reason.strip()
        )
        runtime.store.append(stream, version, to_new_events([event], institution_id), connection=conn)
        values = {
            "evaluation_type": evaluation_type,
            "reason": reason.strip(),
            "changed_at": _now(now).isoformat(),
            "version": version + 1,
        }
        if found["chosen"]:
            conn.execute(
                update(evaluation_type_choices)
                .where(evaluation_type_choices.c.institution_id == institution_id)
                .values(**values)
            )
        else:
            conn.execute(evaluation_type_choices.insert().values(institution_id=institution_id, **values))
        return institution(runtime, institution_id, conn) or found
