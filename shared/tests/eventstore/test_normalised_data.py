"""What is stored is what the schema makes of the data, as ``EventRegistry.validate`` says.

The store skips marshmallow's dump where it cannot change what ``load`` returned; these
cases pin that the result is the same either way.
"""

from __future__ import annotations

from typing import Any

import pytest
from marshmallow import Schema, fields, post_load
from sqlalchemy import Engine

from waymark_shared.events.envelope import NewEvent
from waymark_shared.events.registry import EventRegistry
from waymark_shared.eventstore.store import EventStore


class PlainV1(Schema):
    name = fields.Str(required=True)
    count = fields.Int(required=True)
    ratio = fields.Float(load_default=0.5)
    active = fields.Bool()
    tags = fields.List(fields.Str())
    scores = fields.Dict(keys=fields.Str(), values=fields.Int())
    extra = fields.Raw()


class PartV1(Schema):
    code = fields.Str(required=True)
    weight = fields.Float()


class NestingV1(Schema):
    parts = fields.List(fields.Nested(PartV1), required=True)
    main = fields.Nested(PartV1)


class TransformingV1(Schema):
    at = fields.DateTime(required=True)
    label = fields.Str(data_key="Label")
    amount = fields.Decimal(as_string=True)
    urn = fields.Int(as_string=True)


class HookedV1(Schema):
    name = fields.Str(required=True)

    @post_load
    def shout(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return {**data, "name": data["name"].upper()}


CASES = [
    ("Plain", PlainV1, {"name": "a", "count": "12", "active": "true", "tags": ["x"], "scores": {"k": "3"}}),
    ("Plain", PlainV1, {"name": "b", "count": 3, "ratio": 2, "extra": {"any": [1, None]}}),
    ("Nesting", NestingV1, {"parts": [{"code": "p", "weight": 1}], "main": {"code": "m"}}),
    (
        "Transforming",
        TransformingV1,
        {"at": "2026-01-02T03:04:05+00:00", "Label": "x", "amount": "1.50", "urn": 7},
    ),
    ("Hooked", HookedV1, {"name": "quiet"}),
]


@pytest.mark.parametrize(("name", "schema", "data"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_stored_data_is_what_the_registry_makes_of_it(
    engine: Engine, name: str, schema: type[Schema], data: dict[str, Any]
) -> None:
    registry = EventRegistry("testsvc")
    registry.register(name, 1, schema)
    store = EventStore(engine, registry)

    [appended] = store.append("s-1", 0, [NewEvent(name, "inst-1", data)])

    expected = registry.validate(name, data)
    assert appended.data == expected
    assert store.read_stream("s-1")[0].data == expected
