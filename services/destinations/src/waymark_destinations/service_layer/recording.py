"""Destinations' command handlers: each one transaction, the learner's events appended
and destinations' own tables (current destinations, consent, free text) brought up to
date together. A request that changes nothing appends nothing.

The learner's stream is read, the decision made (domain/destinations.py) and the
events appended at the version read: a writer who lost a race gets
:class:`ConcurrencyError`, and nothing is half written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from waymark_destinations.adapters.institutions import institution
from waymark_destinations.adapters.tables import consents, destination_details, destinations, learners
from waymark_destinations.domain import sustained
from waymark_destinations.domain.categories import BY_CODE
from waymark_destinations.domain.consent import LearnerFacts
from waymark_destinations.domain.destinations import (
    Context,
    LearnerDestinations,
    decide_consent,
    decide_intended,
    decide_judgement,
    decide_recorded,
)
from waymark_destinations.domain.events import (
    DestinationConsentRecorded,
    DestinationIntended,
    DestinationNotSustained,
    DestinationRecorded,
    DestinationSustained,
)
from waymark_destinations.service_layer.clock import today
from waymark_shared.events.mapping import event_classes, to_domain, to_new_events
from waymark_shared.eventstore.store import ConcurrencyError
from waymark_shared.service import ServiceRuntime

EVENT_CLASSES = event_classes(
    DestinationIntended,
    DestinationRecorded,
    DestinationSustained,
    DestinationNotSustained,
    DestinationConsentRecorded,
)
Decision = Callable[[LearnerDestinations, Context, Connection], list[Any]]


class UnknownLearner(LookupError):
    """Not a learner destinations has heard of (at this institution, when one is named)."""

    def __init__(self, learner_id: str):
        super().__init__(f"There is no learner {learner_id} at your institution.")
        self.learner_id = learner_id


@dataclass(frozen=True)
class Detail:
    """Free text kept beside a destination (personal data: erased on request)."""

    provider: str | None = None
    notes: str | None = None

    def __bool__(self) -> bool:
        return bool(self.provider or self.notes)


def stream_id(learner_id: str) -> str:
    return f"destination-{learner_id}"


def learner_facts(conn: Connection, learner_id: str) -> LearnerFacts | None:
    row = conn.execute(select(learners).where(learners.c.learner_id == learner_id)).first()
    if row is None:
        return None
    return facts_from_row(dict(row._mapping))


def facts_from_row(row: dict[str, Any]) -> LearnerFacts:
    return LearnerFacts(
        row["learner_id"],
        row["institution_id"],
        row["year_group"],
        row["cohort"],
        bool(row["on_roll"]),
        row["leaving_date"],
    )


def load_state(runtime: ServiceRuntime, learner_id: str) -> LearnerDestinations:
    history = runtime.store.read_stream(stream_id(learner_id))
    return LearnerDestinations.from_history(learner_id, [to_domain(e, EVENT_CLASSES) for e in history])


def context_for(runtime: ServiceRuntime, conn: Connection, learner_id: str, institution_id: str | None) -> Context:
    facts = learner_facts(conn, learner_id)
    if facts is None or (institution_id is not None and facts.institution_id != institution_id):
        raise UnknownLearner(learner_id)
    found = institution(runtime, facts.institution_id, conn) or {}
    return Context(facts, found.get("status", "open") == "open", found.get("high_age"), today(runtime))


def _run(
    runtime: ServiceRuntime,
    learner_id: str,
    decide: Decision,
    *,
    institution_id: str | None = None,
    detail: Detail | None = None,
    expected_version: int | None = None,
) -> tuple[LearnerDestinations, list[Any]]:
    """``expected_version``: the version of the learner's stream the writer last saw (an
    API's If-Match); another is refused with :class:`ConcurrencyError`."""
    state = load_state(runtime, learner_id)
    if expected_version is not None and expected_version != state.version:
        raise ConcurrencyError(stream_id(learner_id), expected_version, state.version)
    with runtime.engine.begin() as conn:
        ctx = context_for(runtime, conn, learner_id, institution_id)
        events = decide(state, ctx, conn)
        write(conn, runtime, state, ctx, events, detail)
    return state, events


