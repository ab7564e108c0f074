"""``schema.load`` for plain event schemas, compiled to one Python function per schema.

An append validates every event, so marshmallow's general walk over fields (a method
call, a lookup and an option check per field and step) costs more than the rest of the
append. For schemas of plain fields only (strings, integers, floats, booleans, lists of
them) the load is written out as the straight-line code those steps come to for that
schema, and compiled once. The loader accepts only data that marshmallow would accept
unchanged, runs the fields' own validators, and returns what ``load`` would; for any
other data it returns ``None`` and marshmallow decides, so every refusal carries
marshmallow's own field errors.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, missing

PlainLoader = Callable[[Any], "tuple[dict[str, Any], str] | None"]  # the data and its JSON
_LOAD_HOOKS = ("pre_load", "post_load", "validates", "validates_schema")


class _Fallback(Exception):  # noqa: N818 (control flow, never leaves this module)
    """The value is not one the plain loader can vouch for: marshmallow decides."""


def compile_plain_loader(schema: Schema) -> PlainLoader | None:
    """The loader for ``schema``, or ``None`` if its load is more than a plain walk.

    A plain walk: no load hooks, ``unknown=RAISE``, not ``many`` or ``partial``, and
    every field one of the exact types below with neither ``data_key``/``attribute``
    renaming nor field-level ``pre_load``/``post_load``. For each field the loader checks
    the exact Python type marshmallow returns (so nothing is coerced), applies
    ``allow_none`` and ``load_default`` as ``Field.deserialize`` does, then runs the
    field's validators.
    """
    hooks = getattr(schema, "_hooks", None)
    if not isinstance(hooks, dict) or any(hooks.get(tag) for tag in _LOAD_HOOKS):
        return None
    if schema.unknown != RAISE or schema.many or schema.partial or schema.dict_class is not dict:
        return None
    source = _Source()
    for name, field in schema.load_fields.items():
        check = _plain_check(field)
        if (
            check is None
            or "." in name  # marshmallow nests the value under each dotted part
            or field.data_key not in (None, name)
            or field.attribute not in (None, name)
            or field.pre_load
            or field.post_load
        ):
            return None
        source.field(name, field, check)
    return source.compiled()


class _Source:
    """The loader's code, written out for its fields; the objects it calls are ``names``.

    The loader returns the loaded data and its JSON, spelt as ``json.dumps`` spells it
    compactly (``ensure_ascii``): each value's text is made as it is checked, from its
    now known type, and keys are spelt once here."""

    def __init__(self) -> None:
        self.fields: list[tuple[str, fields.Field, Callable[[Any], Any]]] = []
        self.names: dict[str, Any] = {
            "_Fallback": _Fallback,
            "_ValidationError": ValidationError,
            "_MISSING": _MISSING,
            "_str": _json_str,
            "_int": int.__repr__,
            "_json": _json,
        }

    def field(self, name: str, field: fields.Field, check: Callable[[Any], Any]) -> None:
        self.fields.append((name, field, check))

    def compiled(self) -> PlainLoader:
        # With every field required, an unknown key shows in the count alone, and every
        # key is in the JSON, in order.
        counted = not all(field.required for _, field, _ in self.fields)
        body = [
            "if type(data) is not dict:"
            if counted
            else f"if type(data) is not dict or len(data) != {len(self.fields)}:",
            "    return None",
            "out = {}",
            *(["seen = 0", "parts = []"] if counted else []),
        ]
        for number, (name, field, check) in enumerate(self.fields):
            body += self._field_lines(number, name, field, check, counted)
        if counted:
            body += ["if seen != len(data):", "    return None  # an unknown key: marshmallow names it"]
            body.append("return out, '{' + ','.join(parts) + '}'")
        else:
            members = ",".join(f"{{key_{number}}}{{text_{number}}}" for number in range(len(self.fields)))
            body.append(f"return out, f'{{{{{members}}}}}'")
        code = "\n".join(
            ["def load(data):", "    try:", *(f"        {line}" for line in body),
             "    except (_Fallback, _ValidationError):", "        return None"]
        )  # fmt: skip
        names = dict(self.names)
        exec(compile(code, f"<plain loader of {len(self.fields)} fields>", "exec"), names)  # noqa: S102 (our own code)
        return names["load"]  # type: ignore[no-any-return]

    def _field_lines(  # noqa: PLR0913, PLR0917
        self, number: int, name: str, field: fields.Field, check: Callable[[Any], Any], counted: bool
    ) -> list[str]:
        """``Field.deserialize`` and the validators, for one field, as ``load`` runs them,
        and the value's JSON as ``text_N`` (with its key, in ``parts`` when ``counted``)."""
        key, key_text = repr(name), self._name(f"key_{number}", _json_str(name) + ":")
        text = f"text_{number}"
        keep = f"parts.append({key_text} + {text})" if counted else "pass"
        lines = [f"value = data.get({key}, _MISSING)", "if value is _MISSING:"]
        if field.required:
            lines.append("    return None")
        elif field.load_default is not missing:
            default = self._name(f"default_{number}", field.load_default)
            call = "()" if callable(field.load_default) else ""
            lines += [
                f"    out[{key}] = value = {default}{call}",
                f"    {text} = _json(value)",
                f"    {keep}",
            ]
        else:
            lines.append("    pass")
        lines += ["else:", *(["    seen += 1"] if counted else []), "    if value is None:"]
        if field.allow_none:
            lines += [f"        out[{key}] = None", f"        {text} = 'null'"]
        else:
            lines.append("        return None")
        lines.append("    else:")
        inline = _INLINE_CHECKS.get(check)
        if inline is not None:
            refused, spelt = inline
            lines += [f"        if {refused}:", "            return None"]
        else:
            lines.append(f"        value = {self._name(f'check_{number}', check)}(value)")
            spelt = "_json(value)"
        for index, validator in enumerate(field.validators):
            validate = self._name(f"validator_{number}_{index}", validator)
            lines += [f"        if {validate}(value) is False:", "            return None"]
        lines += [f"        out[{key}] = value", f"        {text} = {spelt}"]
        if counted:
            lines.append(f"    {keep}")
        return lines

    def _name(self, name: str, value: Any) -> str:
        self.names[name] = value
        return name


