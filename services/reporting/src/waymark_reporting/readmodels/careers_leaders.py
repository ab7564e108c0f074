"""Who holds the careers leader role at an institution, from directory's role events
(``RoleGranted`` and ``RoleRevoked`` with role ``careers_leader`` over an institution):
account ids only. A row keeps the account stream's version it was last brought to, so
a grant or revocation applied again after a later one changes nothing."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select, update

from waymark_reporting.adapters.tables import careers_leaders
from waymark_shared.auth import CAREERS_LEADER
from waymark_shared.auth.principal import INSTITUTION
from waymark_shared.events.envelope import RecordedEvent, qualified_type

GRANTED = qualified_type("directory", "RoleGranted")
REVOKED = qualified_type("directory", "RoleRevoked")
ROLE_EVENTS = (GRANTED, REVOKED)


def on_role_events(events: Sequence[RecordedEvent], conn: Connection) -> None:
    leaders = [e for e in events if e.data["role"] == CAREERS_LEADER and e.data["scope_type"] == INSTITUTION]
    if not leaders:
        return
    keys = {(str(e.data["scope_id"]), str(e.data["account_id"])) for e in leaders}
    known = _known(conn, keys)
    changed: dict[tuple[str, str], dict] = {}
    for event in leaders:
        key = (str(event.data["scope_id"]), str(event.data["account_id"]))
        row = changed.get(key) or known.get(key)
        if row is not None and row["stream_version"] >= event.stream_version:
            continue
        changed[key] = {
            "institution_id": key[0],
            "account_id": key[1],
            "holds": event.type == GRANTED,
            "stream_version": event.stream_version,
        }
    t = careers_leaders.c
    for key, row in changed.items():
        if key in known:
            where = (t.institution_id == key[0]) & (t.account_id == key[1])
            conn.execute(update(careers_leaders).where(where).values(row))
        else:
            conn.execute(careers_leaders.insert().values(row))


def _known(conn: Connection, keys: set[tuple[str, str]]) -> dict[tuple[str, str], dict]:
    """The rows of these (institution, account) pairs (role changes are few: one query)."""
    t = careers_leaders.c
    query = select(careers_leaders).where(t.institution_id.in_(sorted({i for i, _ in keys})))
    rows = (dict(row._mapping) for row in conn.execute(query))
    return {key: row for row in rows if (key := (row["institution_id"], row["account_id"])) in keys}


def holding(conn: Connection, institution_id: str) -> int:
    """How many accounts hold the careers leader role at the institution now."""
    t = careers_leaders.c
    query = select(t.account_id).where(t.institution_id == institution_id, t.holds.is_(True))
    return len(conn.execute(query).all())
