"""Directory's commands (imperative, immutable)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RegisterInstitution:
    name: str
    institution_type: str
    urn: str | None = None
    ukprn: str | None = None
    local_authority: str | None = None
    region: str | None = None
    postcode: str | None = None
