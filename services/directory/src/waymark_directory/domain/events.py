"""Directory's domain events (past tense, immutable)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InstitutionRegistered:
    institution_id: str
    name: str
    institution_type: str
    urn: str | None = None
    ukprn: str | None = None
    local_authority: str | None = None
    region: str | None = None
    postcode: str | None = None
