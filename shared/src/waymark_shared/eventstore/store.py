"""The event store: append with optimistic concurrency, read a stream, read the log.

Each service database holds one ``events`` table. An append is one SQL statement that
checks the stream's version and inserts the whole batch, so it is atomic on its own
(one round trip in autocommit) or inside a caller's transaction.

Reading the whole log in order never skips an event committed late. SQLite serialises
writers, so position order is commit order. PostgreSQL does not: a transaction can
take position 10, commit after another took 11 and committed, and a reader that had
seen 11 would miss 10. Each row therefore records its writing transaction id
(``commit_id``) and readers only return rows of transactions older than the oldest
one still running (``pg_snapshot_xmin``), in ``(commit_id, position)`` order. Writers
never wait for one another.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import IntegrityError

from waymark_shared.db.engine import is_postgres
from waymark_shared.events.context import current_context
from waymark_shared.events.envelope import START, Checkpoint, NewEvent, RecordedEvent
from waymark_shared.events.registry import EventRegistry
from waymark_shared.observability import metrics

COLUMNS = (
    "event_id, stream_version, type, schema_version, subject, time, data, "
    "correlation_id, causation_id, actor"
)
SELECT_COLUMNS = f"position, commit_id, stream_id, {COLUMNS}"


class ConcurrencyError(Exception):
    """The stream is not at the version the writer expected."""

    def __init__(self, stream_id: str, expected: int, actual: int | None):
        detail = f"is at version {actual}" if actual is not None else "was written concurrently"
        super().__init__(f"stream {stream_id} expected at version {expected} {detail}")
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


@dataclass(frozen=True)
class _Dialect:
    commit_id_sql: str
    visible_sql: str
    value_casts: tuple[str, ...]


_SQLITE = _Dialect("0", "position > :position", ("",) * 10)
_POSTGRES = _Dialect(
    "pg_current_xact_id()::text::bigint",
    "(commit_id, position) > (:commit_id, :position)"
    " AND commit_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
    ("", "integer", "", "integer", "", "", "", "", "", ""),
)


class EventStore:
    def __init__(self, engine: Engine, registry: EventRegistry):
        self.engine = engine
        self.registry = registry
        self._dialect = _POSTGRES if is_postgres(engine) else _SQLITE
        self._insert_sql: dict[int, object] = {}
        self._read_sql = text(
            f"SELECT {SELECT_COLUMNS} FROM events WHERE {self._dialect.visible_sql}"
            " ORDER BY commit_id, position LIMIT :limit"
        )

    # -- writing ---------------------------------------------------------------------

    def append(
        self,
        stream_id: str,
        expected_version: int,
        events: Sequence[NewEvent],
        *,
        connection: Connection | None = None,
    ) -> list[RecordedEvent]:
        """Append ``events`` to ``stream_id``, which must be at ``expected_version``
        (0: the stream must not exist yet). Raises :class:`ConcurrencyError`."""
        if not events:
            return []
        rows, recorded = self._prepare(stream_id, expected_version, events)
        if connection is not None:
            returned = self._insert(connection, stream_id, expected_version, rows)
        else:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                returned = self._insert(conn, stream_id, expected_version, rows)
        for name in (event.name for event in recorded):
            metrics.EVENTS_APPENDED.labels(self.registry.service, name).inc()
        return [
            _with_checkpoint(event, returned[event.id]) for event in recorded
        ]

    def _prepare(
        self, stream_id: str, expected_version: int, events: Sequence[NewEvent]
    ) -> tuple[dict[str, object], list[RecordedEvent]]:
        context = current_context()
        params: dict[str, object] = {"stream_id": stream_id, "expected": expected_version}
        recorded = []
        for index, new in enumerate(events):
            version = new.schema_version or self.registry.latest_version(new.type)
            data = self.registry.validate(new.type, new.data, version)
            event = RecordedEvent(
                id=new.id,
                source=self.registry.source,
                type=self.registry.qualified(new.type),
                subject=new.subject,
                time=new.time,
                data=data,
                schema_version=version,
                stream_id=stream_id,
                stream_version=expected_version + index + 1,
                correlation_id=context.correlation_id if context else None,
                causation_id=context.causation_id if context else None,
                actor=context.actor if context else None,
            )
            recorded.append(event)
            params.update(_row_params(index, event))
        return params, recorded

    def _insert(
        self, conn: Connection, stream_id: str, expected: int, params: dict[str, object]
    ) -> dict[str, Checkpoint]:
        count = (len(params) - 2) // 10
        try:
            rows = conn.execute(self._insert_statement(count), params).all()
        except IntegrityError as error:
            metrics.APPEND_CONFLICTS.labels(self.registry.service).inc()
            raise ConcurrencyError(stream_id, expected, None) from error
        if not rows:
            metrics.APPEND_CONFLICTS.labels(self.registry.service).inc()
            raise ConcurrencyError(stream_id, expected, self.stream_version(stream_id, conn))
        return {row.event_id: Checkpoint(row.commit_id, row.position) for row in rows}

    def _insert_statement(self, count: int):  # type: ignore[no-untyped-def]
        statement = self._insert_sql.get(count)
        if statement is None:
            statement = text(self._build_insert(count))
            self._insert_sql[count] = statement
        return statement

    def _build_insert(self, count: int) -> str:
        names = [name.strip() for name in COLUMNS.split(",")]
        casts = self._dialect.value_casts
        values = ", ".join(
            "(" + ", ".join(_param(f"{name}_{i}", cast) for name, cast in zip(names, casts, strict=True)) + ")"
            for i in range(count)
        )
        if self._dialect is _POSTGRES:
            source, refs = f"(VALUES {values}) AS v({COLUMNS})", names
        else:
            source, refs = f"(VALUES {values})", [f"column{i + 1}" for i in range(len(names))]
        return (
            f"INSERT INTO events (commit_id, stream_id, {COLUMNS}) "
            f"SELECT {self._dialect.commit_id_sql}, CAST(:stream_id AS VARCHAR), {', '.join(refs)} FROM {source} "
            "WHERE (SELECT coalesce(max(stream_version), 0) FROM events "
            "WHERE stream_id = CAST(:stream_id AS VARCHAR)) = :expected "
            "RETURNING event_id, position, commit_id"
        )

    # -- reading ---------------------------------------------------------------------

    def stream_version(self, stream_id: str, connection: Connection | None = None) -> int:
        sql = text("SELECT coalesce(max(stream_version), 0) FROM events WHERE stream_id = :s")
        if connection is not None:
            return int(connection.execute(sql, {"s": stream_id}).scalar_one())
        with self._reader() as conn:
            return int(conn.execute(sql, {"s": stream_id}).scalar_one())

    def read_stream(self, stream_id: str, *, after_version: int = 0) -> list[RecordedEvent]:
        sql = text(
            f"SELECT {SELECT_COLUMNS} FROM events WHERE stream_id = :s AND stream_version > :v"
            " ORDER BY stream_version"
        )
        with self._reader() as conn:
            rows = conn.execute(sql, {"s": stream_id, "v": after_version}).all()
        return [self.registry.upcast(self._decode(row), validate=False) for row in rows]

    def read_all(
        self, after: Checkpoint = START, limit: int = 1000, *, validate: bool = False
    ) -> list[RecordedEvent]:
        """Events committed after ``after``, in log order, upcast to their latest
        versions (and validated again with ``validate``)."""
        params = {"commit_id": after.commit_id, "position": after.position, "limit": limit}
        with self._reader() as conn:
            rows = conn.execute(self._read_sql, params).all()
        upcast = self.registry.upcast
        return [upcast(self._decode(row), validate=validate) for row in rows]

    def iter_all(self, after: Checkpoint = START, batch: int = 1000) -> Iterator[RecordedEvent]:
        while events := self.read_all(after, batch):
            yield from events
            after = events[-1].checkpoint

    def count_after(self, after: Checkpoint = START) -> int:
        """How many events are visible after ``after`` (backlog, lag, progress)."""
        sql = text(f"SELECT count(*) FROM events WHERE {self._dialect.visible_sql}")
        with self._reader() as conn:
            params = {"commit_id": after.commit_id, "position": after.position}
            return int(conn.execute(sql, params).scalar_one())

    def _reader(self) -> Connection:
        return self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    def _decode(self, row) -> RecordedEvent:  # type: ignore[no-untyped-def]
        return RecordedEvent(
            id=row.event_id,
            source=self.registry.source,
            type=row.type,
            subject=row.subject,
            time=row.time,
            data=json.loads(row.data),
            schema_version=row.schema_version,
            stream_id=row.stream_id,
            stream_version=row.stream_version,
            correlation_id=row.correlation_id,
            causation_id=row.causation_id,
            actor=row.actor,
            checkpoint=Checkpoint(row.commit_id, row.position),
        )


def _param(name: str, cast: str) -> str:
    return f"CAST(:{name} AS {cast})" if cast else f":{name}"


def _row_params(index: int, event: RecordedEvent) -> dict[str, object]:
    return {
        f"event_id_{index}": event.id,
        f"stream_version_{index}": event.stream_version,
        f"type_{index}": event.type,
        f"schema_version_{index}": event.schema_version,
        f"subject_{index}": event.subject,
        f"time_{index}": event.time,
        f"data_{index}": json.dumps(event.data, separators=(",", ":")),
        f"correlation_id_{index}": event.correlation_id,
        f"causation_id_{index}": event.causation_id,
        f"actor_{index}": event.actor,
    }


def _with_checkpoint(event: RecordedEvent, checkpoint: Checkpoint) -> RecordedEvent:
    return replace(event, checkpoint=checkpoint)
