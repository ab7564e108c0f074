"""The provider aggregate and listing rules: pure, no database."""

from __future__ import annotations

from dataclasses import replace

import pytest

from waymark_directory.demo_providers import sample_listing as listing_values
from waymark_directory.domain.provider_events import (
    ProviderListed,
    ProviderRejected,
    ProviderSubmitted,
    ProviderUpdated,
    ProviderWithdrawn,
)
from waymark_directory.domain.providers import (
    SUBJECTS,
    InvalidProvider,
    Listing,
    Provider,
    ProviderStateError,
    bitmask,
    listing_errors,
)


def make_listing(**overrides) -> Listing:  # type: ignore[no-untyped-def]
    values = listing_values(**overrides)
    values.update(easting=430893.0, northing=433444.0)
    for name in ("benchmarks", "key_stages", "subjects"):
        values[name] = tuple(values[name])
    return Listing(**values)


def test_a_valid_listing_has_no_errors() -> None:
    assert listing_errors(make_listing()) == {}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": " "}, "name"),
        ({"provider_type": "pub"}, "provider_type"),
        ({"benchmarks": ()}, "benchmarks"),
        ({"benchmarks": (9,)}, "benchmarks"),
        ({"key_stages": ("ks5",)}, "key_stages"),
        ({"subjects": ("alchemy",)}, "subjects"),
        ({"cost": "paid"}, "price_band"),
        ({"cost": "free", "price_band": "under_100"}, "price_band"),
        ({"delivery": "post"}, "delivery"),
        ({"postcode": None, "easting": None, "northing": None}, "postcode"),
        ({"radius_miles": 0}, "radius_miles"),
        ({"radius_miles": 301}, "radius_miles"),
        ({"national": True}, "radius_miles"),
        ({"contact_email": None, "website": None}, "contact_email"),
        ({"contact_email": "nobody"}, "contact_email"),
        ({"website": "example.org"}, "website"),
        ({"contact_phone": "12"}, "contact_phone"),
    ],
)
def test_listing_errors_name_the_field(overrides, field) -> None:  # type: ignore[no-untyped-def]
    assert field in listing_errors(make_listing(**overrides))


def test_a_national_listing_needs_no_postcode() -> None:
    listing = make_listing(national=True, radius_miles=None, postcode=None, easting=None, northing=None)
    assert listing_errors(listing) == {}


def test_lifecycle_submit_approve_update_withdraw() -> None:
    provider = Provider.submit(make_listing(), submitted_by="account-1")
    assert provider.status == "submitted" and not provider.published
    provider.approve(moderated_by="admin-1")
    assert provider.published
    assert provider.update({"name": "Aire Valley Engineering Ltd"}, updated_by="account-1")
    assert provider.status == "listed"
    assert provider.update({"name": "Aire Valley Engineering Ltd"}, updated_by="account-1") is False
    provider.withdraw(withdrawn_by="account-1", reason="Closed")
    assert [type(e) for e in provider.pending] == [
        ProviderSubmitted,
        ProviderListed,
        ProviderUpdated,
        ProviderWithdrawn,
    ]
    with pytest.raises(ProviderStateError):
        provider.update({"name": "Again"}, updated_by="account-1")
    with pytest.raises(ProviderStateError):
        provider.withdraw(withdrawn_by="account-1")


def test_rejected_then_corrected_goes_back_to_moderation() -> None:
    provider = Provider.submit(make_listing(), submitted_by="account-1")
    with pytest.raises(InvalidProvider):
        provider.reject(" ", moderated_by="admin-1")
    provider.reject("Please describe the activities", moderated_by="admin-1")
    assert provider.status == "rejected"
    with pytest.raises(ProviderStateError):
        provider.reject("Again", moderated_by="admin-1")
    provider.update(
        {"description": "Workshop visits, mock interviews and site tours."}, updated_by="account-1"
    )
    assert provider.status == "submitted"
    provider.approve(moderated_by="admin-1")
    assert provider.published and provider.rejection_reason is None
    with pytest.raises(ProviderStateError):
        provider.approve(moderated_by="admin-1")


def test_history_rebuilds_the_same_state() -> None:
    provider = Provider.submit(make_listing(), submitted_by="account-1")
    provider.approve(moderated_by="admin-1")
    provider.update({"cost": "paid", "price_band": "under_100"}, updated_by="account-1")
    rebuilt = Provider.from_history(provider.provider_id, list(provider.pending))
    assert rebuilt.listing == provider.listing
    assert rebuilt.status == "listed" and rebuilt.version == 3
    assert isinstance(ProviderRejected(provider_id="x", reason="r"), ProviderRejected)


def test_update_refuses_invalid_results_and_unknown_fields() -> None:
    provider = Provider.submit(make_listing(), submitted_by="account-1")
    with pytest.raises(InvalidProvider) as raised:
        provider.update({"cost": "paid"}, updated_by="account-1")
    assert "price_band" in raised.value.errors
    with pytest.raises(InvalidProvider):
        provider.update({"colour": "blue"}, updated_by="account-1")
    assert provider.listing == make_listing()


def test_going_national_drops_the_radius_and_free_drops_the_band() -> None:
    provider = Provider.submit(make_listing(cost="paid", price_band="under_100"), submitted_by="a")
    provider.update({"national": True, "cost": "free"}, updated_by="a")
    assert provider.listing is not None
    assert provider.listing.radius_miles is None and provider.listing.price_band is None
    assert replace(provider.listing, national=False).national is False


def test_bitmask() -> None:
    assert bitmask([1, 3], (1, 2, 3)) == 0b101
    assert bitmask(["classics"], SUBJECTS) == 1 << (len(SUBJECTS) - 1)
