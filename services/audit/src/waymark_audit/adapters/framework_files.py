"""The benchmark frameworks as files: ``waymark_audit/frameworks/<id>.yaml``, read,
checked strictly and turned into the frozen ``Framework`` objects of
``waymark_audit.domain.frameworks``.

A file is refused whole, with every problem named by its place in the file
(``benchmarks[4].criteria[1].questions[0].meets``, with the id of the benchmark, criterion
or question it is in): unknown keys, wrong types, and the cross-checks that make a
framework answerable and scorable: ids unique and readable, benchmarks 1 to 8 in order,
criteria numbered ``<benchmark>.1``, ``<benchmark>.2``, …, every criterion with at least
one scored question, every benchmark with criteria for each evaluation type, options for
single choice, year groups for shares, a ``meets`` that fits the answer type.

A file, in outline (every key is listed; the ones with defaults may be left out)::

    id: gatsby-2025                    # the file's name
    title: Gatsby Benchmarks (2025)
    in_force_from: 2025-09-01
    in_force_until: null               # or the last day
    sources: [...]                     # where the criteria come from
    benchmarks:
      - number: 1
        title: A stable careers programme
        criteria:
          - id: "1.1"                  # quoted: YAML reads 1.1 as a number
            text: ...
            evaluation_types: [school, specialist_setting, fe_itp]   # default: all three
            suggested_actions: [...]   # one to three
            questions:
              - id: bm1.programme.written
                text: ...
                answer_type: yes_no | single_choice | year_group_share | number | evidence
                required: true         # default: true, but false for evidence
                hint: ""
                options: [{value: a, label: ..., meets: false}]      # single choice only
                year_groups: [7, 8, 9]                               # shares only
                meets: ...             # "yes"/"no"; "all"/"most" for shares; a number

The files ship with the package and do not change while it runs, so each is read once.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

from waymark_audit.domain.frameworks import (
    ANSWER_TYPES,
    EVALUATION_TYPES,
    EVIDENCE,
    NUMBER,
    SINGLE_CHOICE,
    YEAR_GROUP_SHARE,
    YES_NO,
    Benchmark,
    Criterion,
    Framework,
    Option,
    Question,
)

FRAMEWORKS_DIRECTORY = Path(str(files("waymark_audit") / "frameworks"))

# The roster's year groups (directory takes 7 to 14).
FIRST_YEAR_GROUP, LAST_YEAR_GROUP = 7, 14
# A share question is met when every year group asked reaches one of these bands.
SHARE_MEETS = ("most", "all")
BENCHMARK_NUMBERS = tuple(range(1, 9))

_FRAMEWORK_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_QUESTION_ID = r"^bm[1-8](\.[a-z0-9_]+)+$"
_CRITERION_ID = r"^[1-8]\.[1-9][0-9]*$"
_OPTION_VALUE = r"^[a-z0-9_]+$"


class FrameworkFileError(ValueError):
    """A framework file that cannot be used; the message names the file and each problem."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__(f"{path.name} is not a valid framework:\n" + "\n".join(f"  {p}" for p in problems))


def _text(**kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=1), **kwargs)


def _strict_boolean(**kwargs: Any) -> fields.Boolean:
    # YAML's own true/false only: not "yes", "on" or 1 by accident.
    return fields.Boolean(truthy={True}, falsy={False}, **kwargs)


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class OptionSchema(_Strict):
    value = fields.String(required=True, validate=validate.Regexp(_OPTION_VALUE))
    label = _text(required=True)
    meets = _strict_boolean(load_default=False)

    @post_load
    def build(self, data: dict[str, Any], **_: Any) -> Option:
        return Option(**data)


