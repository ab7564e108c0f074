"""Dumping a response exactly as its marshmallow schema does, several times faster.

``Schema().dump`` made up most of a dashboard API request: each call builds the schema
and its nested schemas afresh (deep copies of every field), then serialises about 750
values through four calls each. :func:`dumper` walks the schema once, up front, and
returns a function doing the same per value with the field's own conversion (``str``
for strings, ``int`` and ``float`` for numbers, the nested schemas' fields, dict keys
and list items alike); anything else (hooks, defaults, dotted attributes, other field
types) goes through marshmallow itself. The schemas stay the API's contract and its
OpenAPI; tests/test_dashboard.py checks the two dump the same bodies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema, fields, missing
from marshmallow.decorators import POST_DUMP, PRE_DUMP

Convert = Callable[[Any], Any]


def dumper(schema: Schema) -> Convert:
    """``schema.dump`` (of one object, not ``many``) as a precompiled function."""
    if _has_hooks(schema) or schema.many:
        return schema.dump
    parts: list[tuple[str, str, Convert | None, fields.Field]] = []
    for name, field in schema.dump_fields.items():
        key = field.data_key if field.data_key is not None else name
        attribute = field.attribute if field.attribute is not None else name
        plain = field.dump_default is missing and "." not in attribute and type(field) in _PLAIN
        parts.append((key, attribute, _converter(field) if plain else None, field))
    accessor = schema.get_attribute

    def dump(obj: Any) -> Any:
        if type(obj) is not dict:
            return schema.dump(obj)
        out = {}
        for key, attribute, convert, field in parts:
            if convert is None:
                value = field.serialize(attribute, obj, accessor=accessor)
                if value is not missing:
                    out[key] = value
                continue
            value = obj.get(attribute, missing)
            if value is not missing:
                out[key] = convert(value)
        return out

    return dump


def _has_hooks(schema: Schema) -> bool:
    return bool(schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP])  # noqa: SLF001 (marshmallow's own record)


def _converter(field: fields.Field) -> Convert:  # noqa: PLR0911 (one case a field type)
    """What ``field._serialize`` does to a value (None stays None)."""
    kind = type(field)
    if kind is fields.String:
        return _string
    if kind is fields.Integer and not field.as_string:  # type: ignore[attr-defined]
        return _integer
    if kind is fields.Float and not field.as_string:  # type: ignore[attr-defined]
        return _float
    if kind is fields.Raw:
        return _same
    if kind is fields.Nested:
        return _nested(field)  # type: ignore[arg-type]
    if kind is fields.List:
        item = _converter(field.inner)  # type: ignore[attr-defined]
        return lambda value: None if value is None else [item(each) for each in value]
    if kind is fields.Dict and field.mapping_type is dict:  # type: ignore[attr-defined]
        return _mapping(field)  # type: ignore[arg-type]
    serialise = field._serialize  # noqa: SLF001 (what marshmallow calls for a value)
    return lambda value: serialise(value, None, None)


def _nested(field: fields.Nested) -> Convert:
    schema = field.schema
    if _has_hooks(schema) or schema.many:
        serialise = field._serialize  # noqa: SLF001
        return lambda value: serialise(value, None, None)
    one = dumper(schema)
    if field.many:
        return lambda value: None if value is None else [one(each) for each in value]
    return lambda value: None if value is None else one(value)


def _mapping(field: fields.Dict) -> Convert:
    keys = _converter(field.key_field) if field.key_field else _same
    values = _converter(field.value_field) if field.value_field else _same
    return lambda value: None if value is None else {keys(k): values(v) for k, v in value.items()}


def _string(value: Any) -> Any:
    if value is None or type(value) is str:
        return value
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _integer(value: Any) -> Any:
    return None if value is None else int(value)


def _float(value: Any) -> Any:
    return None if value is None else float(value)


def _same(value: Any) -> Any:
    return value


_PLAIN = frozenset(
    {fields.String, fields.Integer, fields.Float, fields.Raw, fields.Nested, fields.List, fields.Dict}
)
