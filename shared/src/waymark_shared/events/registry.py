"""The schema registry: one marshmallow schema per event type and version.

A service declares its event contracts once::

    events = EventRegistry("audit")

    @events.schema("AuditStarted", version=1)
    class AuditStartedV1(Schema): ...

    @events.schema("AuditStarted", version=2, upcast=lambda data: {**data, "framework": "gatsby-2018"})
    class AuditStartedV2(Schema): ...

Appends are validated against the named version (the latest by default). Reads upcast
older versions step by step (``upcast`` turns version n-1 data into version n) and
never rewrite what is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import RAISE, Schema, ValidationError

from waymark_shared.events.envelope import RecordedEvent, qualified_type, short_type, source_uri

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class UnknownEventType(LookupError):
    pass


class EventValidationError(ValueError):
    """An event's data does not match its schema; ``messages`` maps fields to errors."""

    def __init__(self, event_type: str, version: int, messages: Mapping[str, Any]):
        super().__init__(f"{event_type} v{version} is invalid: {dict(messages)}")
        self.event_type = event_type
        self.version = version
        self.messages = dict(messages)


@dataclass(frozen=True)
class EventContract:
    name: str
    version: int
    schema: Schema
    upcast: Upcaster | None
    description: str


class EventRegistry:
    def __init__(self, service: str):
        self.service = service
        self.source = source_uri(service)
        self._contracts: dict[str, dict[int, EventContract]] = {}

    def schema(
        self, name: str, version: int = 1, upcast: Upcaster | None = None
    ) -> Callable[[type[Schema]], type[Schema]]:
        def register(schema_class: type[Schema]) -> type[Schema]:
            self.register(name, version, schema_class, upcast)
            return schema_class

        return register

    def register(
        self, name: str, version: int, schema_class: type[Schema], upcast: Upcaster | None = None
    ) -> None:
        versions = self._contracts.setdefault(name, {})
        if version in versions:
            raise ValueError(f"{name} v{version} is registered twice")
        if version > 1 and upcast is None:
            raise ValueError(f"{name} v{version} needs an upcaster from v{version - 1}")
        description = (schema_class.__doc__ or "").strip()
        versions[version] = EventContract(name, version, schema_class(unknown=RAISE), upcast, description)

    def names(self) -> list[str]:
        return sorted(self._contracts)

    def contracts(self) -> Iterable[EventContract]:
        for name in self.names():
            yield from (self._contracts[name][v] for v in sorted(self._contracts[name]))

    def qualified(self, name: str) -> str:
        return qualified_type(self.service, name)

    def latest_version(self, name: str) -> int:
        return max(self._versions(name))

    def validate(self, name: str, data: Mapping[str, Any], version: int | None = None) -> dict:
        """Validate and normalise ``data``; raises :class:`EventValidationError`."""
        version = version or self.latest_version(name)
        contract = self._contract(name, version)
        try:
            loaded = contract.schema.load(data)
        except ValidationError as error:
            raise EventValidationError(name, version, error.normalized_messages()) from error
        return contract.schema.dump(loaded)

    def upcast(self, event: RecordedEvent, *, validate: bool = True) -> RecordedEvent:
        """Bring a stored event to the latest version of its type."""
        name = short_type(event.type)
        latest = self.latest_version(name)
        if event.schema_version == latest and not validate:
            return event
        data = dict(event.data)
        for version in range(event.schema_version + 1, latest + 1):
            data = self._contract(name, version).upcast(data)  # type: ignore[misc]
        if validate or event.schema_version != latest:
            data = self.validate(name, data, latest)
        return event.with_data(data, latest)

    def _versions(self, name: str) -> dict[int, EventContract]:
        try:
            return self._contracts[name]
        except KeyError:
            raise UnknownEventType(f"{self.service} has no event type {name!r}") from None

    def _contract(self, name: str, version: int) -> EventContract:
        try:
            return self._versions(name)[version]
        except KeyError:
            raise UnknownEventType(f"{self.service} has no {name} v{version}") from None