class QuestionSchema(_Strict):
    id = fields.String(required=True, validate=validate.Regexp(_QUESTION_ID))
    text = _text(required=True)
    answer_type = fields.String(required=True, validate=validate.OneOf(ANSWER_TYPES))
    required = _strict_boolean(load_default=None)
    hint = fields.String(load_default="")
    options = fields.List(fields.Nested(OptionSchema), load_default=())
    year_groups = fields.List(
        fields.Integer(strict=True, validate=validate.Range(FIRST_YEAR_GROUP, LAST_YEAR_GROUP)),
        load_default=(),
    )
    meets = fields.Raw(load_default=None, allow_none=True)

    @validates_schema
    def check_answer_type(self, data: dict[str, Any], **_: Any) -> None:
        answer_type = data["answer_type"]
        errors = {
            **_check_options(data),
            **_check_year_groups(data),
            **_check_meets(answer_type, data["meets"]),
        }
        if errors:
            raise ValidationError(errors)

    @post_load
    def build(self, data: dict[str, Any], **_: Any) -> Question:
        required = data.pop("required")
        return Question(
            **{**data, "options": tuple(data["options"]), "year_groups": tuple(data["year_groups"])},
            # Free-text evidence is optional unless a file says otherwise.
            required=data["answer_type"] != EVIDENCE if required is None else required,
        )


def _check_options(data: dict[str, Any]) -> dict[str, list[str]]:
    answer_type, options = data["answer_type"], data["options"]
    if answer_type != SINGLE_CHOICE:
        return (
            {"options": [f"Only single-choice questions have options, not {answer_type}."]} if options else {}
        )
    problems = []
    if len(options) < 2:
        problems.append("A single-choice question needs at least two options.")
    elif not any(o.meets for o in options):
        problems.append("Mark at least one option `meets: true`.")
    values = [o.value for o in options]
    if len(set(values)) != len(values):
        problems.append(f"Option values repeat: {_repeated(values)}.")
    return {"options": problems} if problems else {}


def _check_year_groups(data: dict[str, Any]) -> dict[str, list[str]]:
    answer_type, groups = data["answer_type"], list(data["year_groups"])
    problem = None
    if answer_type != YEAR_GROUP_SHARE and groups:
        problem = f"Only share-of-learners questions have year groups, not {answer_type}."
    elif answer_type == YEAR_GROUP_SHARE and not groups:
        problem = "A share-of-learners question needs the year groups it asks about."
    elif groups != sorted(set(groups)):
        problem = "List each year group once, in order."
    return {"year_groups": [problem]} if problem else {}


_MEETS_PROBLEMS = {
    SINGLE_CHOICE: "A single-choice question is met by its options' `meets`, not by `meets`.",
    YEAR_GROUP_SHARE: f"Must be one of {', '.join(SHARE_MEETS)} (the band every year group must reach).",
    YES_NO: 'Must be "yes" (the default) or "no"; quote them, as YAML reads bare yes/no as booleans.',
    NUMBER: "A number question needs `meets`: the least number that meets it (0 or more).",
    EVIDENCE: "Evidence is never scored, so it has no `meets`.",
}


def _meets_fits(answer_type: str, meets: Any) -> bool:
    if answer_type == YEAR_GROUP_SHARE:
        return meets in SHARE_MEETS
    if answer_type == YES_NO:
        return meets in (None, "yes", "no")
    if answer_type == NUMBER:
        return isinstance(meets, int | float) and not isinstance(meets, bool) and meets >= 0
    return meets is None


def _check_meets(answer_type: str, meets: Any) -> dict[str, list[str]]:
    return {} if _meets_fits(answer_type, meets) else {"meets": [_MEETS_PROBLEMS[answer_type]]}


