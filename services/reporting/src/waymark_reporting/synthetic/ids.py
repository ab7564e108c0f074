"""Deterministic randomness: every generator draws from a ``random.Random`` seeded by
the dataset's seed and what it is for, so any part can be regenerated alone (the
planner's participants are the very learners directory enrolled)."""

from __future__ import annotations

import random

_VERSION_MASK = ~((0xF << 76) | (0x3 << 62)) & ((1 << 128) - 1)
_VERSION_BITS = (0x4 << 76) | (0x2 << 62)


def rng(seed: int, *parts: object) -> random.Random:
    """A generator for one purpose (string seeds hash with SHA-512: stable across runs)."""
    return random.Random(":".join(str(part) for part in (seed, *parts)))  # noqa: S311 (not for secrets)


def uuid4_text(bits: int) -> str:
    """128 random bits as a version-4 UUID's text (what ``str(uuid.UUID(...))`` gives)."""
    h = f"{(bits & _VERSION_MASK) | _VERSION_BITS:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def new_id(generator: random.Random) -> str:
    return uuid4_text(generator.getrandbits(128))


def cumulative(shares: dict[str, float]) -> tuple[list[float], list[str]]:
    total = sum(shares.values())
    running, bounds = 0.0, []
    for share in shares.values():
        running += share / total
        bounds.append(running)
    return bounds, list(shares)
