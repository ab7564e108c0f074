"""Activity providers ("find an activity provider"): self-service listings, moderated.

A provider editor submits a listing; an admin approves it (``ProviderListed``, published
in search) or rejects it with a reason. The editor may update it at any time: a listed
provider's update is published at once, a submitted or rejected one's goes (back) into
the moderation queue. A withdrawn provider is gone from search and cannot be changed.

The listing's area is a postcode with a radius in miles, or national. Placing the
postcode on the grid is the caller's job (the service layer has the postcode data):
the listing arrives with its normalised postcode and grid reference.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace

from waymark_directory.domain.provider_events import (
    ProviderListed,
    ProviderRejected,
    ProviderSubmitted,
    ProviderUpdated,
    ProviderWithdrawn,
)

PROVIDER_TYPES = (
    "employer",
    "fe_college",
    "university",
    "training_provider",
    "charity",
    "careers_company",
)
PROVIDER_TYPE_LABELS = {
    "employer": "Employer",
    "fe_college": "FE college",
    "university": "University or higher education",
    "training_provider": "Independent training or apprenticeship provider",
    "charity": "Charity",
    "careers_company": "Careers company",
}
BENCHMARKS = tuple(range(1, 9))
BENCHMARK_LABELS = {
    1: "1. A stable careers programme",
    2: "2. Learning from career and labour market information",
    3: "3. Addressing the needs of each young person",
    4: "4. Linking curriculum learning to careers",
    5: "5. Encounters with employers and employees",
    6: "6. Experiences of workplaces",
    7: "7. Encounters with further and higher education",
    8: "8. Personal guidance",
}
KEY_STAGES = ("ks3", "ks4", "post16")
KEY_STAGE_LABELS = {"ks3": "Key stage 3", "ks4": "Key stage 4", "post16": "16 to 19"}
# A fixed list, so a search can hold it as a bitmask: append only, never reorder.
SUBJECTS = (
    "art_and_design",
    "biology",
    "business",
    "chemistry",
    "citizenship",
    "computing",
    "design_and_technology",
    "drama",
    "economics",
    "english",
    "food_and_nutrition",
    "geography",
    "health_and_social_care",
    "history",
    "languages",
    "mathematics",
    "media_studies",
    "music",
    "physical_education",
    "physics",
    "psychology",
    "pshe",
    "religious_education",
    "science",
    "sociology",
    "engineering",
    "law",
    "classics",
)
SUBJECT_LABELS = {
    s: s.replace("_", " ").capitalize().replace("Pshe", "PSHE").replace("english", "English")
    for s in SUBJECTS
}
SUBJECT_LABELS.update(
    {"english": "English", "pshe": "PSHE", "design_and_technology": "Design and technology"}
)
COSTS = ("free", "paid")
PRICE_BANDS = ("under_100", "100_to_499", "500_to_999", "1000_or_more")
PRICE_BAND_LABELS = {
    "under_100": "Under £100",
    "100_to_499": "£100 to £499",
    "500_to_999": "£500 to £999",
    "1000_or_more": "£1,000 or more",
}
DELIVERIES = ("in_person", "virtual", "both")
DELIVERY_LABELS = {"in_person": "In person", "virtual": "Virtual", "both": "In person or virtual"}
STATUSES = ("submitted", "listed", "rejected", "withdrawn")
MAX_RADIUS_MILES = 300
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
WEBSITE = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$", re.IGNORECASE)
PHONE = re.compile(r"^\+?[0-9 ()-]{10,20}$")

Errors = dict[str, list[str]]


class InvalidProvider(ValueError):
    def __init__(self, errors: Errors):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


class ProviderStateError(Exception):
    """The command does not fit the provider's state (e.g. approving a withdrawn one)."""