class CriterionSchema(_Strict):
    id = fields.String(required=True, validate=validate.Regexp(_CRITERION_ID))
    text = _text(required=True)
    evaluation_types = fields.List(
        fields.String(validate=validate.OneOf(EVALUATION_TYPES)),
        validate=validate.Length(min=1),
        load_default=EVALUATION_TYPES,
    )
    questions = fields.List(fields.Nested(QuestionSchema), required=True, validate=validate.Length(min=1))
    suggested_actions = fields.List(_text(), required=True, validate=validate.Length(min=1, max=3))

    @validates_schema
    def check(self, data: dict[str, Any], **_: Any) -> None:
        errors: dict[str, list[str]] = {}
        types = list(data["evaluation_types"])
        if len(set(types)) != len(types):
            errors["evaluation_types"] = [f"Evaluation types repeat: {_repeated(types)}."]
        if not any(q.scored for q in data["questions"]):
            errors["questions"] = [
                "A criterion needs at least one scored question (evidence alone is never scored)."
            ]
        if errors:
            raise ValidationError(errors)

    @post_load
    def build(self, data: dict[str, Any], **_: Any) -> Criterion:
        return Criterion(
            id=data["id"],
            text=data["text"],
            questions=tuple(data["questions"]),
            evaluation_types=tuple(data["evaluation_types"]),
            suggested_actions=tuple(data["suggested_actions"]),
        )


class BenchmarkSchema(_Strict):
    number = fields.Integer(required=True, strict=True, validate=validate.OneOf(BENCHMARK_NUMBERS))
    title = _text(required=True)
    criteria = fields.List(fields.Nested(CriterionSchema), required=True, validate=validate.Length(min=1))

    @validates_schema
    def check(self, data: dict[str, Any], **_: Any) -> None:
        number, criteria = data["number"], data["criteria"]
        errors: dict[str, Any] = {}
        for c_index, criterion in enumerate(criteria):
            if criterion.id != f"{number}.{c_index + 1}":
                expected = (
                    f"Criteria of benchmark {number} are numbered in order: expected {number}.{c_index + 1}."
                )
                _nest(errors, ("criteria", c_index, "id"), [expected])
            for q_index, question in enumerate(criterion.questions):
                if not question.id.startswith(f"bm{number}."):
                    message = [f"Questions of benchmark {number} have ids starting bm{number}."]
                    _nest(errors, ("criteria", c_index, "questions", q_index, "id"), message)
        missing = [t for t in EVALUATION_TYPES if not any(t in c.evaluation_types for c in criteria)]
        if missing:
            _nest(errors, ("criteria", "_schema"), [f"No criterion applies to {', '.join(missing)}."])
        if errors:
            raise ValidationError(errors)

    @post_load
    def build(self, data: dict[str, Any], **_: Any) -> Benchmark:
        return Benchmark(data["number"], data["title"], tuple(data["criteria"]))


class FrameworkSchema(_Strict):
    id = fields.String(required=True, validate=validate.Regexp(_FRAMEWORK_ID))
    title = _text(required=True)
    in_force_from = fields.Date(required=True)
    in_force_until = fields.Date(required=True, allow_none=True)
    sources = fields.List(_text(), load_default=())
    benchmarks = fields.List(fields.Nested(BenchmarkSchema), required=True)

    @validates_schema
    def check(self, data: dict[str, Any], **_: Any) -> None:
        errors: dict[str, Any] = {}
        numbers = tuple(b.number for b in data["benchmarks"])
        if numbers != BENCHMARK_NUMBERS:
            errors["benchmarks"] = {
                "_schema": [f"Benchmarks 1 to 8, once each and in order; found {list(numbers)}."]
            }
        seen: dict[str, str] = {}
        for b_index, benchmark in enumerate(data["benchmarks"]):
            for c_index, criterion in enumerate(benchmark.criteria):
                for q_index, question in enumerate(criterion.questions):
                    place = ("benchmarks", b_index, "criteria", c_index, "questions", q_index)
                    if question.id in seen:
                        message = [f"Question id {question.id} is already used at {seen[question.id]}."]
                        _nest(errors, (*place, "id"), message)
                    seen.setdefault(question.id, _dotted(place))
        until = data["in_force_until"]
        if until is not None and until < data["in_force_from"]:
            errors["in_force_until"] = ["Must not be before in_force_from."]
        if errors:
            raise ValidationError(errors)

    @post_load
    def build(self, data: dict[str, Any], **_: Any) -> Framework:
        return Framework(
            id=data["id"],
            title=data["title"],
            in_force_from=data["in_force_from"],
            in_force_until=data["in_force_until"],
            benchmarks=tuple(data["benchmarks"]),
            sources=tuple(data["sources"]),
        )


