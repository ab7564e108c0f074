"""Activity providers' command handlers: each one transaction, events and projections together.

A handler takes the acting account's id as an argument (``actor``); whether that account
may do it is the route's one-line permission check, not the handler's business.
The listing's postcode is normalised and placed on the grid here (the domain is pure);
a bad or unknown postcode is a field error like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from waymark_directory.adapters import postcodes
from waymark_directory.adapters.provider_tables import provider_search, providers
from waymark_directory.domain.provider_events import (
    ProviderListed,
    ProviderRejected,
    ProviderSubmitted,
    ProviderUpdated,
    ProviderWithdrawn,
)
from waymark_directory.domain.providers import (
    BENCHMARKS,
    DELIVERY_BITS,
    KEY_STAGES,
    PROVIDER_TYPE_LABELS,
    SUBJECTS,
    Errors,
    InvalidProvider,
    Listing,
    Provider,
    bitmask,
    listing_errors,
)
from waymark_directory.service_layer import staff
from waymark_shared.auth import PROVIDER_EDITOR
from waymark_shared.events.mapping import event_classes, to_domain, to_new_events
from waymark_shared.service import ServiceRuntime

EVENT_CLASSES = event_classes(
    ProviderSubmitted, ProviderListed, ProviderRejected, ProviderUpdated, ProviderWithdrawn
)
LISTING_DEFAULTS: dict[str, Any] = {
    "subjects": (),
    "send_suitable": False,
    "price_band": None,
    "national": False,
    "postcode": None,
    "radius_miles": None,
    "contact_email": None,
    "contact_phone": None,
    "website": None,
}


GRID_COLUMN_M = 10_000  # provider_search.grid_x: the easting's 10 km column


class ProviderNotFound(LookupError):
    def __init__(self, provider_id: str):
        super().__init__(f"There is no provider {provider_id}.")


def stream_id(provider_id: str) -> str:
    return f"provider-{provider_id}"


def place(postcode: str | None) -> tuple[str | None, float | None, float | None, Errors]:
    """``postcode`` normalised and on the grid, or the field error saying why not."""
    if postcode is None or not str(postcode).strip():
        return None, None, None, {}
    try:
        location = postcodes.locate(postcode)
    except postcodes.PostcodeError as error:
        return None, None, None, {"postcode": [str(error)]}
    return location.postcode, location.easting, location.northing, {}


def listing_from_input(values: dict[str, Any]) -> Listing:
    """A :class:`Listing` from the request's fields; raises :class:`InvalidProvider`."""
    fields = {**LISTING_DEFAULTS, **values}
    postcode, easting, northing, errors = place(fields.get("postcode"))
    fields.update(postcode=postcode, easting=easting, northing=northing)
    for name in ("benchmarks", "key_stages", "subjects"):
        fields[name] = tuple(dict.fromkeys(fields.get(name) or ()))
    if fields.get("national"):
        fields["radius_miles"] = None
    listing = Listing(**{k: fields.get(k) for k in Listing.__dataclass_fields__})
    if errors:
        raise InvalidProvider({**listing_errors(listing), **errors})
    return listing


def submit_provider(
    values: dict[str, Any], runtime: ServiceRuntime, *, actor: str | None, editor: str | None = None
) -> Provider:
    """A new listing, waiting for moderation. ``editor`` (an account id) is granted
    ``provider_editor`` over it: in the same transaction as the submission, so there is
    never a listing whose submitter cannot edit it, nor a grant over a listing that was
    not saved. Their identity token shows the grant once directory re-issues it."""
    provider = Provider.submit(listing_from_input(values), submitted_by=actor)

    def grant_editor(conn: Connection) -> None:
        assert editor is not None
        now = datetime.now(UTC)
        staff.grant_in(runtime, conn, editor, PROVIDER_EDITOR, provider.provider_id, granted_by=None, now=now)

    _save(provider, 0, runtime, also=grant_editor if editor else None)
    return provider


def approve_provider(provider_id: str, runtime: ServiceRuntime, *, actor: str | None) -> Provider:
    provider = _load_or_raise(provider_id, runtime)
    expected = provider.version
    provider.approve(moderated_by=actor)
    _save(provider, expected, runtime)
    return provider


def reject_provider(provider_id: str, reason: str, runtime: ServiceRuntime, *, actor: str | None) -> Provider:
    provider = _load_or_raise(provider_id, runtime)
    expected = provider.version
    provider.reject(reason, moderated_by=actor)
    _save(provider, expected, runtime)
    return provider