@dataclass(frozen=True)
class Listing:
    """What a provider publishes. ``postcode`` is normalised; ``easting``/``northing`` are
    its grid reference (metres), ``None`` for a national provider without a postcode."""

    name: str
    description: str
    provider_type: str
    benchmarks: tuple[int, ...]
    key_stages: tuple[str, ...]
    send_suitable: bool
    subjects: tuple[str, ...]
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

    def data(self) -> dict[str, object]:
        values = asdict(self)
        values["benchmarks"] = list(self.benchmarks)
        values["key_stages"] = list(self.key_stages)
        values["subjects"] = list(self.subjects)
        return values

    @classmethod
    def from_data(cls, data: dict[str, object]) -> Listing:
        known = {k: data.get(k) for k in cls.__dataclass_fields__}
        for name in ("benchmarks", "key_stages", "subjects"):
            known[name] = tuple(known[name] or ())  # type: ignore[arg-type]
        return cls(**known)  # type: ignore[arg-type]


def listing_errors(listing: Listing) -> Errors:
    """Everything wrong with ``listing``, by field (empty when it is valid)."""
    errors: Errors = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not listing.name.strip() or len(listing.name) > 200:
        add("name", "Enter the provider's name (at most 200 characters).")
    if not listing.description.strip() or len(listing.description) > 5000:
        add("description", "Describe what the provider offers (at most 5,000 characters).")
    if listing.provider_type not in PROVIDER_TYPES:
        add("provider_type", f"Choose one of: {', '.join(PROVIDER_TYPES)}.")
    if not listing.benchmarks or any(b not in BENCHMARKS for b in listing.benchmarks):
        add("benchmarks", "Choose at least one Gatsby benchmark, 1 to 8.")
    if not listing.key_stages or any(k not in KEY_STAGES for k in listing.key_stages):
        add("key_stages", f"Choose at least one of: {', '.join(KEY_STAGES)}.")
    if any(s not in SUBJECTS for s in listing.subjects):
        unknown = sorted(set(listing.subjects) - set(SUBJECTS))
        add("subjects", f"Unknown subjects: {', '.join(unknown)}.")
    if listing.cost not in COSTS:
        add("cost", "Choose free or paid.")
    elif listing.cost == "paid" and listing.price_band not in PRICE_BANDS:
        add("price_band", f"Choose a price band for a paid activity: {', '.join(PRICE_BANDS)}.")
    elif listing.cost == "free" and listing.price_band is not None:
        add("price_band", "A free activity has no price band.")
    if listing.delivery not in DELIVERIES:
        add("delivery", f"Choose one of: {', '.join(DELIVERIES)}.")
    _area_errors(listing, add)
    _contact_errors(listing, add)
    return errors


def _area_errors(listing: Listing, add: Callable[[str, str], None]) -> None:
    if not listing.national:
        if not listing.postcode or listing.easting is None or listing.northing is None:
            add("postcode", "Enter the postcode of the area you serve, or choose national.")
        radius = listing.radius_miles
        if radius is None or not 0 < radius <= MAX_RADIUS_MILES:
            add(
                "radius_miles", f"Enter how far you travel: more than 0 and at most {MAX_RADIUS_MILES} miles."
            )
    elif listing.radius_miles is not None:
        add("radius_miles", "A national provider has no radius.")


def _contact_errors(listing: Listing, add: Callable[[str, str], None]) -> None:
    if not (listing.contact_email or listing.contact_phone or listing.website):
        add("contact_email", "Give at least one way to contact the provider: email, phone or website.")
    if listing.contact_email and not EMAIL.match(listing.contact_email):
        add("contact_email", "Enter an email address like name@example.org.")
    if listing.contact_phone and not PHONE.match(listing.contact_phone):
        add("contact_phone", "Enter a phone number like 0113 496 0000.")
    if listing.website and not WEBSITE.match(listing.website):
        add("website", "Enter a website address starting with https://.")