def _nest(errors: dict[Any, Any], place: tuple[str | int, ...], message: list[str]) -> None:
    for key in place[:-1]:
        errors = errors.setdefault(key, {})
    errors[place[-1]] = message


def _dotted(place: tuple[str | int, ...]) -> str:
    return "".join(f"[{k}]" if isinstance(k, int) else (f".{k}" if i else k) for i, k in enumerate(place))


def _repeated(values: list[str]) -> str:
    return ", ".join(sorted({v for v in values if values.count(v) > 1}))


def read_framework(path: Path) -> Framework:
    """The framework in the file at ``path``, checked; raises ``FrameworkFileError``."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise FrameworkFileError(path, [f"not YAML: {error}"]) from error
    try:
        framework: Framework = FrameworkSchema().load(document)
    except ValidationError as error:
        raise FrameworkFileError(path, list(_problems(error.messages, document))) from error
    if framework.id != path.stem:
        raise FrameworkFileError(path, [f"id: {framework.id!r} is not the file's name ({path.stem!r})."])
    return framework


def _problems(messages: Any, node: Any, path: str = "", where: str = ""):  # type: ignore[no-untyped-def]
    """``path: message (in <the innermost benchmark, criterion or question>)`` per problem."""
    if isinstance(messages, list):
        for message in messages:
            yield f"{path or '(the file)'}: {message}{where}"
        return
    for key, inner in messages.items():
        child = _child(node, key)
        if key == "_schema":
            yield from _problems(inner, node, path, where)
            continue
        step = f"[{key}]" if isinstance(key, int) else (f".{key}" if path else str(key))
        yield from _problems(inner, child, path + step, _where(child) or where)


def _child(node: Any, key: str | int) -> Any:
    if isinstance(key, int) and isinstance(node, list) and 0 <= key < len(node):
        return node[key]
    if isinstance(key, str) and isinstance(node, Mapping):
        return node.get(key)
    return None


def _where(node: Any) -> str:
    if not isinstance(node, Mapping):
        return ""
    if "number" in node and "criteria" in node:
        return f" (in benchmark {node['number']})"
    if "questions" in node and "id" in node:
        return f" (in criterion {node['id']})"
    if "answer_type" in node and "id" in node:
        return f" (in question {node['id']})"
    return ""


@functools.cache
def load_framework(framework_id: str) -> Framework:
    """The framework ``framework_id`` (``gatsby-2018``, ``gatsby-2025``)."""
    path = FRAMEWORKS_DIRECTORY / f"{framework_id}.yaml"
    if not re.match(_FRAMEWORK_ID, framework_id) or not path.is_file():
        raise LookupError(f"No framework {framework_id!r}; there are {', '.join(frameworks())}.")
    return read_framework(path)


@functools.cache
def frameworks() -> dict[str, Framework]:
    """Every framework, oldest first; their times in force never overlap."""
    found = sorted(
        (load_framework(p.stem) for p in FRAMEWORKS_DIRECTORY.glob("*.yaml")), key=lambda f: f.in_force_from
    )
    for earlier, later in zip(found, found[1:], strict=False):
        if earlier.in_force_until is None or earlier.in_force_until >= later.in_force_from:
            raise FrameworkFileError(
                FRAMEWORKS_DIRECTORY / f"{later.id}.yaml",
                [f"in_force_from: {later.in_force_from} is while {earlier.id} is still in force."],
            )
    return {f.id: f for f in found}


def framework_for(day: date) -> Framework:
    """The framework in force on ``day``: Gatsby 2018 until 31 August 2025, Gatsby 2025
    from 1 September 2025."""
    for framework in frameworks().values():
        if framework.in_force_on(day):
            return framework
    raise LookupError(f"No framework is in force on {day.isoformat()}.")
