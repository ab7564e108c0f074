"""The planner's words: stable ids with labels, as the issue and the 2025 benchmarks
name them."""

from __future__ import annotations

from waymark_planner.domain import vocabulary as v


def test_every_activity_type_the_issue_lists_is_there_with_its_default_benchmarks():
    assert set(v.ACTIVITY_TYPES) == set(v.DEFAULT_BENCHMARKS)
    assert list(v.ACTIVITY_TYPES)[-1] == "other"
    assert len(v.ACTIVITY_TYPES) == 15
    assert v.DEFAULT_BENCHMARKS["employer_talk"] == (5,)
    assert v.DEFAULT_BENCHMARKS["workplace_visit"] == (6,)
    assert v.DEFAULT_BENCHMARKS["guidance_meeting"] == (8,)
    assert v.DEFAULT_BENCHMARKS["parent_carer_event"] == (1, 2)
    assert all(set(b) <= set(v.BENCHMARKS) for b in v.DEFAULT_BENCHMARKS.values())


def test_the_benchmarks_have_their_2025_titles():
    assert list(v.BENCHMARK_TITLES) == list(range(1, 9))
    assert v.BENCHMARK_TITLES[3] == "Addressing the needs of each young person"
    assert v.benchmark_label(2) == "2. Learning from careers and labour market information"


def test_the_meaningful_checklist_feedback_groups_and_outcomes():
    assert list(v.MEANINGFUL_CHECKLIST) == [
        "purpose_shared",
        "learning_outcomes",
        "two_way",
        "task_set",
        "feedback",
        "reflection",
    ]
    assert v.FEEDBACK_FROM["parents_carers"] == "Parents and carers"
    assert list(v.OUTCOMES) == ["met", "partly_met", "not_met"]
    assert v.TRANSITIONS["planned"] == ("delivered", "cancelled")
    assert v.YEAR_GROUPS == (7, 8, 9, 10, 11, 12, 13, 14)


def test_subjects_are_directorys_ids_with_labels():
    assert len(v.SUBJECTS) == len(set(v.SUBJECTS)) == 28
    assert v.SUBJECT_LABELS["pshe"] == "PSHE"
    assert v.SUBJECT_LABELS["design_and_technology"] == "Design and technology"
    assert v.SUBJECT_LABELS["art_and_design"] == "Art and design"
