"""Validating event data for an append as cheaply as the contract allows.

``EventRegistry.validate`` loads and then dumps, so values come back in their JSON
form. Most event schemas hold only plain values, for which the dump changes nothing;
for those the normaliser skips it. The judgement is conservative: a field type, hook
or option not known here keeps the dump.

For schemas of plain fields only (strings, integers, floats, booleans, lists of them)
the load itself is compiled too (see ``plain_loading``). Anything it cannot vouch for
(a missing required field, a wrong or coercible type, an unknown key, a failing
validator) goes to marshmallow's ``load``, so every refusal carries marshmallow's own
field errors.
"""

from __future__ import annotations

import json
from typing import Any

from marshmallow import INCLUDE, Schema, ValidationError, fields, missing

from waymark_shared.events.plain_loading import PlainLoader, compile_plain_loader
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
                return event_type, resolved, loaded[0]
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
                return event_type, resolved, *loaded
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
                plain = None if dump else compile_plain_loader(contract.schema)
                entry = (self.registry.qualified(name), resolved, contract.schema, dump, plain)
                self._schemas[(name, version)] = entry
                return entry
        raise UnknownEventType(f"{self.registry.service} has no {name} v{resolved}")


_Entry = tuple[str, int, Schema, bool, "PlainLoader | None"]
_encode = json.JSONEncoder(separators=(",", ":")).encode


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
