"""Transaction ids are server-wide, but only this database's transactions can write
this log: a long transaction elsewhere on the server must not hold its readers back."""

from __future__ import annotations

import psycopg

from waymark_shared.events.envelope import NewEvent
from waymark_shared.testing.databases import libpq_url, temporary_postgres_database


def registered(name: str) -> NewEvent:
    return NewEvent("ThingRegistered", "inst-1", {"name": name, "size": 1})


def test_a_long_transaction_in_another_database_does_not_hide_new_events(pg_store, postgres_server_url):
    with (
        temporary_postgres_database(postgres_server_url) as other_url,
        psycopg.connect(libpq_url(other_url)) as other,
    ):
        other.execute("CREATE TABLE busy (n int)")
        other.execute("INSERT INTO busy VALUES (1)")  # holds a transaction id, uncommitted

        [event] = pg_store.append("stream-a", 0, [registered("a")])

        assert [e.id for e in pg_store.read_all()] == [event.id]
        assert pg_store.count_after() == 1
        other.rollback()


def test_a_long_transaction_in_the_same_database_still_holds_later_events_back(pg_store, pg_engine):
    with pg_engine.connect() as conn:
        transaction = conn.begin()
        [early] = pg_store.append("stream-a", 0, [registered("early")], connection=conn)
        [late] = pg_store.append("stream-b", 0, [registered("late")])

        assert pg_store.read_all() == []
        transaction.commit()

    assert [e.id for e in pg_store.read_all()] == [early.id, late.id]
