"""The event envelope: CloudEvents 1.0 attributes plus Waymark's extensions.

An event is written as a :class:`NewEvent` (what a command handler decides happened)
and read back as a :class:`RecordedEvent` (what the store holds, with its stream
version and its place in the log). ``to_cloudevent`` gives the structured-mode JSON
that partners receive on Kafka; extension attribute names follow the CloudEvents rule
of lower-case letters and digits only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from waymark_shared.events.stamps import new_event_id, utc_now_iso

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
TYPE_PREFIX = "uk.waymark"


def qualified_type(source_service: str, name: str) -> str:
    """``("audit", "AuditCompleted")`` → ``uk.waymark.audit.AuditCompleted``."""
    return f"{TYPE_PREFIX}.{source_service}.{name}"


def source_uri(source_service: str) -> str:
    return f"/waymark/{source_service}"


def short_type(event_type: str) -> str:
    return event_type.rsplit(".", 1)[-1]


@dataclass(frozen=True, init=False)
class NewEvent:
    """An event a handler wants appended. ``subject`` is the institution id; ``id`` and
    ``time`` are made now unless given."""

    type: str
    subject: str
    data: Mapping[str, Any]
    schema_version: int | None = None
    id: str = field(default_factory=new_event_id)
    time: str = field(default_factory=utc_now_iso)

    def __init__(  # noqa: PLR0913, PLR0917 (the fields, in their order, as the dataclass's own)
        self,
        type: str,  # noqa: A002 (the CloudEvents attribute)
        subject: str,
        data: Mapping[str, Any],
        schema_version: int | None = None,
        id: str | None = None,  # noqa: A002 (the CloudEvents attribute)
        time: str | None = None,
    ) -> None:
        # Written straight into the instance: the frozen dataclass's own __init__ sets
        # each field through object.__setattr__, which costs more than making the id.
        fields = self.__dict__
        fields["type"], fields["subject"], fields["data"] = type, subject, data
        fields["schema_version"] = schema_version
        fields["id"] = new_event_id() if id is None else id
        fields["time"] = utc_now_iso() if time is None else time


@dataclass(frozen=True, order=True, init=False)
class Checkpoint:
    """A place in one store's log, ordered as the log is read.

    ``commit_id`` orders transactions (always 0 on SQLite, whose writers are
    serialised; the writing transaction's id on PostgreSQL); ``position`` orders
    events within it and is unique across the store.
    """

    commit_id: int = 0
    position: int = 0

    def __init__(self, commit_id: int = 0, position: int = 0) -> None:
        # One per event read or appended: see NewEvent.__init__.
        fields = self.__dict__
        fields["commit_id"], fields["position"] = commit_id, position

    def token(self) -> str:
        return f"{self.commit_id}-{self.position}"

    @classmethod
    def parse(cls, token: str | None) -> Checkpoint:
        if not token:
            return cls()
        commit_id, _, position = token.partition("-")
        return cls(int(commit_id), int(position))


START = Checkpoint()


@dataclass(frozen=True)
class RecordedEvent:
    """An event as stored and as delivered to subscribers."""

    id: str
    source: str
    type: str
    subject: str
    time: str
    data: Mapping[str, Any]
    schema_version: int
    stream_id: str
    stream_version: int
    correlation_id: str | None = None
    causation_id: str | None = None
    actor: str | None = None
    checkpoint: Checkpoint = START

    @property
    def name(self) -> str:
        return short_type(self.type)

    @property
    def source_service(self) -> str:
        return self.source.rsplit("/", 1)[-1]

    def with_data(self, data: Mapping[str, Any], schema_version: int) -> RecordedEvent:
        return replace(self, data=data, schema_version=schema_version)

    def to_cloudevent(self) -> dict[str, Any]:
        """The structured-mode CloudEvent as a dict."""
        return {**self.cloudevent_attributes(), "data": dict(self.data)}

    def cloudevent_attributes(self) -> dict[str, Any]:
        """Every CloudEvents attribute (ours included) but ``data``."""
        return {
            "specversion": SPEC_VERSION,
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "subject": self.subject,
            "time": self.time,
            "datacontenttype": CONTENT_TYPE,
            "dataschema": dataschema_uri(self.type, self.schema_version),
            "schemaversion": self.schema_version,
            "streamid": self.stream_id,
            "streamversion": self.stream_version,
            "correlationid": self.correlation_id,
            "causationid": self.causation_id,
            "actor": self.actor,
            "position": self.checkpoint.token(),
        }

    @classmethod
    def from_cloudevent(cls, body: Mapping[str, Any]) -> RecordedEvent:
        missing = [key for key in REQUIRED_ATTRIBUTES if body.get(key) in (None, "")]
        if missing:
            raise ValueError(f"not a Waymark CloudEvent, missing {', '.join(missing)}")
        return cls(
            id=body["id"],
            source=body["source"],
            type=body["type"],
            subject=body["subject"],
            time=body["time"],
            data=body.get("data") or {},
            schema_version=int(body["schemaversion"]),
            stream_id=body["streamid"],
            stream_version=int(body["streamversion"]),
            correlation_id=body.get("correlationid"),
            causation_id=body.get("causationid"),
            actor=body.get("actor"),
            checkpoint=Checkpoint.parse(body.get("position")),
        )


REQUIRED_ATTRIBUTES = (
    "specversion",
    "id",
    "source",
    "type",
    "subject",
    "time",
    "schemaversion",
    "streamid",
    "streamversion",
)


_encode = json.JSONEncoder(separators=(",", ":")).encode


def cloudevent_json(event: RecordedEvent, data_json: str | None = None) -> bytes:
    """The structured-mode CloudEvent as JSON bytes. ``data_json`` is the data already
    encoded (as the store keeps it), spliced in rather than decoded and encoded again."""
    attributes = _encode(event.cloudevent_attributes())
    data = data_json if data_json is not None else _encode(dict(event.data))
    return f'{attributes[:-1]},"data":{data}}}'.encode()


class OutgoingEvent(NamedTuple):
    """An event ready to publish: what routes it, and its CloudEvent JSON."""

    id: str
    type: str
    source: str
    subject: str
    checkpoint: Checkpoint
    value: bytes


def dataschema_uri(event_type: str, version: int) -> str:
    return f"urn:waymark:schema:{event_type}:v{version}"
