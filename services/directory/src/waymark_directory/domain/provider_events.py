"""Activity providers' domain events (past tense, immutable). Subject: the provider id.

The listing events carry the whole listing as published (business contact details,
no pupil data), so a consumer never needs an earlier event to know what a provider is.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class _ListingFields:
    provider_id: str
    name: str
    description: str
    provider_type: str
    benchmarks: list[int]
    key_stages: list[str]
    send_suitable: bool
    subjects: list[str]
    cost: str
    price_band: str | None
    delivery: str
    national: bool
    postcode: str | None
    radius_miles: float | None
    easting: float | None
    northing: float | None
    contact_email: str | None
    contact_phone: str | None
    website: str | None


@dataclass(frozen=True, kw_only=True)
class ProviderSubmitted(_ListingFields):
    """A listing sent for moderation (not yet published)."""

    submitted_by: str | None = None


@dataclass(frozen=True, kw_only=True)
class ProviderListed(_ListingFields):
    """An admin approved the listing: it is published as it stands here."""

    moderated_by: str | None = None


@dataclass(frozen=True, kw_only=True)
class ProviderRejected:
    provider_id: str
    reason: str
    moderated_by: str | None = None


@dataclass(frozen=True, kw_only=True)
class ProviderUpdated(_ListingFields):
    """The listing as it now stands (published at once if the provider is listed)."""

    updated_by: str | None = None


@dataclass(frozen=True, kw_only=True)
class ProviderWithdrawn:
    provider_id: str
    withdrawn_by: str | None = None
    reason: str | None = None