def update_provider(
    provider_id: str,
    changes: dict[str, Any],
    runtime: ServiceRuntime,
    *,
    actor: str | None,
    expected_version: int | None = None,
) -> Provider:
    provider = _load_or_raise(provider_id, runtime)
    expected = provider.version if expected_version is None else expected_version
    changes = dict(changes)
    if "postcode" in changes:
        postcode, easting, northing, errors = place(changes["postcode"])
        if errors:
            raise InvalidProvider(errors)
        changes.update(postcode=postcode, easting=easting, northing=northing)
    for name in ("benchmarks", "key_stages", "subjects"):
        if name in changes:
            changes[name] = tuple(dict.fromkeys(changes[name] or ()))
    if provider.update(changes, updated_by=actor):
        _save(provider, expected, runtime)
    return provider


def withdraw_provider(
    provider_id: str, runtime: ServiceRuntime, *, actor: str | None, reason: str | None = None
) -> Provider:
    provider = _load_or_raise(provider_id, runtime)
    expected = provider.version
    provider.withdraw(withdrawn_by=actor, reason=reason)
    _save(provider, expected, runtime)
    return provider


def load_provider(provider_id: str, runtime: ServiceRuntime) -> Provider | None:
    history = runtime.store.read_stream(stream_id(provider_id))
    if not history:
        return None
    return Provider.from_history(provider_id, [to_domain(e, EVENT_CLASSES) for e in history])


def _load_or_raise(provider_id: str, runtime: ServiceRuntime) -> Provider:
    provider = load_provider(provider_id, runtime)
    if provider is None:
        raise ProviderNotFound(provider_id)
    return provider


def _save(
    provider: Provider,
    expected: int,
    runtime: ServiceRuntime,
    *,
    also: Callable[[Connection], None] | None = None,
) -> None:
    events = to_new_events(provider.pending, provider.provider_id)
    with runtime.engine.begin() as conn:
        runtime.store.append(stream_id(provider.provider_id), expected, events, connection=conn)
        provider.version = expected + len(events)
        project(conn, provider)
        if also is not None:
            also(conn)
    provider.pending.clear()


def project(conn: Connection, provider: Provider) -> None:
    """Bring both provider tables to ``provider``'s state (inline, same transaction)."""
    listing = provider.listing
    assert listing is not None
    row = {
        "name": listing.name,
        "provider_type": listing.provider_type,
        "status": provider.status,
        "postcode": listing.postcode,
        "national": listing.national,
        "submitted_by": provider.submitted_by,
        "rejection_reason": provider.rejection_reason,
        "version": provider.version,
    }
    table = providers
    exists = conn.execute(
        select(table.c.provider_id).where(table.c.provider_id == provider.provider_id)
    ).first()
    if exists:
        conn.execute(update(table).where(table.c.provider_id == provider.provider_id).values(**row))
    else:
        conn.execute(insert(table).values(provider_id=provider.provider_id, **row))
    conn.execute(delete(provider_search).where(provider_search.c.provider_id == provider.provider_id))
    if provider.published:
        conn.execute(insert(provider_search).values(**search_row(provider.provider_id, listing)))


def search_row(provider_id: str, listing: Listing) -> dict[str, Any]:
    """The ``provider_search`` row of a published listing."""
    words = [
        listing.name,
        listing.description,
        PROVIDER_TYPE_LABELS.get(listing.provider_type, ""),
        " ".join(s.replace("_", " ") for s in listing.subjects),
    ]
    return {
        "provider_id": provider_id,
        "name": listing.name,
        "summary": _summary(listing.description),
        "search_text": " ".join(words).lower(),
        "provider_type": listing.provider_type,
        "cost": listing.cost,
        "price_band": listing.price_band,
        "delivery": DELIVERY_BITS[listing.delivery],
        "benchmarks": bitmask(listing.benchmarks, BENCHMARKS),
        "key_stages": bitmask(listing.key_stages, KEY_STAGES),
        "subjects": bitmask(listing.subjects, SUBJECTS),
        "send_suitable": listing.send_suitable,
        "national": listing.national,
        "postcode": listing.postcode,
        "easting": listing.easting,
        "northing": listing.northing,
        "grid_x": None if listing.easting is None else int(listing.easting // GRID_COLUMN_M),
        "radius_m": None if listing.radius_miles is None else postcodes.miles_to_metres(listing.radius_miles),
    }


def _summary(description: str, limit: int = 280) -> str:
    text = " ".join(description.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"
