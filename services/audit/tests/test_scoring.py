"""Scoring, rule by rule, and every worked example in docs/scoring.md (sections 2 to 8),
on small hand-built frameworks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from waymark_audit.domain.evaluation_types import FE_ITP, SCHOOL, SPECIALIST
from waymark_audit.domain.frameworks import (
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
from waymark_audit.domain.scoring import (
    ACHIEVED,
    IN_PROGRESS,
    NOT_STARTED,
    BenchmarkResult,
    CriterionResult,
    Result,
    answer_errors,
    missing_required,
    percentage,
    question_met,
    question_progress,
    score,
    score_criterion,
    share_band,
    unjudged_counts,
    unjudged_message,
)

# --- the example framework of docs/scoring.md section 6 ----------------------------------

REVIEW = (
    Option("yearly", "At least once a year", meets=True),
    Option("less_often", "Less often than once a year"),
    Option("never", "Never"),
)
Q1_1_A = Question("q1_1_a", "Is the careers strategy approved by governors?", YES_NO)
Q1_1_B = Question("q1_1_b", "How often is the programme reviewed?", SINGLE_CHOICE, options=REVIEW)
Q1_1_C = Question("q1_1_c", "Evidence", EVIDENCE, required=False)
Q1_2_A = Question("q1_2_a", "Is the programme published on the website?", YES_NO)
Q5_1_A = Question(
    "q5_1_a",
    "Share of learners with an employer encounter this year",
    YEAR_GROUP_SHARE,
    year_groups=(10, 11),
    meets="most",
)
Q5_1_B = Question("q5_1_b", "How many employers of different sizes were involved?", NUMBER, meets=3)
Q5_1_C = Question("q5_1_c", "Evidence", EVIDENCE, required=False)
Q5_2_A = Question(
    "q5_2_a",
    "Share with two encounters, one in the curriculum area",
    YEAR_GROUP_SHARE,
    year_groups=(12, 13),
    meets="all",
)
Q8_1_A = Question("q8_1_a", "Does every learner have a guidance meeting by the end of the programme?", YES_NO)

C5_1 = Criterion(
    "5.1",
    "Encounters every year",
    (Q5_1_A, Q5_1_B, Q5_1_C),
    suggested_actions=("Map which year groups have had an employer encounter this year",),
)
EXAMPLE = Framework(
    "example",
    "Example",
    date(2025, 9, 1),
    None,
    (
        Benchmark(
            1,
            "A stable careers programme",
            (
                Criterion("1.1", "A written programme, backed by governors", (Q1_1_A, Q1_1_B, Q1_1_C)),
                Criterion("1.2", "The programme is published", (Q1_2_A,)),
            ),
        ),
        Benchmark(
            5,
            "Encounters with employers and employees",
            (C5_1, Criterion("5.2", "Two encounters a year", (Q5_2_A,), evaluation_types=(FE_ITP,))),
        ),
        Benchmark(
            8,
            "Personal guidance",
            (Criterion("8.1", "Guidance meetings", (Q8_1_A,), evaluation_types=(FE_ITP,)),),
        ),
    ),
)
SIZES = {10: 180, 11: 175}


def count(n: int) -> dict[str, int]:
    return {"count": n}


# --- section 2: one question -------------------------------------------------------------


@pytest.mark.parametrize(
    ("meets", "answer", "met"),
    [
        (None, "yes", True),
        (None, "no", False),
        ("no", "no", True),
        ("no", "yes", False),
        (None, "maybe", False),
    ],
)
def test_a_yes_no_question_is_met_by_its_meets_answer_yes_unless_stated(meets, answer, met):
    question = Question("q", "?", YES_NO, meets=meets)

    assert question_met(question, answer) is met
    assert question_progress(question, answer) is met  # yes/no has no partial progress


@pytest.mark.parametrize(
    ("answer", "met"), [("yearly", True), ("less_often", False), ("never", False), ("weekly", False)]
)
def test_a_single_choice_is_met_by_an_option_marked_meets(answer, met):
    assert question_met(Q1_1_B, answer) is met
    assert question_progress(Q1_1_B, answer) is met


@pytest.mark.parametrize(
    ("answer", "met", "progress"),
    [
        (3, True, True),
        (4.5, True, True),
        (2, False, True),
        (0.5, False, True),
        (0, False, False),
        (-1, False, False),
        (True, False, False),
        ("3", False, False),
    ],
)
def test_a_number_meets_at_its_threshold_and_shows_progress_above_zero(answer, met, progress):
    assert question_met(Q5_1_B, answer) is met
    assert question_progress(Q5_1_B, answer) is progress


def test_a_number_with_no_threshold_needs_at_least_one():
    question = Question("q", "?", NUMBER)

    assert question_met(question, 1)
    assert not question_met(question, 0)


def test_evidence_is_never_scored_and_never_met():
    assert not Q1_1_C.scored
    assert not question_met(Q1_1_C, "A full and careful account")
    assert not question_progress(Q1_1_C, "A full and careful account")


def test_worked_example_1_a_count_becomes_a_band_with_the_year_group_size():
    bands = {n: share_band(count(n), 180) for n in (0, 1, 90, 91, 179, 180, 200)}

    assert bands == {0: "none", 1: "some", 90: "some", 91: "most", 179: "most", 180: "all", 200: "all"}


def test_a_band_is_taken_as_given_and_anything_else_is_no_band():
    assert [share_band(b, None) for b in ("none", "some", "most", "all")] == ["none", "some", "most", "all"]
    assert share_band("many", 180) is None
    assert share_band({"count": -1}, 180) is None
    assert share_band({"count": 1.5}, 180) is None
    assert share_band({"count": True}, 180) is None
    assert share_band({"count": 1, "of": 2}, 180) is None
    assert share_band(None, 180) is None


def test_a_count_of_zero_is_none_even_when_the_size_is_unknown_and_any_other_count_cannot_be_judged():
    assert share_band(count(0), None) == "none"
    assert share_band(count(5), None) is None
    assert share_band(count(5), 0) is None  # a size of 0 is treated as unknown


EXAMPLE_2 = [
    ({"10": "all", "11": "most"}, SIZES, True, True),
    ({"10": count(91), "11": count(88)}, SIZES, True, True),
    ({"10": count(91), "11": count(87)}, SIZES, False, True),
    ({"10": count(90), "11": "all"}, SIZES, False, True),
    ({"10": "all"}, SIZES, False, True),
    ({"10": count(0), "11": "none"}, SIZES, False, False),
    ({"10": "all", "11": count(150)}, {10: 180}, False, True),
]


@pytest.mark.parametrize(("answer", "sizes", "met", "progress"), EXAMPLE_2)
def test_worked_example_2_every_year_group_asked_must_reach_the_band(answer, sizes, met, progress):
    assert question_met(Q5_1_A, answer, sizes) is met
    assert question_progress(Q5_1_A, answer, sizes) is progress


def test_a_share_needs_all_when_it_says_nothing_and_accepts_integer_keys():
    question = Question("q", "?", YEAR_GROUP_SHARE, year_groups=(7, 8))

    assert question_met(question, {7: "all", 8: "all"})
    assert not question_met(question, {"7": "all", "8": "most"})


def test_a_share_ignores_year_groups_not_asked_and_values_that_are_not_shares():
    assert not question_met(Q5_1_A, {"9": "all"}, SIZES)
    assert not question_progress(Q5_1_A, {"9": "all"}, SIZES)
    assert not question_met(Q5_1_A, "all", SIZES)
    assert not question_progress(Q5_1_A, "all", SIZES)


def test_counts_without_a_known_size_are_named_so_the_results_can_say_why():
    answers = {"q5_1_a": {"10": count(0), "11": count(150)}, "q5_2_a": {"12": count(3), "13": "all"}}

    assert unjudged_counts(EXAMPLE, FE_ITP, answers, {10: 180}) == {"q5_1_a": (11,), "q5_2_a": (12,)}
    assert unjudged_counts(EXAMPLE, FE_ITP, answers, {10: 180, 11: 175, 12: 90}) == {}
    # q5_2_a is not asked of schools
    assert unjudged_counts(EXAMPLE, SCHOOL, answers, None) == {"q5_1_a": (11,)}
    assert unjudged_message((11,)) == (
        "The number of learners given for Year 11 cannot be judged as a share, because the roster does not say "
        "how many learners are in that year group. Import the roster or answer with none, some, most or all."
    )
    assert "Year 12 and Year 13" in unjudged_message((12, 13))
    assert "those year groups" in unjudged_message((12, 13))


# --- section 3: criterion status -----------------------------------------------------------


EXAMPLE_3 = [
    ({"q5_1_c": "Careers fair, March"}, SIZES, 0, NOT_STARTED),
    ({"q5_1_a": {"10": "none", "11": "none"}, "q5_1_b": 0}, SIZES, 0, NOT_STARTED),
    ({"q5_1_a": {"10": "none", "11": "some"}, "q5_1_b": 0}, SIZES, 0, IN_PROGRESS),
    ({"q5_1_b": 2}, SIZES, 0, IN_PROGRESS),
    ({"q5_1_a": {"10": count(120), "11": "most"}, "q5_1_b": 2}, SIZES, 1, IN_PROGRESS),
    ({"q5_1_a": {"10": "all", "11": "most"}, "q5_1_b": 3}, SIZES, 2, ACHIEVED),
    ({"q5_1_a": {"10": "all", "11": count(150)}, "q5_1_b": 3}, {10: 180}, 1, IN_PROGRESS),
]


@pytest.mark.parametrize(("answers", "sizes", "met", "status"), EXAMPLE_3)
def test_worked_example_3_criterion_status(answers, sizes, met, status):
    assert score_criterion(C5_1, answers, sizes) == CriterionResult("5.1", status, met, 2)


def test_answering_no_to_everything_is_not_progress():
    criterion = Criterion("1.1", "A written programme", (Q1_1_A, Q1_1_B))

    assert score_criterion(criterion, {"q1_1_a": "no", "q1_1_b": "never"}).status == NOT_STARTED
    assert score_criterion(criterion, {"q1_1_a": "yes", "q1_1_b": "never"}).status == IN_PROGRESS
    assert score_criterion(criterion, {}).status == NOT_STARTED


def test_an_unanswered_optional_question_is_not_met():
    optional = Question("q_opt", "?", YES_NO, required=False)
    criterion = Criterion("1.1", "?", (Q1_1_A, optional))

    assert score_criterion(criterion, {"q1_1_a": "yes"}) == CriterionResult("1.1", IN_PROGRESS, 1, 2)
    assert score_criterion(criterion, {"q1_1_a": "yes", "q_opt": "yes"}) == CriterionResult(
        "1.1", ACHIEVED, 2, 2
    )


def test_a_criterion_with_only_evidence_is_never_achieved():
    criterion = Criterion("1.9", "?", (Q1_1_C,))

    assert score_criterion(criterion, {"q1_1_c": "Plenty"}) == CriterionResult("1.9", NOT_STARTED, 0, 0)


def test_blank_text_and_none_are_not_answers():
    criterion = Criterion("1.2", "?", (Q1_2_A,))

    assert score_criterion(criterion, {"q1_2_a": None}).status == NOT_STARTED
    assert score_criterion(criterion, {"q1_2_a": "  "}).status == NOT_STARTED


# --- section 4: benchmark percentage -------------------------------------------------------


@pytest.mark.parametrize(
    ("applicable", "achieved", "expected"),
    [
        (3, 0, 0),
        (3, 1, 33),
        (3, 2, 67),
        (3, 3, 100),
        (8, 1, 13),
        (7, 6, 86),
        (200, 199, 99),
        (201, 1, 1),
        (0, 0, None),
    ],
)
def test_worked_example_4_benchmark_percentage(applicable, achieved, expected):
    assert percentage(achieved, applicable) == expected


def test_the_percentage_is_100_exactly_when_every_criterion_is_achieved():
    for applicable in range(1, 500):
        for achieved in range(applicable + 1):
            value = percentage(achieved, applicable)
            assert (value == 100) is (achieved == applicable)
            assert (value == 0) is (achieved == 0)
            assert abs(value - 100 * achieved / applicable) <= 1


def test_a_benchmark_is_achieved_at_100_only_and_the_headline_counts_them():
    result = Result(
        "example",
        SCHOOL,
        (
            BenchmarkResult(1, 100, ()),
            BenchmarkResult(2, 99, ()),
            BenchmarkResult(3, None, ()),
            BenchmarkResult(4, 100, ()),
        ),
    )

    assert [b.achieved for b in result.benchmarks] == [True, False, False, True]
    assert result.benchmarks_achieved == 2


# --- section 6: a whole evaluation ---------------------------------------------------------

EXAMPLE_5 = {
    "q1_1_a": "yes",
    "q1_1_b": "yearly",
    "q1_1_c": "Approved 12 October 2025",
    "q1_2_a": "yes",
    "q5_1_a": {"10": count(120), "11": "most"},
    "q5_1_b": 2,
}


def test_worked_example_5_a_school():
    result = score(EXAMPLE, SCHOOL, EXAMPLE_5, SIZES)

    assert result == Result(
        "example",
        SCHOOL,
        (
            BenchmarkResult(
                1, 100, (CriterionResult("1.1", ACHIEVED, 2, 2), CriterionResult("1.2", ACHIEVED, 1, 1))
            ),
            BenchmarkResult(5, 0, (CriterionResult("5.1", IN_PROGRESS, 1, 2),)),
            BenchmarkResult(8, None, ()),
        ),
    )
    assert [b.achieved for b in result.benchmarks] == [True, False, False]
    assert result.benchmarks_achieved == 1
    assert result.criterion("5.1").status == IN_PROGRESS


def test_worked_example_5_the_same_answers_as_fe_itp():
    result = score(EXAMPLE, FE_ITP, EXAMPLE_5, SIZES)

    assert [(b.number, b.percentage) for b in result.benchmarks] == [(1, 100), (5, 0), (8, 0)]
    assert [(c.criterion_id, c.status) for b in result.benchmarks for c in b.criteria] == [
        ("1.1", ACHIEVED),
        ("1.2", ACHIEVED),
        ("5.1", IN_PROGRESS),
        ("5.2", NOT_STARTED),
        ("8.1", NOT_STARTED),
    ]
    assert result.benchmarks_achieved == 1


def test_a_criterion_for_another_type_is_not_scored_even_when_answered():
    answers = {**EXAMPLE_5, "q5_2_a": {"12": "all", "13": "all"}, "q8_1_a": "yes"}

    school = score(EXAMPLE, SCHOOL, answers, SIZES)
    college = score(EXAMPLE, FE_ITP, answers, SIZES)

    assert school == score(EXAMPLE, SCHOOL, EXAMPLE_5, SIZES)
    assert [(b.number, b.percentage) for b in college.benchmarks] == [(1, 100), (5, 50), (8, 100)]
    assert college.benchmarks_achieved == 2


def test_an_empty_evaluation_is_not_started_everywhere():
    result = score(EXAMPLE, SPECIALIST, {})

    assert [b.percentage for b in result.benchmarks] == [0, 0, None]
    assert {c.status for b in result.benchmarks for c in b.criteria} == {NOT_STARTED}
    assert result.benchmarks_achieved == 0


def test_without_roster_sizes_a_count_cannot_meet_a_share():
    result = score(EXAMPLE, SCHOOL, {**EXAMPLE_5, "q5_1_b": 3})

    assert result.criterion("5.1") == CriterionResult("5.1", IN_PROGRESS, 1, 2)
    assert score(EXAMPLE, SCHOOL, {**EXAMPLE_5, "q5_1_b": 3}, SIZES).criterion("5.1").status == ACHIEVED


def test_an_unknown_evaluation_type_is_refused():
    with pytest.raises(ValueError, match="unknown evaluation type"):
        score(EXAMPLE, "primary", {})
    with pytest.raises(ValueError):
        missing_required(EXAMPLE, "primary", {})
    with pytest.raises(ValueError):
        answer_errors(EXAMPLE, "primary", {})


# --- section 7: required questions ---------------------------------------------------------


def test_worked_example_6_missing_required_in_framework_order():
    draft = {"q1_1_a": "yes", "q5_1_a": {"10": "all"}}

    assert missing_required(EXAMPLE, SCHOOL, draft) == ["q1_1_b", "q1_2_a", "q5_1_a", "q5_1_b"]
    assert missing_required(EXAMPLE, FE_ITP, draft) == [
        "q1_1_b",
        "q1_2_a",
        "q5_1_a",
        "q5_1_b",
        "q5_2_a",
        "q8_1_a",
    ]


def test_nothing_is_missing_once_every_required_question_is_answered_however_it_is_answered():
    answers = {
        "q1_1_a": "no",
        "q1_1_b": "never",
        "q1_2_a": "no",
        "q5_1_a": {"10": "none", "11": count(0)},
        "q5_1_b": 0,
    }

    assert missing_required(EXAMPLE, SCHOOL, answers) == []


def test_blank_and_none_answers_are_missing_and_required_evidence_needs_text():
    evidence = Question("q_ev", "Describe it", EVIDENCE)
    framework = Framework(
        "f", "F", date(2025, 9, 1), None, (Benchmark(1, "B", (Criterion("1.1", "C", (Q1_2_A, evidence)),)),)
    )

    assert missing_required(framework, SCHOOL, {"q1_2_a": None, "q_ev": "   "}) == ["q1_2_a", "q_ev"]
    assert missing_required(framework, SCHOOL, {"q1_2_a": "no", "q_ev": "Done"}) == []


# --- section 8: answers that cannot be accepted ---------------------------------------------


EXAMPLE_7 = [
    ("q9_9_z", "yes", "There is no such question in this evaluation."),
    ("q5_2_a", {"12": "all", "13": "all"}, "This question is not part of the school evaluation."),
    ("q1_1_a", "maybe", "Answer yes or no."),
    (
        "q1_1_b",
        "monthly",
        "Choose one of the answers offered: At least once a year; Less often than once a year; Never.",
    ),
    ("q5_1_b", -1, "Enter a number of 0 or more."),
    ("q5_1_b", "three", "Enter a number, such as 0, 3 or 12."),
    ("q5_1_a", "most", "Answer for each year group: none, some, most or all, or a number of learners."),
    ("q5_1_a", {"10": "many"}, "Year 10: choose none, some, most or all, or give a number of learners."),
    (
        "q5_1_a",
        {"9": "all"},
        "Year 9 is not asked about in this question; it asks about Year 10 and Year 11.",
    ),
    (
        "q5_1_a",
        {"10": count(12.5)},
        "Year 10: the number of learners must be a whole number, such as 0 or 143.",
    ),
    ("q5_1_a", {"10": count(-3)}, "Year 10: the number of learners must be 0 or more."),
    (
        "q5_1_a",
        {"10": count(181)},
        "Year 10: the roster has 180 learners in Year 10, so the number cannot be more than 180.",
    ),
    ("q1_1_c", "x" * 10_001, "Evidence must be 10,000 characters or fewer; this is 10,001."),
]


@pytest.mark.parametrize(("question_id", "value", "message"), EXAMPLE_7)
def test_worked_example_7_answer_errors(question_id, value, message):
    assert answer_errors(EXAMPLE, SCHOOL, {question_id: value}, {10: 180}) == {question_id: [message]}


@pytest.mark.parametrize(
    ("question_id", "value"),
    [
        ("q5_1_a", {"11": count(400)}),  # Year 11's size is unknown
        ("q5_1_a", {"10": count(180), "11": "none"}),
        ("q5_1_a", {10: "all", 11: None}),
        ("q5_1_a", {}),
        ("q5_1_b", 0),
        ("q5_1_b", 2.5),
        ("q1_1_a", None),
        ("q1_1_b", "never"),
        ("q1_1_c", ""),
        ("q1_1_c", "x" * 10_000),
    ],
)
def test_answers_of_the_right_type_are_accepted(question_id, value):
    assert answer_errors(EXAMPLE, SCHOOL, {question_id: value}, {10: 180}) == {}


def test_answer_errors_for_other_types_and_values():
    assert answer_errors(EXAMPLE, SCHOOL, {"q1_1_a": True}) == {"q1_1_a": ["Answer yes or no."]}
    assert answer_errors(EXAMPLE, SCHOOL, {"q5_1_b": True}) == {
        "q5_1_b": ["Enter a number, such as 0, 3 or 12."]
    }
    assert answer_errors(EXAMPLE, SCHOOL, {"q5_1_b": float("nan")}) == {
        "q5_1_b": ["Enter a number, such as 0, 3 or 12."]
    }
    assert answer_errors(EXAMPLE, SCHOOL, {"q1_1_c": 42}) == {"q1_1_c": ["Enter your evidence as text."]}
    assert answer_errors(EXAMPLE, SCHOOL, {"q5_1_a": {"10": {"count": 1, "of": 2}}}) == {
        "q5_1_a": ["Year 10: choose none, some, most or all, or give a number of learners."]
    }
    assert answer_errors(EXAMPLE, SCHOOL, {"q5_1_a": {"sixth form": "all"}}) == {
        "q5_1_a": ["'sixth form' is not asked about in this question; it asks about Year 10 and Year 11."]
    }
    assert answer_errors(EXAMPLE, SPECIALIST, {"q8_1_a": "yes"}) == {
        "q8_1_a": ["This question is not part of the specialist setting evaluation."]
    }
    assert answer_errors(EXAMPLE, FE_ITP, {"q8_1_a": "yes", "q5_2_a": {"12": "all"}}) == {}


def test_every_problem_of_a_share_is_reported_and_every_bad_answer_is_keyed_by_its_question():
    errors = answer_errors(
        EXAMPLE,
        SCHOOL,
        {"q5_1_a": {"9": "all", "10": count(181), "11": "lots"}, "q1_2_a": "no", "q1_1_a": 1},
        {10: 180},
    )

    assert errors == {
        "q5_1_a": [
            "Year 9 is not asked about in this question; it asks about Year 10 and Year 11.",
            "Year 10: the roster has 180 learners in Year 10, so the number cannot be more than 180.",
            "Year 11: choose none, some, most or all, or give a number of learners.",
        ],
        "q1_1_a": ["Answer yes or no."],
    }


def test_scoring_tolerates_values_answer_errors_would_refuse():
    answers = {"q1_1_a": "maybe", "q1_1_b": 3, "q5_1_a": ["all"], "q5_1_b": "lots", "q9": "yes"}

    result = score(EXAMPLE, SCHOOL, answers, SIZES)

    assert {c.status for b in result.benchmarks for c in b.criteria} == {NOT_STARTED}


# --- the page and the code agree ----------------------------------------------------------

SPEC = Path(__file__).parents[1] / "docs" / "scoring.md"


def doc_table(example: int) -> list[list[str]]:
    """The rows (header included, separator left out) of the first table after
    "Worked example <example>" in docs/scoring.md."""
    lines = SPEC.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"Worked example {example}:"))
    table = []
    for line in lines[start + 1 :]:
        if line.startswith("|"):
            table.append([cell.strip() for cell in line.strip("|").split("|")])
        elif table:
            break
    return [row for row in table if not set("".join(row)) <= set("-: ")]


def test_the_page_shows_the_bands_of_worked_example_1():
    counts, bands = doc_table(1)

    assert counts[0] == "Count"
    assert bands[0] == "Band"
    assert [share_band(count(int(n)), 180) for n in counts[1:]] == bands[1:]


def test_the_page_shows_the_percentages_of_worked_example_4():
    rows = doc_table(4)[1:]

    assert len(rows) == 9
    for applicable, achieved, shown, _ in rows:
        assert str(percentage(int(achieved), int(applicable))) == shown


def test_the_page_shows_the_messages_of_worked_example_7():
    rows = doc_table(7)[1:]
    messages = [message for _, _, message in rows if not message.startswith("*(accepted")]

    assert messages == [message for _, _, message in EXAMPLE_7]


def test_the_page_shows_the_outcomes_of_worked_example_2():
    rows = doc_table(2)[1:]

    assert [(met, progress) for *_, met, progress in rows] == [
        ("yes" if met else "no", "yes" if progress else "no") for *_, met, progress in EXAMPLE_2
    ]


def test_the_page_shows_the_statuses_of_worked_example_3():
    rows = doc_table(3)[1:]

    assert [(met, status) for *_, met, status in rows] == [
        (f"{met} / 2", status.replace("_", " ")) for *_, met, status in EXAMPLE_3
    ]


def test_year_group_sizes_may_be_keyed_by_text_as_json_gives_them():
    answers = {**EXAMPLE_5, "q5_1_b": 3}

    assert score(EXAMPLE, SCHOOL, answers, {"10": 180, "11": 175}) == score(EXAMPLE, SCHOOL, answers, SIZES)
    assert answer_errors(EXAMPLE, SCHOOL, {"q5_1_a": {"10": count(181)}}, {"10": 180}) != {}
    assert unjudged_counts(EXAMPLE, SCHOOL, {"q5_1_a": {"11": count(5)}}, {"11": 175}) == {}