def write(  # noqa: PLR0917 (the transaction, and what it writes)
    conn: Connection,
    runtime: ServiceRuntime,
    state: LearnerDestinations,
    ctx: Context,
    events: list[Any],
    detail: Detail | None = None,
    *,
    at: datetime | None = None,
    rows_later: list[tuple[LearnerDestinations, str, str]] | None = None,
) -> None:
    """Append ``events`` at the version ``state`` was read at, and update the tables.
    ``at``: when they happened (the demo's history), else now. ``rows_later``: the
    destination rows to bring up to date are added to it, for :func:`save_rows` to
    write at once (an import), instead of one by one."""
    if not events:
        return
    new = to_new_events(events, ctx.learner.institution_id)
    if at is not None:
        stamp = at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        new = [replace(event, time=stamp) for event in new]
    runtime.store.append(stream_id(state.learner_id), state.version, new, connection=conn)
    touched: set[str] = set()
    for event in events:
        state.apply(event)
        if isinstance(event, DestinationConsentRecorded):
            _save_consent(conn, event)
        else:
            touched.add(event.leaving_point)
            if detail and isinstance(event, DestinationRecorded):
                conn.execute(
                    destination_details.insert(),
                    {"learner_id": state.learner_id, "stream_version": state.version,
                     "provider": detail.provider, "notes": detail.notes},
                )  # fmt: skip
    for leaving_point in touched:
        if rows_later is None:
            save_row(conn, state, ctx.learner.institution_id, leaving_point)
        else:
            rows_later.append((state, ctx.learner.institution_id, leaving_point))


def row_values(state: LearnerDestinations, leaving_point: str) -> dict[str, Any] | None:
    point = state.points[leaving_point]
    anything = point.intended or point.actual
    if anything is None:
        return None
    values: dict[str, Any] = dict.fromkeys(
        ("intended_category", "intended_on", "category", "start_date", "source", "evidence_date",
         "september_guarantee", "sustained", "judged_from", "period_ended"),
    )  # fmt: skip
    values["leaving_cohort"] = anything["leaving_cohort"]
    if point.intended:
        values["intended_category"] = point.intended["category"]
        values["intended_on"] = date.fromisoformat(point.intended["evidence_date"])
    actual = point.actual
    if actual:
        start = date.fromisoformat(actual["start_date"])
        values.update(
            category=actual["category"],
            start_date=start,
            source=actual["source"],
            evidence_date=date.fromisoformat(actual["evidence_date"]),
            september_guarantee=actual["september_guarantee"],
        )
        if BY_CODE[actual["category"]].can_be_sustained:
            period = sustained.period_for(actual["category"], start, actual["leaving_cohort"])
            values["judged_from"] = period.judged_from
            values["period_ended"] = period.ends
            values["sustained"] = point.judgement["outcome"] if point.judgement else sustained.PENDING
    return values


def save_row(conn: Connection, state: LearnerDestinations, institution_id: str, leaving_point: str) -> None:
    values = row_values(state, leaving_point)
    if values is None:
        return
    values.update(institution_id=institution_id, updated_at=datetime.now(UTC).isoformat())
    params = {"key_learner": state.learner_id, "key_point": leaving_point, **{f"new_{c}": values[c] for c in _ROW_COLUMNS}}
    if not conn.execute(_UPDATE_ROW, params).rowcount:
        conn.execute(destinations.insert(), {"learner_id": state.learner_id, "leaving_point": leaving_point, **values})


_ROW_COLUMNS = (
    "institution_id", "leaving_cohort", "intended_category", "intended_on", "category", "start_date", "source",
    "evidence_date", "september_guarantee", "sustained", "judged_from", "period_ended", "updated_at",
)  # fmt: skip


# Built once: a statement made afresh for every row costs more than running it.
_UPDATE_ROW = (
    update(destinations)
    .where(destinations.c.learner_id == bindparam("key_learner"), destinations.c.leaving_point == bindparam("key_point"))
    .values({c: bindparam(f"new_{c}") for c in _ROW_COLUMNS})
)
_CONSENT_COLUMNS = ("institution_id", "consent", "given_by", "consent_date", "recorded_by", "recorded_at")
_UPDATE_CONSENT = (
    update(consents)
    .where(consents.c.learner_id == bindparam("key_learner"))
    .values({c: bindparam(f"new_{c}") for c in _CONSENT_COLUMNS})
)


def save_rows(conn: Connection, pending: list[tuple[LearnerDestinations, str, str]]) -> None:
    """Many destination rows brought up to date with one INSERT and one UPDATE
    ``executemany`` (an import of thousands)."""
    now = datetime.now(UTC).isoformat()
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for state, institution_id, leaving_point in pending:
        values = row_values(state, leaving_point)
        if values is not None:
            latest[(state.learner_id, leaving_point)] = {**values, "institution_id": institution_id, "updated_at": now}
    existing: set[tuple[str, str]] = set()
    ids = sorted({learner_id for learner_id, _ in latest})
    d = destinations.c
    for start in range(0, len(ids), 500):
        query = select(d.learner_id, d.leaving_point).where(d.learner_id.in_(ids[start : start + 500]))
        existing.update((row.learner_id, row.leaving_point) for row in conn.execute(query))
    new = [{"learner_id": k[0], "leaving_point": k[1], **v} for k, v in latest.items() if k not in existing]
    if new:
        conn.execute(destinations.insert(), new)
    later = [
        {"key_learner": k[0], "key_point": k[1], **{f"new_{c}": v[c] for c in _ROW_COLUMNS}}
        for k, v in latest.items()
        if k in existing
    ]
    if later:
        conn.execute(_UPDATE_ROW, later)


