"""Validating event data for an append as cheaply as the contract allows.

``EventRegistry.validate`` loads and then dumps, so values come back in their JSON
form. Most event schemas hold only plain values, for which the dump changes nothing;
for those the normaliser skips it. The judgement is conservative: a field type, hook
or option not known here keeps the dump.

For schemas of plain fields only (strings, integers, floats, booleans, lists of them)
the load itself is precompiled too: a :class:`_PlainLoader` accepts only data that
marshmallow would accept unchanged, runs the fields' own validators, and returns
what ``load`` would. Anything else (a missing required field, a wrong or coercible
type, an unknown key, a failing validator) goes to marshmallow's ``load``, so every
refusal carries marshmallow's own field errors.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from marshmallow import INCLUDE, RAISE, Schema, ValidationError, fields, missing

from waymark_shared.events.registry import EventRegistry, EventValidationError, UnknownEventType


class Normaliser:
    """``EventRegistry.validate`` without the dump where dumping cannot change what
    ``load`` returned (most event schemas: plain strings, numbers, lists, nesting)."""

    def __init__(self, registry: EventRegistry):
        self.registry = registry
        self._schemas: dict[tuple[str, int | None], _Entry] = {}

    def validate(self, name: str, data: Any, version: int | None) -> tuple[str, int, dict[str, Any]]:
        """The qualified type, the version validated against and the normalised data."""
        entry = self._schemas.get((name, version)) or self._lookup(name, version)
        event_type, resolved, _, _, plain = entry
        if plain is not None:
            loaded = plain(data)
            if loaded is not None:
                return event_type, resolved, loaded
        return event_type, resolved, self._load(name, entry, data)

    def validate_json(
        self, name: str, data: Any, version: int | None
    ) -> tuple[str, int, dict[str, Any], str]:
        """:meth:`validate`, and the data as compact JSON (``ensure_ascii``)."""
        entry = self._schemas.get((name, version)) or self._lookup(name, version)
        event_type, resolved, _, _, plain = entry
        if plain is not None:
            loaded = plain(data)
            if loaded is not None:
                # Made by the plain loader: new dicts and lists of plain values, never
                # circular, so the encoder made once without the circularity check is safe.
                return event_type, resolved, loaded, "".join(_encode_acyclic(loaded, 0))
        value = self._load(name, entry, data)
        return event_type, resolved, value, _encode(value)

    @staticmethod
    def _load(name: str, entry: _Entry, data: Any) -> dict[str, Any]:
        _, resolved, schema, dump, _ = entry
        try:
            loaded = schema.load(data)
        except ValidationError as error:
            raise EventValidationError(name, resolved, error.normalized_messages()) from error
        return schema.dump(loaded) if dump else loaded

    def _lookup(self, name: str, version: int | None) -> _Entry:
        resolved = version or self.registry.latest_version(name)
        for contract in self.registry.contracts():
            if (contract.name, contract.version) == (name, resolved):
                dump = not _dump_is_identity(contract.schema)
                plain = None if dump else _PlainLoader.compile(contract.schema)
                entry = (self.registry.qualified(name), resolved, contract.schema, dump, plain)
                self._schemas[(name, version)] = entry
                return entry
        raise UnknownEventType(f"{self.registry.service} has no {name} v{resolved}")


_Entry = tuple[str, int, Schema, bool, "Callable[[Any], dict[str, Any] | None] | None"]
_encode = json.JSONEncoder(separators=(",", ":")).encode


def _unencodable(value: Any) -> Any:
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


# What _encode runs (the C encoder JSONEncoder makes for every call), made once and
# without the check for circular references.
_c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
_encode_acyclic = (
    _c_make_encoder(
        None, _unencodable, json.encoder.encode_basestring_ascii, None, ":", ",", False, False, True
    )
    if _c_make_encoder is not None
    else lambda value, _level: [_encode(value)]
)  # fmt: skip
_MISSING = object()
_LOAD_HOOKS = ("pre_load", "post_load", "validates", "validates_schema")


class _Fallback(Exception):  # noqa: N818 (control flow, never leaves this module)
    """The value is not one the plain loader can vouch for: marshmallow decides."""


def _check_str(value: Any) -> Any:
    if type(value) is not str:
        raise _Fallback
    return value


def _check_int(value: Any) -> Any:
    if type(value) is not int:  # bool is refused by marshmallow, str coerced: both fall back
        raise _Fallback
    return value


def _check_bool(value: Any) -> Any:
    if value is not True and value is not False:
        raise _Fallback
    return value


def _float_check(allow_nan: bool) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if type(value) is not float or not (allow_nan or math.isfinite(value)):
            raise _Fallback
        return value

    return check


class _PlainLoader:
    """``schema.load`` for data marshmallow would take as it is; ``None`` otherwise.

    Built only for a schema whose load is a plain walk over its fields: no load hooks,
    ``unknown=RAISE``, not ``many`` or ``partial``, and every field one of the exact
    types below with neither ``data_key``/``attribute`` renaming nor field-level
    ``pre_load``/``post_load``. For each field the loader checks the exact Python type
    marshmallow returns (so nothing is coerced), applies ``allow_none`` and
    ``load_default`` as ``Field.deserialize`` does, then runs the field's validators.
    """

    __slots__ = ("_fields",)

    def __init__(self, plan: list[tuple[str, Callable[[Any], Any], bool, bool, Any, tuple[Any, ...]]]):
        self._fields = plan

    @classmethod
    def compile(cls, schema: Schema) -> _PlainLoader | None:
        hooks = getattr(schema, "_hooks", None)
        if not isinstance(hooks, dict) or any(hooks.get(tag) for tag in _LOAD_HOOKS):
            return None
        if schema.unknown != RAISE or schema.many or schema.partial or schema.dict_class is not dict:
            return None
        plan = []
        for name, field in schema.load_fields.items():
            check = _plain_check(field)
            if (
                check is None
                or field.data_key not in (None, name)
                or field.attribute not in (None, name)
                or field.pre_load
                or field.post_load
            ):
                return None
            validators = tuple(field.validators)
            plan.append((name, check, field.required, field.allow_none, field.load_default, validators))
        return cls(plan)

    def __call__(self, data: Any) -> dict[str, Any] | None:
        try:
            return self._load(data)
        except (_Fallback, ValidationError):
            return None

    def _load(self, data: Any) -> dict[str, Any]:
        if type(data) is not dict:
            raise _Fallback
        out: dict[str, Any] = {}
        seen = 0
        for name, check, required, allow_none, default, validators in self._fields:
            value = data.get(name, _MISSING)
            if value is _MISSING:
                if required:
                    raise _Fallback
                if default is not missing:
                    out[name] = default() if callable(default) else default
                continue
            seen += 1
            if value is None:
                if not allow_none:
                    raise _Fallback
                out[name] = None
                continue
            value = check(value)
            for validator in validators:
                if validator(value) is False:
                    raise _Fallback
            out[name] = value
        if seen != len(data):
            raise _Fallback  # an unknown key: marshmallow names it
        return out


def _plain_check(field: fields.Field) -> Callable[[Any], Any] | None:
    kind = type(field)
    if kind is fields.Float:
        return _float_check(bool(field.allow_nan))
    if kind is fields.Boolean and (
        field.truthy is not fields.Boolean.truthy or field.falsy is not fields.Boolean.falsy
    ):
        return None
    if kind is fields.List:
        return _list_check(field.inner)
    return _SCALAR_CHECKS.get(kind)


_SCALAR_CHECKS: dict[type, Callable[[Any], Any]] = {
    fields.String: _check_str,
    fields.Integer: _check_int,
    fields.Boolean: _check_bool,
}


def _list_check(inner: fields.Field) -> Callable[[Any], Any] | None:
    check = _plain_check(inner)
    if check is None or inner.pre_load or inner.post_load or inner.validators:
        return None
    allow_none = inner.allow_none

    def check_list(value: Any) -> Any:
        if type(value) is not list:
            raise _Fallback
        for item in value:
            if item is None:
                if not allow_none:
                    raise _Fallback
            else:
                check(item)
        return list(value)

    return check_list


_PLAIN_FIELDS = (
    fields.String,
    fields.Integer,
    fields.Float,
    fields.Boolean,
    fields.Email,
    fields.URL,
    fields.Raw,
)
_DUMP_HOOKS = ("pre_dump", "post_dump", "post_load")


def _dump_is_identity(schema: Schema) -> bool:
    """Whether ``dump(load(x)) == load(x)`` for all valid ``x``, judged conservatively:
    a field type, hook or option not known here keeps the dump."""
    hooks = getattr(schema, "_hooks", None)
    if hooks is None or any(hooks.get(tag) for tag in _DUMP_HOOKS) or schema.unknown == INCLUDE:
        return False
    if set(schema.load_fields) != set(schema.dump_fields):
        return False
    return all(
        field.data_key in (None, name)
        and field.attribute in (None, name)
        and field.dump_default is missing
        and _plain_value(field)
        for name, field in schema.fields.items()
    )


def _plain_value(field: fields.Field | None) -> bool:
    if field is None:
        return True
    kind = type(field)
    if kind in _PLAIN_FIELDS:
        return not getattr(field, "as_string", False)
    if isinstance(field, fields.List) and kind is fields.List:
        return _plain_value(field.inner)
    if isinstance(field, fields.Dict) and kind is fields.Dict:
        return _plain_value(field.key_field) and _plain_value(field.value_field)
    if isinstance(field, fields.Nested) and kind is fields.Nested:
        nested = field.schema
        return isinstance(nested, Schema) and _dump_is_identity(nested)
    return False
