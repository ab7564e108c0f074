"""Envelope ids are UUIDs version 7 (RFC 9562), in their canonical spelling and time-ordered;
envelope times are UTC to the microsecond, spelt as `datetime.isoformat` spells them."""

from __future__ import annotations

import time
import uuid

from waymark_shared.events.stamps import new_event_id


def test_event_ids_are_canonical_time_ordered_uuid7() -> None:
    before = time.time_ns() // 1_000_000
    ids = [new_event_id() for _ in range(2000)]
    after = time.time_ns() // 1_000_000

    assert len(set(ids)) == len(ids)
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122)
        assert before <= parsed.int >> 80 <= after
    assert [uuid.UUID(t).int >> 80 for t in ids] == sorted(uuid.UUID(t).int >> 80 for t in ids)


def test_event_times_are_utc_microseconds_as_isoformat_spells_them() -> None:
    from datetime import UTC, datetime, timedelta

    from waymark_shared.events.stamps import utc_now_iso

    for _ in range(3):
        before = datetime.now(UTC)
        text = utc_now_iso()
        after = datetime.now(UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        assert before - timedelta(microseconds=1) <= parsed <= after
        assert text == parsed.isoformat(timespec="microseconds").replace("+00:00", "Z")
        time.sleep(0.6)  # across a second: the cached second is replaced


def test_threads_taking_ids_at_once_never_share_one() -> None:
    from concurrent.futures import ThreadPoolExecutor

    def take(_: int) -> list[str]:
        return [new_event_id() for _ in range(3000)]

    with ThreadPoolExecutor(max_workers=4) as pool:
        taken = [event_id for ids in pool.map(take, range(8)) for event_id in ids]

    assert len(set(taken)) == len(taken) == 24_000


def test_a_forked_child_does_not_hand_out_its_parents_ids() -> None:
    import os

    new_event_id()  # the parent holds drawn ids it has not handed out yet
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (runs in the child)
        os.close(reading)
        os.write(writing, "\n".join(new_event_id() for _ in range(100)).encode())
        os._exit(0)
    os.close(writing)
    with os.fdopen(reading) as pipe:
        childs = set(pipe.read().split("\n"))
    os.waitpid(child, 0)
    parents = {new_event_id() for _ in range(100)}

    assert len(childs) == 100
    # Their random bits, which alone tell ids of the same millisecond apart.
    assert not {event_id[15:] for event_id in childs} & {event_id[15:] for event_id in parents}
