"""A row per producer stream, brought up to date a batch at a time: new rows and later
versions written, events at or below a row's version changing nothing, on SQLite and
PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, select

from waymark_shared.db.stream_rows import apply_in_batch, rows_by_key
from waymark_shared.events.envelope import Checkpoint, RecordedEvent

metadata = MetaData()
things = Table(
    "things",
    metadata,
    Column("thing_id", String(36), primary_key=True),
    Column("colour", String(20)),
    Column("stream_version", Integer, nullable=False),
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'rows.sqlite3'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    engine = create_engine(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    yield engine
    metadata.drop_all(engine)
    engine.dispose()


def _event(thing: str, version: int, colour: str | None) -> RecordedEvent:
    return RecordedEvent(
        id=f"{thing}-{version}",
        source="/waymark/test",
        type="Painted" if colour else "Forgotten",
        subject=None,
        time="2026-12-01T10:00:00Z",
        data={"thing_id": thing, "colour": colour},
        schema_version=1,
        stream_id=f"thing-{thing}",
        stream_version=version,
        checkpoint=Checkpoint(0, version),
    )


def _painted(row, event):  # type: ignore[no-untyped-def]
    if event.data["colour"] is None:
        return None  # nothing kept changes
    return {"colour": event.data["colour"], "stream_version": event.stream_version}


def _apply(engine, events):  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        return apply_in_batch(conn, things, "thing_id", events, key_of=lambda e: e.data["thing_id"], applied=_painted)


def _table(engine) -> dict[str, tuple[str, int]]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return {r.thing_id: (r.colour, r.stream_version) for r in conn.execute(select(things))}


def test_new_rows_and_later_versions_are_written_and_earlier_ones_change_nothing(engine):
    first = [_event("a", 1, "red"), _event("b", 1, "blue"), _event("a", 2, "green")]
    assert _apply(engine, first) == {
        "a": {"colour": "green", "stream_version": 2},
        "b": {"colour": "blue", "stream_version": 1},
    }
    assert _table(engine) == {"a": ("green", 2), "b": ("blue", 1)}

    again = _apply(engine, [*first, _event("b", 2, None), _event("b", 3, "white")])
    assert again == {"b": {"colour": "white", "stream_version": 3}}
    assert _table(engine) == {"a": ("green", 2), "b": ("white", 3)}
    assert _apply(engine, first) == {}


def test_rows_are_read_by_key_in_chunks(engine):
    _apply(engine, [_event(f"t{n:04d}", 1, "grey") for n in range(1_234)])
    with engine.connect() as conn:
        found = rows_by_key(conn, things, "thing_id", [f"t{n:04d}" for n in range(0, 1_300, 3)])
    assert len(found) == len(range(0, 1_234, 3))
    assert found["t0003"] == {"colour": "grey", "stream_version": 1}
