"""What every new event is stamped with: an id and the time, made on every append.

Both are on the append path once per event, so both are made without the general
tools (``uuid.UUID``, ``datetime``), which cost more than the rest of an envelope.
"""

from __future__ import annotations

import os
import time

_second: tuple[int, str] = (0, "1970-01-01T00:00:00")  # the last second formatted


def utc_now_iso() -> str:
    """Now in UTC as ``2026-01-02T03:04:05.123456Z``: what ``datetime.now(UTC).isoformat``
    spells, in a third of the time."""
    global _second  # noqa: PLW0603 (a cache, replaced whole: safe across threads)
    seconds, micros = divmod(time.time_ns() // 1000, 1_000_000)
    second = _second
    if second[0] != seconds:
        second = _second = (seconds, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)))
    return f"{second[1]}.{micros:06d}Z"


_millisecond: tuple[int, str] = (-1, "")  # the last millisecond, as an id's first 15 characters
_VARIANT = "89ab" * 4  # a random hex digit's two low bits under the RFC 9562 variant (10xx)
_TAILS_PER_DRAW = 256
# Random id tails, ready spelt, taken with list.pop: atomic, so two threads never take
# the same one. A forked child empties the list: it must not hand out its parent's.
_tails: list[str] = []
_take_tail = _tails.pop
os.register_at_fork(after_in_child=_tails.clear)


def new_event_id() -> str:
    """A UUID version 7 (RFC 9562) in its canonical spelling: 48 bits of Unix time in
    milliseconds, then 74 random bits. Time-ordered, so the event-id index grows at its
    right edge instead of being written all over. The random bits are drawn from
    ``os.urandom`` for many ids at once: one system call per id cost more than the rest."""
    global _millisecond  # noqa: PLW0603 (a cache, replaced whole: safe across threads)
    milliseconds = time.time_ns() // 1_000_000
    head = _millisecond
    if head[0] != milliseconds:
        text = f"{milliseconds & 0xFFFF_FFFF_FFFF:012x}"
        head = _millisecond = (milliseconds, f"{text[:8]}-{text[8:]}-7")
    try:
        return head[1] + _take_tail()
    except IndexError:
        return head[1] + _draw_tails()


def _draw_tails() -> str:
    """Spell ``_TAILS_PER_DRAW`` tails from fresh random bytes; keep all but one."""
    digits = os.urandom(10 * _TAILS_PER_DRAW).hex()
    tails = []
    for at in range(0, len(digits), 20):
        bits = digits[at : at + 19]  # rand_a (12 bits), then rand_b (62, two in the variant digit)
        tails.append(f"{bits[:3]}-{_VARIANT[int(bits[3], 16)]}{bits[4:7]}-{bits[7:]}")
    tail = tails.pop()
    _tails.extend(tails)
    return tail
