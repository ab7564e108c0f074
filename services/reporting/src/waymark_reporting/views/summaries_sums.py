"""Sums of institution summaries (flattened, :func:`domain.summaries.flatten`) per unit
of a roll-up (a local authority, or one institution), kept per process until one of
the unit's summaries is refreshed: after an event, the national roll-up re-reads and
re-adds only the local authorities it touched."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from typing import Any

from sqlalchemy import Connection, select

from waymark_reporting.adapters.tables import institution_summaries
from waymark_reporting.domain import summaries as summary
from waymark_reporting.readmodels.common import CHUNK

_SIZE = 5000
_sums: OrderedDict[tuple, dict[str, int]] = OrderedDict()
_lock = threading.Lock()


def unit_sums(
    conn: Connection, url: str, units: dict[Hashable, Sequence[Any]]
) -> dict[Hashable, dict[str, int]]:
    """Per unit, the sum of its members' summaries (members: rows with ``institution_id``
    and ``refreshed_at``; one without a summary adds nothing)."""
    found: dict[Hashable, dict[str, int]] = {}
    keys = {}
    todo: dict[str, Hashable] = {}
    with _lock:
        for unit, members in units.items():
            key = (url, unit, tuple((m.institution_id, m.refreshed_at) for m in members))
            cached = _sums.get(key)
            if cached is not None:
                _sums.move_to_end(key)
                found[unit] = cached
                continue
            keys[unit] = key
            found[unit] = {}
            todo.update({m.institution_id: unit for m in members if m.refreshed_at is not None})
    ids = sorted(todo)
    m = institution_summaries.c
    for start in range(0, len(ids), CHUNK):
        query = select(m.institution_id, m.figures).where(m.institution_id.in_(ids[start : start + CHUNK]))
        for institution_id, figures in conn.execute(query):
            summary.add(found[todo[institution_id]], json.loads(figures))
    with _lock:
        for unit, key in keys.items():
            _sums[key] = found[unit]
        while len(_sums) > _SIZE:
            _sums.popitem(last=False)
    return found