def _save_consent(conn: Connection, event: DestinationConsentRecorded) -> None:
    values = {
        "institution_id": event.institution_id,
        "consent": event.consent,
        "given_by": event.given_by,
        "consent_date": date.fromisoformat(event.consent_date),
        "recorded_by": event.recorded_by,
        "recorded_at": event.recorded_at,
    }
    params = {"key_learner": event.learner_id, **{f"new_{c}": values[c] for c in _CONSENT_COLUMNS}}
    if not conn.execute(_UPDATE_CONSENT, params).rowcount:
        conn.execute(consents.insert(), {"learner_id": event.learner_id, **values})


# -- commands ----------------------------------------------------------------------------


def record_destination(
    runtime: ServiceRuntime,
    learner_id: str,
    *,
    leaving_point: str,
    category: str,
    start_date: date,
    source: str,
    evidence_date: date | None = None,
    september_guarantee: str = "not_recorded",
    detail: Detail | None = None,
    institution_id: str | None = None,
    expected_version: int | None = None,
) -> tuple[LearnerDestinations, list[Any]]:
    detail = detail if detail else None

    def decide(state: LearnerDestinations, ctx: Context, conn: Connection) -> list[Any]:
        return decide_recorded(
            state,
            ctx,
            detail_changed=current_detail(conn, state, leaving_point) != (detail or Detail()),
            leaving_point=leaving_point,
            category=category,
            start_date=start_date,
            source=source,
            evidence_date=evidence_date or ctx.today,
            september_guarantee=september_guarantee,
            has_detail=bool(detail),
        )

    return _run(runtime, learner_id, decide, institution_id=institution_id, detail=detail,
                expected_version=expected_version)  # fmt: skip


def record_intended(
    runtime: ServiceRuntime,
    learner_id: str,
    *,
    leaving_point: str,
    category: str,
    source: str,
    evidence_date: date | None = None,
    expected_version: int | None = None,
) -> tuple[LearnerDestinations, list[Any]]:
    def decide(state: LearnerDestinations, ctx: Context, conn: Connection) -> list[Any]:
        return decide_intended(
            state,
            ctx,
            leaving_point=leaving_point,
            category=category,
            source=source,
            evidence_date=evidence_date or ctx.today,
        )

    return _run(runtime, learner_id, decide, expected_version=expected_version)


def judge_destination(
    runtime: ServiceRuntime,
    learner_id: str,
    *,
    leaving_point: str,
    outcome: str,
    source: str,
    evidence_date: date | None = None,
    expected_version: int | None = None,
) -> tuple[LearnerDestinations, list[Any]]:
    def decide(state: LearnerDestinations, ctx: Context, conn: Connection) -> list[Any]:
        return decide_judgement(
            state,
            ctx,
            leaving_point=leaving_point,
            outcome=outcome,
            source=source,
            evidence_date=evidence_date or ctx.today,
        )

    return _run(runtime, learner_id, decide, expected_version=expected_version)


def record_consent(
    runtime: ServiceRuntime,
    learner_id: str,
    *,
    consent: str,
    given_by: str,
    consent_date: date | None = None,
    recorded_by: str,
    expected_version: int | None = None,
) -> tuple[LearnerDestinations, list[Any]]:
    def decide(state: LearnerDestinations, ctx: Context, conn: Connection) -> list[Any]:
        return decide_consent(
            state,
            ctx,
            status=consent,
            given_by=given_by,
            consent_date=consent_date or ctx.today,
            recorded_by=recorded_by,
            recorded_at=datetime.now(UTC).isoformat(),
        )

    return _run(runtime, learner_id, decide, expected_version=expected_version)


def current_detail(conn: Connection, state: LearnerDestinations, leaving_point: str) -> Detail:
    """The free text kept with the learner's current destination at ``leaving_point``."""
    actual = state.points[leaving_point].actual
    if actual is None:
        return Detail()
    t = destination_details.c
    row = conn.execute(
        select(t.provider, t.notes).where(t.learner_id == state.learner_id, t.stream_version == actual["version"])
    ).first()
    return Detail() if row is None else Detail(row.provider, row.notes)


def learner_institution(runtime: ServiceRuntime, learner_id: str) -> str | None:
    with runtime.engine.connect() as conn:
        return conn.execute(select(learners.c.institution_id).where(learners.c.learner_id == learner_id)).scalar()