_MISSING = object()
_json_str = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined]


def _unencodable(value: Any) -> Any:
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


# What ``json.dumps(value, separators=(",", ":"))`` runs (the C encoder JSONEncoder makes
# for every call), made once and without the check for circular references: the values
# it gets here are the loader's own new lists and plain values, never circular.
_c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
_encode_acyclic = (
    _c_make_encoder(None, _unencodable, _json_str, None, ":", ",", False, False, True)
    if _c_make_encoder is not None
    else lambda value, _level: [json.dumps(value, separators=(",", ":"))]
)


def _json(value: Any) -> str:
    return "".join(_encode_acyclic(value, 0))


def _check_float(allow_nan: bool) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if type(value) is not float or not (allow_nan or math.isfinite(value)):
            raise _Fallback
        return value

    return check


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


# The same three checks as the loader writes them out in place: when ``value`` is
# refused, and its JSON once it is not.
_INLINE_CHECKS: dict[Callable[[Any], Any], tuple[str, str]] = {
    _check_str: ("type(value) is not str", "_str(value)"),
    _check_int: ("type(value) is not int", "_int(value)"),
    _check_bool: ("value is not True and value is not False", "('true' if value else 'false')"),
}
_SCALAR_CHECKS: dict[type, Callable[[Any], Any]] = {
    fields.String: _check_str,
    fields.Integer: _check_int,
    fields.Boolean: _check_bool,
}


def _plain_check(field: fields.Field) -> Callable[[Any], Any] | None:
    kind = type(field)
    if kind is fields.Float:
        return _check_float(bool(field.allow_nan))
    if kind is fields.Boolean and (
        field.truthy is not fields.Boolean.truthy or field.falsy is not fields.Boolean.falsy
    ):
        return None
    if kind is fields.List:
        return _list_check(field.inner)
    return _SCALAR_CHECKS.get(kind)


def _list_check(inner: fields.Field) -> Callable[[Any], Any] | None:
    check = _plain_check(inner)
    if check is None or inner.pre_load or inner.post_load or inner.validators:
        return None
    allow_none = inner.allow_none

    def check_list(value: Any) -> Any:
        if type(value) is not list:
            raise _Fallback
        items = []
        for item in value:
            if item is None:
                if not allow_none:
                    raise _Fallback
                items.append(None)
            else:
                items.append(check(item))  # a new list for a list inside, as marshmallow makes
        return items

    return check_list
