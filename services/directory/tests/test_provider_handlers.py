"""Provider command handlers on each backend: events, projections and refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from waymark_directory.adapters.provider_tables import provider_search, providers
from waymark_directory.demo_providers import sample_listing
from waymark_directory.domain.providers import InvalidProvider, ProviderStateError
from waymark_directory.service_layer import staff
from waymark_directory.service_layer.provider_handlers import (
    ProviderNotFound,
    approve_provider,
    load_provider,
    reject_provider,
    stream_id,
    submit_provider,
    update_provider,
    withdraw_provider,
)
from waymark_directory.service_layer.signing_in import principal_for
from waymark_directory.testing import account_with_grants
from waymark_shared.auth import PROVIDER_EDITOR, Grant
from waymark_shared.eventstore.store import ConcurrencyError


def _rows(runtime, table):  # type: ignore[no-untyped-def]
    with runtime.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(table))]


def test_submit_records_the_event_and_waits_for_moderation(runtime) -> None:  # type: ignore[no-untyped-def]
    provider = submit_provider(sample_listing(postcode="ls98ab"), runtime, actor="account-1")
    history = runtime.store.read_stream(stream_id(provider.provider_id))
    assert [e.name for e in history] == ["ProviderSubmitted"]
    assert history[0].subject == provider.provider_id
    assert history[0].data["postcode"] == "LS9 8AB"
    assert history[0].data["easting"] == 430893.0
    assert history[0].data["submitted_by"] == "account-1"
    [row] = _rows(runtime, providers)
    assert row["status"] == "submitted" and row["version"] == 1
    assert _rows(runtime, provider_search) == []


def test_the_editor_is_granted_in_the_submissions_transaction(runtime) -> None:  # type: ignore[no-untyped-def]
    principal, _ = account_with_grants(runtime)
    provider = submit_provider(sample_listing(), runtime, actor=principal.subject, editor=principal.subject)
    held = principal_for(runtime, principal.subject)
    assert held is not None and held.grants == (Grant(PROVIDER_EDITOR, "provider", provider.provider_id),)
    # Without an editor (demo data, imports), nobody is granted anything.
    submit_provider(sample_listing(), runtime, actor="demo-seed")
    assert [e.name for e in runtime.store.read_stream(f"account-{principal.subject}")] == ["RoleGranted"]


def test_a_failed_grant_leaves_no_listing(runtime, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    principal, _ = account_with_grants(runtime)

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the grant failed")

    monkeypatch.setattr(staff, "grant_in", refuse)
    with pytest.raises(RuntimeError):
        submit_provider(sample_listing(), runtime, actor=principal.subject, editor=principal.subject)
    assert _rows(runtime, providers) == [] and runtime.store.count_after() == 0


def test_approve_publishes_and_update_republishes(runtime) -> None:  # type: ignore[no-untyped-def]
    provider = submit_provider(sample_listing(), runtime, actor="account-1")
    approve_provider(provider.provider_id, runtime, actor="admin-1")
    [row] = _rows(runtime, provider_search)
    assert row["name"] == "Aire Valley Engineering"
    assert row["benchmarks"] == 0b110000  # 5 and 6
    assert row["key_stages"] == 0b110
    assert row["delivery"] == 3 and row["send_suitable"] is True
    assert row["radius_m"] == pytest.approx(15 * 1609.344)
    update_provider(
        provider.provider_id,
        {"name": "Aire Valley Engineering Ltd", "postcode": "M1 1AE"},
        runtime,
        actor="account-1",
    )
    [row] = _rows(runtime, provider_search)
    assert row["name"] == "Aire Valley Engineering Ltd" and row["postcode"] == "M1 1AE"
    loaded = load_provider(provider.provider_id, runtime)
    assert loaded is not None and loaded.version == 3 and loaded.status == "listed"
    assert [e.name for e in runtime.store.read_stream(stream_id(provider.provider_id))] == [
        "ProviderSubmitted",
        "ProviderListed",
        "ProviderUpdated",
    ]


def test_an_update_that_changes_nothing_records_nothing(runtime) -> None:  # type: ignore[no-untyped-def]
    provider = submit_provider(sample_listing(), runtime, actor="account-1")
    update_provider(provider.provider_id, {"name": "Aire Valley Engineering"}, runtime, actor="account-1")
    assert len(runtime.store.read_stream(stream_id(provider.provider_id))) == 1


def test_reject_then_withdraw(runtime) -> None:  # type: ignore[no-untyped-def]
    provider = submit_provider(sample_listing(), runtime, actor="account-1")
    reject_provider(provider.provider_id, "Add a phone number", runtime, actor="admin-1")
    [row] = _rows(runtime, providers)
    assert row["status"] == "rejected" and row["rejection_reason"] == "Add a phone number"
    withdraw_provider(provider.provider_id, runtime, actor="account-1", reason="Closing down")
    [row] = _rows(runtime, providers)
    assert row["status"] == "withdrawn"
    with pytest.raises(ProviderStateError):
        approve_provider(provider.provider_id, runtime, actor="admin-1")


def test_withdrawing_a_listed_provider_takes_it_out_of_search(runtime) -> None:  # type: ignore[no-untyped-def]
    provider = submit_provider(sample_listing(), runtime, actor="account-1")
    approve_provider(provider.provider_id, runtime, actor="admin-1")
    withdraw_provider(provider.provider_id, runtime, actor="admin-1")
    assert _rows(runtime, provider_search) == []


def test_bad_and_unknown_postcodes_are_field_errors_and_write_nothing(runtime) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidProvider) as raised:
        submit_provider(sample_listing(postcode="LS9", name=""), runtime, actor="account-1")
    assert "not a UK postcode" in raised.value.errors["postcode"][0]
    assert "name" in raised.value.errors
    with pytest.raises(InvalidProvider) as raised:
        submit_provider(sample_listing(postcode="YY99 9ZZ"), runtime, actor="account-1")
    assert "cannot find YY99 9ZZ" in raised.value.errors["postcode"][0]
    assert _rows(runtime, providers) == []
    assert runtime.store.count_after() == 0


def test_unknown_provider(runtime) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ProviderNotFound):
        approve_provider("00000000-0000-0000-0000-000000000000", runtime, actor="admin-1")
    assert load_provider("00000000-0000-0000-0000-000000000000", runtime) is None


def test_a_stale_update_is_refused(runtime) -> None:  # type: ignore[no-untyped-def]
    provider = submit_provider(sample_listing(), runtime, actor="account-1")
    approve_provider(provider.provider_id, runtime, actor="admin-1")
    with pytest.raises(ConcurrencyError):
        update_provider(
            provider.provider_id, {"name": "Late"}, runtime, actor="account-1", expected_version=1
        )
    assert _rows(runtime, provider_search)[0]["name"] == "Aire Valley Engineering"


def test_national_provider_without_a_postcode(runtime) -> None:  # type: ignore[no-untyped-def]
    values = sample_listing(national=True, postcode=None, radius_miles=None)
    provider = submit_provider(values, runtime, actor="account-1")
    approve_provider(provider.provider_id, runtime, actor="admin-1")
    [row] = _rows(runtime, provider_search)
    assert row["national"] is True and row["easting"] is None and row["radius_m"] is None
