"""The framework files: Gatsby 2018 and Gatsby 2025 load, cover every benchmark for
every evaluation type, and a broken file is refused with the place of each problem."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from waymark_audit.adapters import framework_files
from waymark_audit.adapters.framework_files import (
    FrameworkFileError,
    framework_for,
    frameworks,
    load_framework,
    read_framework,
)
from waymark_audit.domain.evaluation_types import FE_ITP, SCHOOL, SPECIALIST
from waymark_audit.domain.frameworks import EVALUATION_TYPES, YEAR_GROUP_SHARE

FRAMEWORK_IDS = ("gatsby-2018", "gatsby-2025")


@pytest.fixture(params=FRAMEWORK_IDS)
def framework(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    return load_framework(request.param)


def test_both_frameworks_load_in_force_one_after_the_other():
    assert list(frameworks()) == ["gatsby-2018", "gatsby-2025"]
    old, new = frameworks().values()
    assert (old.in_force_until, new.in_force_from, new.in_force_until) == (
        date(2025, 8, 31),
        date(2025, 9, 1),
        None,
    )
    assert old.sources and new.sources


def test_a_framework_is_read_once():
    assert load_framework("gatsby-2025") is load_framework("gatsby-2025") is frameworks()["gatsby-2025"]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2018, 1, 1), "gatsby-2018"),
        (date(2024, 12, 31), "gatsby-2018"),
        (date(2025, 8, 31), "gatsby-2018"),
        (date(2025, 9, 1), "gatsby-2025"),
        (date(2031, 3, 31), "gatsby-2025"),
    ],
)
def test_the_framework_in_force_changes_on_1_september_2025(day, expected):
    assert framework_for(day).id == expected


def test_no_framework_before_the_2018_guidance():
    with pytest.raises(LookupError, match="2017-12-31"):
        framework_for(date(2017, 12, 31))


def test_an_unknown_framework_is_named():
    with pytest.raises(LookupError, match="'gatsby-2030'.*gatsby-2018, gatsby-2025"):
        load_framework("gatsby-2030")


@pytest.mark.parametrize("evaluation_type", EVALUATION_TYPES)
def test_every_benchmark_has_criteria_for_every_evaluation_type(framework, evaluation_type):
    answered = framework.for_type(evaluation_type)
    assert [b.number for b in answered.benchmarks] == [1, 2, 3, 4, 5, 6, 7, 8]
    for benchmark in answered.benchmarks:
        assert benchmark.criteria, (
            f"{framework.id} benchmark {benchmark.number} has nothing for {evaluation_type}"
        )
        for criterion in benchmark.criteria:
            assert any(q.scored for q in criterion.questions), criterion.id
            assert 1 <= len(criterion.suggested_actions) <= 3, criterion.id


@pytest.mark.parametrize("evaluation_type", EVALUATION_TYPES)
def test_an_evaluation_takes_about_thirty_minutes(framework, evaluation_type):
    questions = framework.for_type(evaluation_type).questions().values()
    scored = [q for q in questions if q.scored]
    assert 25 <= len(questions) <= 90
    assert 25 <= len(scored) <= 75
    assert all(not q.required for q in questions if not q.scored)


def test_ids_are_unique_and_readable(framework):
    criteria = [c for b in framework.benchmarks for c in b.criteria]
    questions = [q for c in criteria for q in c.questions]
    assert len({c.id for c in criteria}) == len(criteria)
    assert len({q.id for q in questions}) == len(questions)
    for benchmark in framework.benchmarks:
        assert [c.id for c in benchmark.criteria] == [
            f"{benchmark.number}.{n}" for n in range(1, len(benchmark.criteria) + 1)
        ]
        assert all(q.id.startswith(f"bm{benchmark.number}.") for c in benchmark.criteria for q in c.questions)


def test_shares_ask_about_the_year_groups_each_type_teaches(framework):
    """Schools and specialist settings are asked about Years 7 to 11 (post-16 as a single
    choice with "not applicable"); colleges and training providers about Years 12 and 13."""
    for criterion in (c for b in framework.benchmarks for c in b.criteria):
        groups = {g for q in criterion.questions if q.answer_type == YEAR_GROUP_SHARE for g in q.year_groups}
        if FE_ITP in criterion.evaluation_types and len(criterion.evaluation_types) == 1:
            assert groups <= {12, 13}, criterion.id
        elif FE_ITP not in criterion.evaluation_types:
            assert groups <= {7, 8, 9, 10, 11}, criterion.id
        else:
            assert not groups, f"{criterion.id} asks every type about the same year groups"


def test_colleges_need_two_encounters_a_year_schools_one(framework):
    def encounter_criterion(evaluation_type: str):  # type: ignore[no-untyped-def]
        [first, *_] = framework.for_type(evaluation_type).benchmarks[4].criteria
        return first

    assert "at least one meaningful" in encounter_criterion(SCHOOL).text
    assert encounter_criterion(SPECIALIST) == encounter_criterion(SCHOOL)
    college = encounter_criterion(FE_ITP)
    assert "at least two meaningful" in college.text and college.evaluation_types == (FE_ITP,)
    shares = [q for q in college.questions if q.answer_type == YEAR_GROUP_SHARE]
    assert len(shares) == 2 and {q.year_groups for q in shares} == {(12, 13)}


def test_the_2025_bm3_criteria_are_marked_as_written_from_the_themes():
    text = (framework_files.FRAMEWORKS_DIRECTORY / "gatsby-2025.yaml").read_text()
    assert "BM3: the full 2024 criteria text was NOT retrieved" in text
    assert any("BM3 (gap" in s for s in load_framework("gatsby-2025").sources)


# A broken file


def _question(question_id: str, **fields: Any) -> dict[str, Any]:
    return {"id": question_id, "text": "Is it so?", "answer_type": "yes_no", **fields}


def _document() -> dict[str, Any]:
    """The smallest valid framework: one criterion with one yes/no question per benchmark."""
    return {
        "id": "broken",
        "title": "A test framework",
        "in_force_from": date(2030, 9, 1),
        "in_force_until": None,
        "benchmarks": [
            {
                "number": n,
                "title": f"Benchmark {n}",
                "criteria": [
                    {
                        "id": f"{n}.1",
                        "text": "Something is done.",
                        "questions": [_question(f"bm{n}.done")],
                        "suggested_actions": ["Do it."],
                    }
                ],
            }
            for n in range(1, 9)
        ],
    }


def _write(tmp_path: Path, document: Any, name: str = "broken") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(document if isinstance(document, str) else yaml.safe_dump(document, sort_keys=False))
    return path


def _refusal(tmp_path: Path, document: Any, name: str = "broken") -> str:
    with pytest.raises(FrameworkFileError) as refused:
        read_framework(_write(tmp_path, document, name))
    assert str(refused.value).startswith(f"{name}.yaml is not a valid framework:")
    return str(refused.value)


def _criterion(document: dict[str, Any], benchmark: int = 3) -> dict[str, Any]:
    return document["benchmarks"][benchmark - 1]["criteria"][0]


def test_the_smallest_valid_framework_loads(tmp_path):
    framework = read_framework(_write(tmp_path, _document()))
    assert [b.number for b in framework.benchmarks] == [1, 2, 3, 4, 5, 6, 7, 8]
    [question] = framework.benchmarks[0].criteria[0].questions
    assert (question.required, question.meets, framework.benchmarks[0].criteria[0].evaluation_types) == (
        True,
        None,
        EVALUATION_TYPES,
    )


def _unknown_key(d: dict[str, Any]) -> None:
    _criterion(d)["questions"][0]["weight"] = 2


def _bare_yes(d: dict[str, Any]) -> None:
    _criterion(d)["questions"][0]["meets"] = True  # what YAML makes of an unquoted yes


def _single_choice_without_options(d: dict[str, Any]) -> None:
    _criterion(d)["questions"][0]["answer_type"] = "single_choice"


def _no_option_meets(d: dict[str, Any]) -> None:
    _criterion(d)["questions"][0].update(
        answer_type="single_choice",
        options=[{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
    )


def _share_without_year_groups(d: dict[str, Any]) -> None:
    _criterion(d)["questions"][0].update(answer_type="year_group_share", meets="all")


def _share_meeting_some(d: dict[str, Any]) -> None:
    _criterion(d)["questions"][0].update(answer_type="year_group_share", year_groups=[7, 8], meets="some")


def _year_group_out_of_range(d: dict[str, Any]) -> None:
    _criterion(d)["questions"][0].update(answer_type="year_group_share", year_groups=[6, 7], meets="all")


def _number_without_meets(d: dict[str, Any]) -> None:
    _criterion(d)["questions"][0]["answer_type"] = "number"


def _evidence_only(d: dict[str, Any]) -> None:
    _criterion(d)["questions"][0]["answer_type"] = "evidence"


def _duplicate_question(d: dict[str, Any]) -> None:
    _criterion(d)["questions"].append(_question("bm3.done"))


def _question_of_another_benchmark(d: dict[str, Any]) -> None:
    _criterion(d)["questions"].append(_question("bm4.other"))


def _criteria_out_of_order(d: dict[str, Any]) -> None:
    _criterion(d)["id"] = "3.2"


def _unknown_evaluation_type(d: dict[str, Any]) -> None:
    _criterion(d)["evaluation_types"] = ["school", "primary_school"]


def _a_type_left_out(d: dict[str, Any]) -> None:
    _criterion(d)["evaluation_types"] = ["school", "specialist_setting"]


def _four_actions(d: dict[str, Any]) -> None:
    _criterion(d)["suggested_actions"] = ["One.", "Two.", "Three.", "Four."]


def _criterion_id_as_number(d: dict[str, Any]) -> None:
    _criterion(d)["id"] = 3.1  # an unquoted 3.1


def _benchmark_missing(d: dict[str, Any]) -> None:
    del d["benchmarks"][6]


def _ends_before_it_starts(d: dict[str, Any]) -> None:
    d["in_force_until"] = date(2030, 8, 31)


@pytest.mark.parametrize(
    ("break_it", "problem"),
    [
        (
            _unknown_key,
            "benchmarks[2].criteria[0].questions[0].weight: Unknown field. (in question bm3.done)",
        ),
        (_bare_yes, 'benchmarks[2].criteria[0].questions[0].meets: Must be "yes" (the default) or "no"'),
        (
            _single_choice_without_options,
            "questions[0].options: A single-choice question needs at least two options.",
        ),
        (
            _no_option_meets,
            "questions[0].options: Mark at least one option `meets: true`. (in question bm3.done)",
        ),
        (
            _share_without_year_groups,
            "questions[0].year_groups: A share-of-learners question needs the year groups",
        ),
        (_share_meeting_some, "questions[0].meets: Must be one of most, all"),
        (_year_group_out_of_range, "questions[0].year_groups[0]: Must be greater than or equal to 7"),
        (_number_without_meets, "questions[0].meets: A number question needs `meets`"),
        (
            _evidence_only,
            "benchmarks[2].criteria[0].questions: A criterion needs at least one scored question",
        ),
        (
            _duplicate_question,
            "questions[1].id: Question id bm3.done is already used at benchmarks[2].criteria[0].questions[0].",
        ),
        (
            _question_of_another_benchmark,
            "questions[1].id: Questions of benchmark 3 have ids starting bm3. (in question bm4.other)",
        ),
        (
            _criteria_out_of_order,
            "benchmarks[2].criteria[0].id: Criteria of benchmark 3 are numbered in order: expected 3.1.",
        ),
        (_unknown_evaluation_type, "benchmarks[2].criteria[0].evaluation_types[1]: Must be one of: school"),
        (_a_type_left_out, "benchmarks[2].criteria: No criterion applies to fe_itp. (in benchmark 3)"),
        (_four_actions, "benchmarks[2].criteria[0].suggested_actions: Length must be between 1 and 3."),
        (_criterion_id_as_number, "benchmarks[2].criteria[0].id: Not a valid string. (in criterion 3.1)"),
        (
            _benchmark_missing,
            "benchmarks: Benchmarks 1 to 8, once each and in order; found [1, 2, 3, 4, 5, 6, 8].",
        ),
        (_ends_before_it_starts, "in_force_until: Must not be before in_force_from."),
    ],
)
def test_a_broken_file_is_refused_naming_the_place_of_the_problem(tmp_path, break_it, problem):
    document = copy.deepcopy(_document())
    break_it(document)
    assert problem in _refusal(tmp_path, document)


def test_every_problem_in_a_file_is_named_at_once(tmp_path):
    document = _document()
    _unknown_key(document)
    _four_actions(document)
    message = _refusal(tmp_path, document)
    assert ".weight: Unknown field." in message and ".suggested_actions: Length" in message


def test_unquoted_yes_in_the_file_itself_is_refused(tmp_path):
    text = yaml.safe_dump(_document(), sort_keys=False).replace(
        "answer_type: yes_no", "answer_type: yes_no\n      meets: yes", 1
    )
    assert "benchmarks[0].criteria[0].questions[0].meets: Must be" in _refusal(tmp_path, text)


def test_a_file_that_is_not_yaml_is_refused(tmp_path):
    assert "not YAML" in _refusal(tmp_path, "id: [unclosed\n")


def test_a_file_must_be_named_after_its_framework(tmp_path):
    assert "id: 'broken' is not the file's name ('gatsby-2031')" in _refusal(
        tmp_path, _document(), "gatsby-2031"
    )


def test_frameworks_in_force_at_the_same_time_are_refused(tmp_path, monkeypatch):
    for id_, starts, ends in [
        ("first", date(2030, 9, 1), date(2031, 8, 31)),
        ("second", date(2031, 8, 1), None),
    ]:
        _write(tmp_path, {**_document(), "id": id_, "in_force_from": starts, "in_force_until": ends}, id_)
    monkeypatch.setattr(framework_files, "FRAMEWORKS_DIRECTORY", tmp_path)
    load_framework.cache_clear()
    frameworks.cache_clear()
    try:
        with pytest.raises(
            FrameworkFileError, match="(?s)second.yaml.*in_force_from: 2031-08-01 is while first"
        ):
            frameworks()
    finally:
        load_framework.cache_clear()
        frameworks.cache_clear()
