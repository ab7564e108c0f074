"""The append's precompiled load for plain schemas gives what marshmallow gives: the same
data for every valid event, and for every invalid one the same refusal with the same
field errors (it hands those to marshmallow)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates

from waymark_shared.events.normalising import Normaliser
from waymark_shared.events.plain_loading import compile_plain_loader
from waymark_shared.events.registry import EventRegistry, EventValidationError


def _never_seven(value: int) -> bool:
    return value != 7


class PlainV1(Schema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=5))
    size = fields.Int(required=True, validate=_never_seven)
    ratio = fields.Float(load_default=0.5)
    exact = fields.Float(allow_nan=True)
    active = fields.Bool()
    tags = fields.List(fields.Str(), validate=validate.Length(max=2))
    note = fields.Str(allow_none=True)
    kind = fields.Str(validate=validate.OneOf(["a", "b"]))


class RequiredV1(Schema):
    """Every field required: the loader tells unknown keys by the count alone."""

    name = fields.Str(required=True)
    size = fields.Int(required=True, validate=validate.Range(min=0))
    ratio = fields.Float(required=True)
    note = fields.Str(required=True, allow_none=True)


class ValidatesV1(Schema):
    name = fields.Str(required=True)

    @validates("name")
    def no_x(self, value: str, **_: Any) -> None:
        if "x" in value:
            raise ValidationError("no x")


class PostLoadV1(Schema):
    name = fields.Str(required=True)

    @post_load
    def shout(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return {**data, "name": data["name"].upper()}


VALID = [
    {"name": "a", "size": 1},
    {"name": "abcde", "size": -3, "ratio": 2.5, "active": False, "tags": [], "note": None},
    {"name": "é", "size": 10**30, "exact": float("nan"), "tags": ["x", "y"], "note": "n", "kind": "b"},
]
INVALID_OR_COERCED = [
    {},
    {"name": "a"},
    {"name": "", "size": 1},
    {"name": "abcdef", "size": 1},
    {"name": "a", "size": 7},
    {"name": "a", "size": True},
    {"name": "a", "size": "12"},
    {"name": "a", "size": 1.0},
    {"name": "a", "size": None},
    {"name": None, "size": 1},
    {"name": 3, "size": 1},
    {"name": b"bytes", "size": 1},
    {"name": "a", "size": 1, "ratio": 2},
    {"name": "a", "size": 1, "ratio": float("inf")},
    {"name": "a", "size": 1, "ratio": "1.5"},
    {"name": "a", "size": 1, "active": "true"},
    {"name": "a", "size": 1, "active": 1},
    {"name": "a", "size": 1, "tags": ["x", 1]},
    {"name": "a", "size": 1, "tags": ["x", None]},
    {"name": "a", "size": 1, "tags": ("x",)},
    {"name": "a", "size": 1, "tags": ["a", "b", "c"]},
    {"name": "a", "size": 1, "kind": "c"},
    {"name": "a", "size": 1, "unknown": 1},
    {"name": "a", "size": 1, "unknown": None},
    ["not", "a", "dict"],
    None,
]


REQUIRED_CASES = [
    {"name": "a", "size": 0, "ratio": 1.5, "note": None},
    {"name": "a", "size": 3, "ratio": 1.5, "note": "n"},
    {"name": "a", "size": 3, "ratio": 1.5},
    {"name": "a", "size": 3, "ratio": 1.5, "note": "n", "unknown": 1},
    {"name": "a", "size": 3, "ratio": 1.5, "unknown": 1},
    {"name": "a", "size": -1, "ratio": 1.5, "note": "n"},
    {"name": "a", "size": 3, "ratio": 2, "note": "n"},
    {"name": None, "size": 3, "ratio": 1.5, "note": "n"},
    {},
]


def _registry() -> EventRegistry:
    registry = EventRegistry("testsvc")
    registry.register("Plain", 1, PlainV1)
    registry.register("Required", 1, RequiredV1)
    registry.register("Validates", 1, ValidatesV1)
    registry.register("PostLoad", 1, PostLoadV1)
    return registry


def _outcome(call: Any) -> tuple[str, Any]:
    try:
        return "ok", call()
    except EventValidationError as error:
        return "refused", error.messages


@pytest.mark.parametrize(
    ("name", "data"),
    [("Plain", d) for d in VALID + INVALID_OR_COERCED] + [("Required", d) for d in REQUIRED_CASES],
)
def test_the_plain_loader_agrees_with_the_registry(name: str, data: Any) -> None:
    """``Required`` has every field required: its loader tells unknown keys by the count."""
    registry = _registry()
    normaliser = Normaliser(registry)

    expected = _outcome(lambda: registry.validate(name, data))
    got = _outcome(lambda: normaliser.validate(name, data, None)[2])

    assert _comparable(got) == _comparable(expected)


@pytest.mark.parametrize(
    ("name", "data"), [("Plain", d) for d in VALID] + [("Required", d) for d in REQUIRED_CASES[:2]]
)
def test_the_loaders_json_is_what_json_dumps_spells(name: str, data: dict[str, Any]) -> None:
    registry = _registry()

    _, _, value, text = Normaliser(registry).validate_json(name, data, None)

    assert text == json.dumps(registry.validate(name, data), separators=(",", ":"))
    assert _comparable(("ok", json.loads(text))) == _comparable(("ok", value))


@pytest.mark.parametrize("data", VALID)
def test_valid_plain_data_never_reaches_marshmallow(data: dict[str, Any]) -> None:
    loader = compile_plain_loader(_registry()._contract("Plain", 1).schema)
    assert loader is not None
    loaded = loader(data)
    assert loaded is not None
    assert _comparable(("ok", loaded[0])) == _comparable(("ok", _registry().validate("Plain", data)))


def test_dotted_and_nested_list_fields_load_as_marshmallow_loads_them() -> None:
    dotted = Schema.from_dict({"a.b": fields.Str(required=True)})()
    assert compile_plain_loader(dotted) is None  # marshmallow nests it: {"a": {"b": ...}}

    nested = Schema.from_dict({"grid": fields.List(fields.List(fields.Int()), required=True)})()
    loader = compile_plain_loader(nested)
    assert loader is not None
    data = {"grid": [[1, 2], [3]]}
    loaded, text = loader(data)  # type: ignore[misc]
    assert loaded == nested.load(data) and text == '{"grid":[[1,2],[3]]}'
    assert loaded["grid"][0] is not data["grid"][0]  # new lists, not the caller's


def test_schemas_with_load_hooks_are_left_to_marshmallow() -> None:
    registry = _registry()
    for name in ("Validates", "PostLoad"):
        assert compile_plain_loader(registry._contract(name, 1).schema) is None
    normaliser = Normaliser(registry)
    assert normaliser.validate("PostLoad", {"name": "q"}, None)[2] == {"name": "Q"}
    with pytest.raises(EventValidationError) as refused:
        normaliser.validate("Validates", {"name": "x"}, None)
    assert refused.value.messages == {"name": ["no x"]}


def _comparable(outcome: tuple[str, Any]) -> tuple[str, Any]:
    """NaN is not equal to itself: compare it by its spelling."""
    kind, value = outcome
    if isinstance(value, dict):
        value = {k: (repr(v) if isinstance(v, float) else v) for k, v in value.items()}
    return kind, value
