"""Directory's commands (imperative, immutable)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RegisterInstitution:
    name: str
    institution_type: str
    urn: str | None = None
    ukprn: str | None = None
    local_authority: str | None = None
    region: str | None = None
    postcode: str | None = None
    local_authority_code: str | None = None
    careers_hub: str | None = None
    trust: str | None = None
    low_age: int | None = None
    high_age: int | None = None
    website: str | None = None


@dataclass(frozen=True)
class UpdateInstitution:
    """Only the fields being changed, by name (``{"name": ..., "trust": None}``)."""

    institution_id: str
    changes: dict[str, Any]
    expected_version: int | None = None


@dataclass(frozen=True)
class CloseInstitution:
    institution_id: str
    reason: str
    closed_on: str  # ISO date
    expected_version: int | None = None
