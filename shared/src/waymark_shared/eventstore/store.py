"""The event store: append with optimistic concurrency, read a stream, read the log.

Each service database holds one ``events`` table. An append inserts the whole batch in
one SQL statement, so it is atomic on its own (in autocommit) or inside a caller's
transaction. The expected version is checked in that statement on PostgreSQL (one
round trip) and just before it on SQLite (see ``SqliteSql.checks_version_apart``); the
unique ``(stream_id, stream_version)`` catches any writer that got in first.

Reading the whole log in order never skips an event committed late. SQLite serialises
writers, so position order is commit order. PostgreSQL does not: a transaction can
take position 10, commit after another took 11 and committed, and a reader that had
seen 11 would miss 10. Each row therefore records its writing transaction id
(``commit_id``) and readers only return rows of transactions older than the oldest
one still running (``pg_snapshot_xmin``), in ``(commit_id, position)`` order. Writers
never wait for one another.

On its own connections the store talks to the pooled driver connection directly, in
SQL written once per backend: SQLAlchemy's per-statement work and its isolation-level
switching cost more than the database does. A caller's connection is used through
SQLAlchemy, so its transaction (and SQLite's ``BEGIN IMMEDIATE``) is honoured.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from itertools import chain
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy import exc as sa_exc

from waymark_shared.db.engine import is_postgres
from waymark_shared.events.context import current_context
from waymark_shared.events.envelope import (
    CONTENT_TYPE,
    SPEC_VERSION,
    START,
    Checkpoint,
    NewEvent,
    OutgoingEvent,
    RecordedEvent,
    cloudevent_json,
    dataschema_uri,
    short_type,
)
from waymark_shared.events.normalising import Normaliser
from waymark_shared.events.registry import EventRegistry, UnknownEventType
from waymark_shared.eventstore.connections import Borrowed, IdleConnections, violates
from waymark_shared.eventstore.recording import recorded
from waymark_shared.eventstore.sql import (
    COLUMNS,
    SELECT_COLUMNS,
    PostgresSql,
    SqliteSql,
    Statement,
)
from waymark_shared.observability import metrics

_EVENT_ID_CONSTRAINT = "uq_events_event_id"
# raw_decode skips loads()'s type checks and whitespace scans: the store wrote the text.
_raw_decode = json.JSONDecoder().raw_decode

Row = tuple[str, int, str, int, str, str, str]
# The string encoder JSONEncoder uses (ensure_ascii), so text matches cloudevent_json's.
_str = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined]


def _position(row: Sequence[Any]) -> int:
    return int(row[0])


def _or_null(value: str | None) -> str:
    return "null" if value is None else _str(value)


class ConcurrencyError(Exception):
    """The stream is not at the version the writer expected."""

    def __init__(self, stream_id: str, expected: int, actual: int | None):
        detail = f"is at version {actual}" if actual is not None else "was written concurrently"
        super().__init__(f"stream {stream_id} expected at version {expected} {detail}")
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


class DuplicateEventError(ValueError):
    """An event with one of these ids is already stored (in any stream)."""


class EventStore:
    """One service's event log: streams with optimistic concurrency, read back in order."""

    def __init__(self, engine: Engine, registry: EventRegistry):
        self.engine = engine
        self.registry = registry
        self.dbapi = engine.dialect.loaded_dbapi
        self.sql = PostgresSql(self.dbapi) if is_postgres(engine) else SqliteSql()
        self.idle = IdleConnections.for_engine(engine)
        self._validator = Normaliser(registry)
        self._inserts: dict[int, Statement] = {}
        mark, visible, order = self.sql.mark, self.sql.visible, self.sql.log_order
        self._version_sql = f"SELECT coalesce(max(stream_version), 0) FROM events WHERE stream_id = {mark}"
        self._version = self._statement(self._version_sql)
        self._stream = self._statement(
            f"SELECT {SELECT_COLUMNS} FROM events WHERE stream_id = {mark}"
            f" AND stream_version > {mark} ORDER BY stream_version"
        )
        read = f"SELECT {SELECT_COLUMNS} FROM events WHERE {visible} ORDER BY {order} LIMIT {mark}"
        self._read = self._statement(read)
        # The same rows as one JSON array (SQLite): see read_all_cloudevents.
        self._read_as_json = (
            self._statement(f"SELECT json_group_array(json_array({SELECT_COLUMNS})) FROM ({read})")
            if self.sql.read_as_json
            else None
        )
        self._count = self._statement(f"SELECT count(*) FROM events WHERE {visible}")
        others = self.sql.other_databases
        self._elsewhere = self._statement(others) if others else None
        self._latest: dict[str, int] = {}
        self._appended: dict[str, Any] = {}
        self._cloudevent_parts: dict[tuple[str, int], tuple[str, str, str]] = {}

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
        context = current_context()
        batch = (context.correlation_id, context.causation_id, context.actor) if context else (None,) * 3
        rows, data = self._rows(events, expected_version)
        params = [stream_id, *batch, *chain.from_iterable(rows)]
        if not self.sql.checks_version_apart:
            params += (stream_id, expected_version)
        insert = self._inserts.get(len(rows)) or self._insert_statement(len(rows))
        if connection is not None:
            commit_id, positions = self._insert(connection, insert, params, stream_id, expected_version)
        else:
            with Borrowed(self) as driver:
                commit_id, positions = self._insert(driver, insert, params, stream_id, expected_version)
        source = self.registry.source
        counts: dict[str, int] = {}
        for event in events:
            counts[event.type] = counts.get(event.type, 0) + 1
        for name, count in counts.items():
            self._appended_counter(name).inc(count)
        correlation, causation, actor = batch
        return [
            recorded(
                row[0], source, row[2], row[4], row[5], value, row[3], stream_id, row[1],
                correlation, causation, actor, Checkpoint(commit_id, position),
            )
            for row, value, position in zip(rows, data, positions, strict=True)
        ]  # fmt: skip

    def _rows(self, events: Sequence[NewEvent], expected: int) -> tuple[list[Row], list[dict[str, Any]]]:
        """Validated rows in column order, and each event's normalised data."""
        validate = self._validator.validate_json
        rows: list[Row] = []
        data = []
        for version, new in enumerate(events, expected + 1):
            event_type, schema_version, value, text = validate(new.type, new.data, new.schema_version)
            rows.append((new.id, version, event_type, schema_version, new.subject, new.time, text))
            data.append(value)
        return rows, data

    def _insert(
        self, conn: Any, insert: Statement, params: list[object], stream_id: str, expected: int
    ) -> tuple[int, list[int]]:
        """Run the append; the commit id and the positions taken, in batch order."""
        count, apart = insert.rows, self.sql.checks_version_apart
        if apart and expected:
            # Race-free without a transaction: a stream's version only grows, and a
            # writer that gets in after this check collides on (stream_id, stream_version).
            # A new stream needs no check: if it exists, it has a version 1 to collide on.
            actual = int(self._run(conn, self._version, [stream_id]).fetchone()[0])
            if actual != expected:
                metrics.APPEND_CONFLICTS.labels(self.registry.service).inc()
                raise ConcurrencyError(stream_id, expected, actual)
        try:
            cursor = self._run(conn, insert, params)
            if self.sql.returning:
                rows = cursor.fetchall()
                inserted = len(rows)
            else:
                inserted, last = cursor.rowcount, cursor.lastrowid
        except (sa_exc.IntegrityError, self.dbapi.IntegrityError) as error:
            metrics.APPEND_CONFLICTS.labels(self.registry.service).inc()
            # SQLite undid the statement alone, so the version can still be read (and a
            # stream not at the version expected is the conflict, whichever constraint
            # SQLite named); PostgreSQL has aborted the whole transaction.
            actual = int(self._run(conn, self._version, [stream_id]).fetchone()[0]) if apart else None
            if actual in (None, expected) and violates(error, _EVENT_ID_CONSTRAINT):
                raise DuplicateEventError(f"an event appended to {stream_id} is already stored") from error
            raise ConcurrencyError(stream_id, expected, actual) from error
        if inserted != count:
            metrics.APPEND_CONFLICTS.labels(self.registry.service).inc()
            actual = self._run(conn, self._version, [stream_id]).fetchone()[0]
            raise ConcurrencyError(stream_id, expected, int(actual))
        if self.sql.returning:
            return rows[0][1], sorted(row[0] for row in rows)  # RETURNING order is unspecified
        return 0, list(range(last - count + 1, last + 1))

    def _insert_statement(self, count: int) -> Statement:
        if self.sql.checks_version_apart:
            sql = self.sql.plain_insert(count)  # type: ignore[union-attr]
            self._inserts[count] = statement = Statement(sql, sql, count)
            return statement
        mark = self.sql.mark
        row = "(" + ", ".join(mark + cast for cast in self.sql.casts) + ")"
        source, refs = self.sql.values(", ".join([row] * count))
        sql = (
            f"INSERT INTO events (commit_id, stream_id, {COLUMNS}) "
            f"SELECT {self.sql.commit_id}, {mark}, {refs}, {mark}, {mark}, {mark} FROM {source} "
            f"WHERE ({self._version_sql}) = {mark}"
            + (" RETURNING position, commit_id" if self.sql.returning else "")
        )
        self._inserts[count] = statement = Statement(sql, self.sql.own(sql), count)
        return statement

    def _appended_counter(self, name: str) -> Any:
        counter = self._appended.get(name)
        if counter is None:
            counter = self._appended[name] = metrics.EVENTS_APPENDED.labels(self.registry.service, name)
        return counter

    # -- reading ---------------------------------------------------------------------

    def stream_version(self, stream_id: str, connection: Connection | None = None) -> int:
        if connection is not None:
            return int(self._run(connection, self._version, [stream_id]).fetchone()[0])
        with Borrowed(self) as driver:
            return int(self._run(driver, self._version, [stream_id]).fetchone()[0])

    def read_stream(self, stream_id: str, *, after_version: int = 0) -> list[RecordedEvent]:
        with Borrowed(self) as driver:
            rows = self._run(driver, self._stream, [stream_id, after_version]).fetchall()
        return self._decode(rows, validate=False)

    def read_all(
        self, after: Checkpoint = START, limit: int = 1000, *, validate: bool = False
    ) -> list[RecordedEvent]:
        """Events committed after ``after``, in log order, upcast to their latest
        versions (and validated again with ``validate``)."""
        with Borrowed(self) as driver:
            rows = self._run(driver, self._read, [*self._after(driver, after), limit]).fetchall()
        return self._decode(rows, validate=validate)

    def iter_all(self, after: Checkpoint = START, batch: int = 1000) -> Iterator[RecordedEvent]:
        while events := self.read_all(after, batch):
            yield from events
            after = events[-1].checkpoint

    def count_after(self, after: Checkpoint = START) -> int:
        """How many events are visible after ``after`` (backlog, lag, progress)."""
        with Borrowed(self) as driver:
            return int(self._run(driver, self._count, self._after(driver, after)).fetchone()[0])

    def read_all_cloudevents(self, after: Checkpoint = START, limit: int = 1000) -> list[OutgoingEvent]:
        """The log after ``after`` as CloudEvents JSON, for publishing. Data at its
        latest version goes out as stored (validated on append against that very
        schema) in the JSON ``cloudevent_json`` makes, written here straight from the
        row; older versions are upcast and validated on the way."""
        with Borrowed(self) as driver:
            params = [*self._after(driver, after), limit]
            if self._read_as_json is None:
                rows = self._run(driver, self._read, params).fetchall()
            else:
                rows = self._rows_as_json(driver, params)
        source, latest, outgoing = self.registry.source, self._latest, []
        parts, string, or_null = self._cloudevent_parts, _str, _or_null
        for position, commit_id, stream, event_id, version, kind, schema, subject, time, text, *ids in rows:
            checkpoint = Checkpoint(commit_id, position)
            if schema == (latest.get(kind) or self._latest_version(kind)):
                # cloudevent_json(event, text), byte for byte: the same attributes in the
                # same order, encoded alike (integers as int.__repr__ spells them), the
                # stored data spliced in; without the event and its attribute dict.
                head, kind_part, middle = parts.get((kind, schema)) or self._parts(kind, schema)
                correlation, causation, actor = ids
                value = (
                    f'{head}{string(event_id)}{kind_part}{string(subject)},"time":{string(time)}'
                    f'{middle}{string(stream)},"streamversion":{version:d}'
                    f',"correlationid":{or_null(correlation)},"causationid":{or_null(causation)}'
                    f',"actor":{or_null(actor)},"position":"{commit_id:d}-{position:d}","data":{text}}}'
                ).encode()
            else:
                event = RecordedEvent(
                    event_id, source, kind, subject, time, {}, schema, stream, version, *ids,
                    checkpoint=checkpoint,
                )  # fmt: skip
                event = self.registry.upcast(event.with_data(json.loads(text), schema), validate=True)
                value = cloudevent_json(event)
            outgoing.append(OutgoingEvent(event_id, kind, source, subject, checkpoint, value))
        return outgoing

    def _rows_as_json(self, driver: Any, params: list[object]) -> list[Any]:
        """The read's rows, fetched from SQLite as one JSON array and decoded in one call.

        Python's sqlite3 lets go of the GIL for every row it steps to, and a thread
        that wants the GIL back waits for whichever other thread took it (up to the
        switch interval, 5 ms). Next to a busy thread (the Kafka producer's sender,
        while the relay reads its next batch) that makes a 2,000-row fetch take
        seconds; as one value it takes one step. The JSON round trip gives back the
        same values (integers, text, nulls); sorting by position makes the log order
        not depend on the order the aggregate saw its rows in."""
        text = self._run(driver, self._read_as_json, params).fetchone()[0]  # type: ignore[arg-type]
        rows = json.loads(text)
        rows.sort(key=_position)
        return rows  # type: ignore[no-any-return]

    def _parts(self, kind: str, schema: int) -> tuple[str, str, str]:
        """What a CloudEvent's JSON holds for every event of one type and version: the
        text up to its id, and from its ``source`` to its ``streamid`` less the ``subject``
        and ``time`` between (see :meth:`read_all_cloudevents`)."""
        head = f'{{"specversion":{_str(SPEC_VERSION)},"id":'
        kind_part = f',"source":{_str(self.registry.source)},"type":{_str(kind)},"subject":'
        middle = (
            f',"datacontenttype":{_str(CONTENT_TYPE)},"dataschema":{_str(dataschema_uri(kind, schema))}'
            f',"schemaversion":{int(schema)!r},"streamid":'
        )
        self._cloudevent_parts[(kind, schema)] = parts = (head, kind_part, middle)
        return parts

    def _after(self, driver: Any, checkpoint: Checkpoint) -> list[object]:
        """The read's leading parameters: where to start, and (PostgreSQL) the running
        transactions of other databases, which cannot hold this log back."""
        if self._elsewhere is None:
            return self.sql.after(checkpoint)
        return self.sql.after(checkpoint, self._run(driver, self._elsewhere, []).fetchone()[0])

    def _decode(self, rows: Sequence[Any], *, validate: bool) -> list[RecordedEvent]:
        source, latest, decode = self.registry.source, self._latest, _raw_decode
        events = []
        for position, commit_id, stream, event_id, version, kind, schema, subject, time, text, *ids in rows:
            try:
                data = decode(text)[0]
            except ValueError:  # not written by this store (leading whitespace, say)
                data = json.loads(text)
            event = RecordedEvent(
                event_id, source, kind, subject, time, data, schema, stream, version, *ids,
                checkpoint=Checkpoint(commit_id, position),
            )  # fmt: skip
            if validate or schema != (latest.get(kind) or self._latest_version(kind)):
                event = self.registry.upcast(event, validate=validate)
            events.append(event)
        return events

    def _latest_version(self, event_type: str) -> int:
        try:
            latest = self._latest[event_type] = self.registry.latest_version(short_type(event_type))
        except UnknownEventType:
            return 0  # registry.upcast raises the error with its message
        return latest

    # -- connections -----------------------------------------------------------------

    def close(self) -> None:
        """Close the connections the store keeps between its statements; it opens new
        ones if used again. Call it before ``engine.dispose()`` at shutdown."""
        if self.idle is not None:
            self.idle.close()

    def _statement(self, sql: str) -> Statement:
        return Statement(sql, self.sql.own(sql))

    def _run(self, conn: Any, statement: Statement, params: Sequence[object]) -> Any:
        """Execute on a caller's SQLAlchemy connection or on a borrowed driver connection."""
        if isinstance(conn, Connection):
            return conn.exec_driver_sql(statement.sa, tuple(params))
        cursor = self.sql.cursor(conn)
        cursor.execute(statement.own, params)
        return cursor