@dataclass
class Provider:
    provider_id: str
    listing: Listing | None = None
    status: str = ""
    rejection_reason: str | None = None
    submitted_by: str | None = None
    version: int = 0
    pending: list[object] = field(default_factory=list)

    @property
    def published(self) -> bool:
        return self.status == "listed"

    @classmethod
    def submit(cls, listing: Listing, submitted_by: str | None) -> Provider:
        _check(listing)
        provider = cls(provider_id=str(uuid.uuid4()))
        provider._record(
            ProviderSubmitted(provider_id=provider.provider_id, submitted_by=submitted_by, **listing.data())
        )
        return provider

    @classmethod
    def from_history(cls, provider_id: str, history: list[object]) -> Provider:
        provider = cls(provider_id)
        for event in history:
            provider._apply(event)
            provider.version += 1
        return provider

    def approve(self, moderated_by: str | None) -> None:
        if self.status not in ("submitted", "rejected"):
            raise ProviderStateError(
                f"Only a provider waiting for moderation can be approved; this one is {self.status}."
            )
        assert self.listing is not None
        self._record(
            ProviderListed(provider_id=self.provider_id, moderated_by=moderated_by, **self.listing.data())
        )

    def reject(self, reason: str, moderated_by: str | None) -> None:
        if self.status != "submitted":
            raise ProviderStateError(f"Only a submitted provider can be rejected; this one is {self.status}.")
        if not reason.strip() or len(reason) > 2000:
            raise InvalidProvider({"reason": ["Say why the listing is rejected (at most 2,000 characters)."]})
        self._record(
            ProviderRejected(provider_id=self.provider_id, reason=reason.strip(), moderated_by=moderated_by)
        )

    def update(self, changes: dict[str, object], updated_by: str | None) -> bool:
        """Apply ``changes`` (listing fields); ``False`` when they change nothing."""
        if self.status == "withdrawn":
            raise ProviderStateError("A withdrawn provider cannot be changed.")
        assert self.listing is not None
        unknown = set(changes) - set(Listing.__dataclass_fields__)
        if unknown:
            raise InvalidProvider({name: ["Unknown field."] for name in sorted(unknown)})
        listing = replace(self.listing, **changes)  # type: ignore[arg-type]
        if listing.national:
            listing = replace(listing, radius_miles=None)
        if listing.cost == "free":
            listing = replace(listing, price_band=None)
        _check(listing)
        if listing == self.listing:
            return False
        self._record(ProviderUpdated(provider_id=self.provider_id, updated_by=updated_by, **listing.data()))
        return True

    def withdraw(self, withdrawn_by: str | None, reason: str | None = None) -> None:
        if self.status == "withdrawn":
            raise ProviderStateError("This provider is already withdrawn.")
        self._record(
            ProviderWithdrawn(provider_id=self.provider_id, withdrawn_by=withdrawn_by, reason=reason)
        )

    def _record(self, event: object) -> None:
        self._apply(event)
        self.pending.append(event)

    def _apply(self, event: object) -> None:
        if isinstance(event, ProviderSubmitted):
            self.listing = Listing.from_data(vars(event))
            self.status = "submitted"
            self.submitted_by = event.submitted_by
        elif isinstance(event, ProviderListed):
            self.listing = Listing.from_data(vars(event))
            self.status = "listed"
            self.rejection_reason = None
        elif isinstance(event, ProviderRejected):
            self.status = "rejected"
            self.rejection_reason = event.reason
        elif isinstance(event, ProviderUpdated):
            self.listing = Listing.from_data(vars(event))
            if self.status == "rejected":
                self.status = "submitted"
        elif isinstance(event, ProviderWithdrawn):
            self.status = "withdrawn"


def _check(listing: Listing) -> None:
    errors = listing_errors(listing)
    if errors:
        raise InvalidProvider(errors)


def bitmask(values: object, universe: tuple) -> int:
    """``values`` as bits of their positions in ``universe`` (for search columns)."""
    mask = 0
    for value in values:  # type: ignore[attr-defined]
        mask |= 1 << universe.index(value)
    return mask


DELIVERY_BITS = {"in_person": 1, "virtual": 2, "both": 3}
