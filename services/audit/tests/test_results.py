"""Results, rule by rule, and the worked examples in docs/scoring.md sections 9 to 11:
change since the previous evaluation, criteria not yet achieved with suggested actions,
academic years and the termly snapshots."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from waymark_audit.domain.evaluation_types import FE_ITP, SCHOOL
from waymark_audit.domain.frameworks import NUMBER, YES_NO, Benchmark, Criterion, Framework, Question
from waymark_audit.domain.results import (
    academic_year,
    by_academic_year,
    change_since,
    school_day,
    suggested_actions,
    termly_snapshot_dates,
    termly_snapshots,
)
from waymark_audit.domain.scoring import (
    ACHIEVED,
    IN_PROGRESS,
    NOT_STARTED,
    BenchmarkResult,
    CriterionResult,
    Result,
    score,
)


def result(
    *percentages: tuple[int, int | None], framework_id: str = "example", evaluation_type: str = SCHOOL
) -> Result:
    return Result(framework_id, evaluation_type, tuple(BenchmarkResult(n, p, ()) for n, p in percentages))


# --- section 9: change since the previous evaluation ---------------------------------------


def test_worked_example_8_change_in_percentage_points():
    previous = result((1, 50), (5, 0), (8, None))
    current = result((1, 100), (5, 0), (8, None))

    assert change_since(previous, current) == {1: 50, 5: 0, 8: None}


def test_a_fall_is_negative():
    assert change_since(result((1, 67), (2, 100)), result((1, 33), (2, 100))) == {1: -34, 2: 0}


def test_no_previous_evaluation_means_no_change():
    assert change_since(None, result((1, 100), (5, 0))) == {1: None, 5: None}


def test_no_change_across_frameworks_or_evaluation_types():
    current = result((1, 100), (5, 0), framework_id="gatsby-2025")

    assert change_since(result((1, 50), (5, 0), framework_id="gatsby-2018"), current) == {1: None, 5: None}
    assert change_since(
        result((1, 50), (5, 0), framework_id="gatsby-2025", evaluation_type=FE_ITP), current
    ) == {
        1: None,
        5: None,
    }


def test_no_change_for_a_benchmark_unscored_in_either_or_absent_before():
    previous = result((1, None), (5, 40))
    current = result((1, 100), (5, None), (8, 0))

    assert change_since(previous, current) == {1: None, 5: None, 8: None}


# --- section 10: criteria not yet achieved, with suggested actions --------------------------

C1_1 = Criterion(
    "1.1",
    "Backed by governors",
    (Question("q1", "?", YES_NO),),
    suggested_actions=("Take the strategy to governors",),
)
C1_2 = Criterion("1.2", "Published", (Question("q2", "?", YES_NO),))
C5_1 = Criterion(
    "5.1",
    "Encounters every year",
    (Question("q3", "?", YES_NO), Question("q4", "?", NUMBER, meets=3)),
    suggested_actions=(
        "Map which year groups have had an employer encounter this year",
        "Invite a small employer",
    ),
)
C5_2 = Criterion(
    "5.2",
    "Two a year",
    (Question("q5", "?", YES_NO),),
    evaluation_types=(FE_ITP,),
    suggested_actions=("Plan a second encounter",),
)
C8_1 = Criterion(
    "8.1",
    "Guidance",
    (Question("q6", "?", YES_NO),),
    evaluation_types=(FE_ITP,),
    suggested_actions=("Book an adviser",),
)
FRAMEWORK = Framework(
    "example",
    "Example",
    date(2025, 9, 1),
    None,
    (
        Benchmark(1, "Programme", (C1_1, C1_2)),
        Benchmark(5, "Employers", (C5_1, C5_2)),
        Benchmark(8, "Guidance", (C8_1,)),
    ),
)


def test_worked_example_5_suggested_actions_for_a_school_and_for_fe_itp():
    answers = {"q1": "yes", "q2": "yes", "q3": "yes", "q4": 2}

    school = suggested_actions(FRAMEWORK, SCHOOL, score(FRAMEWORK, SCHOOL, answers))
    college = suggested_actions(FRAMEWORK, FE_ITP, score(FRAMEWORK, FE_ITP, answers))

    assert school == [
        (C5_1, ("Map which year groups have had an employer encounter this year", "Invite a small employer"))
    ]
    assert [c.id for c, _ in college] == ["5.1", "5.2", "8.1"]
    assert college[1] == (C5_2, ("Plan a second encounter",))


def test_every_criterion_not_achieved_is_listed_in_framework_order_even_without_actions():
    result = Result(
        "example",
        SCHOOL,
        (
            BenchmarkResult(
                1, 0, (CriterionResult("1.1", NOT_STARTED, 0, 1), CriterionResult("1.2", IN_PROGRESS, 0, 1))
            ),
            BenchmarkResult(5, 100, (CriterionResult("5.1", ACHIEVED, 2, 2),)),
            BenchmarkResult(8, None, ()),
        ),
    )

    assert suggested_actions(FRAMEWORK, SCHOOL, result) == [
        (C1_1, ("Take the strategy to governors",)),
        (C1_2, ()),
    ]


def test_nothing_to_suggest_when_everything_is_achieved():
    answers = {"q1": "yes", "q2": "yes", "q3": "yes", "q4": 3, "q5": "yes", "q6": "yes"}

    assert suggested_actions(FRAMEWORK, FE_ITP, score(FRAMEWORK, FE_ITP, answers)) == []


def test_suggested_actions_refuse_a_result_of_another_framework_or_type():
    with pytest.raises(ValueError, match="gatsby-2018/school"):
        suggested_actions(FRAMEWORK, SCHOOL, result((1, 0), framework_id="gatsby-2018"))
    with pytest.raises(ValueError):
        suggested_actions(FRAMEWORK, FE_ITP, score(FRAMEWORK, SCHOOL, {}))


# --- section 11: academic years and termly snapshots ---------------------------------------


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2025, 8, 31), "2024/25"),
        (date(2025, 9, 1), "2025/26"),
        (date(2025, 12, 31), "2025/26"),
        (date(2026, 7, 31), "2025/26"),
        (date(2000, 1, 1), "1999/00"),
    ],
)
def test_the_academic_year_runs_from_1_september_to_31_august(day, year):
    assert academic_year(day) == year


def test_the_snapshot_dates_are_31_december_31_march_and_31_july():
    assert termly_snapshot_dates("2025/26") == (date(2025, 12, 31), date(2026, 3, 31), date(2026, 7, 31))
    assert termly_snapshot_dates("1999/00") == (date(1999, 12, 31), date(2000, 3, 31), date(2000, 7, 31))


@pytest.mark.parametrize("text", ["2025/27", "2025-26", "25/26", "2025/26 ", "", "2025"])
def test_an_academic_year_must_be_written_like_2025_26(text):
    with pytest.raises(ValueError, match="academic year"):
        termly_snapshot_dates(text)


A = (datetime(2025, 7, 10, 9, 0, tzinfo=UTC), "A")
B = (datetime(2025, 12, 31, 23, 59, tzinfo=UTC), "B")
C = (datetime(2026, 3, 31, 23, 30, tzinfo=UTC), "C")
D = (datetime(2026, 3, 15, 10, 0, tzinfo=UTC), "D")
EXAMPLE_9 = [A, B, C, D]


def test_worked_example_9_the_latest_completed_as_at_each_date():
    assert termly_snapshots(EXAMPLE_9, "2025/26") == {
        date(2025, 12, 31): "B",
        date(2026, 3, 31): "D",
        date(2026, 7, 31): "C",
    }
    assert termly_snapshots(EXAMPLE_9, "2025/26", as_of=date(2026, 4, 1)) == {
        date(2025, 12, 31): "B",
        date(2026, 3, 31): "D",
        date(2026, 7, 31): None,
    }
    assert termly_snapshots(EXAMPLE_9, "2024/25") == {
        date(2024, 12, 31): None,
        date(2025, 3, 31): None,
        date(2025, 7, 31): "A",
    }


def test_a_completion_on_the_snapshot_day_counts_for_it_and_one_a_moment_later_does_not():
    end_of_year = datetime(2026, 1, 1, tzinfo=UTC)

    assert (
        termly_snapshots([(end_of_year - timedelta(microseconds=1), "x")], "2025/26")[date(2025, 12, 31)]
        == "x"
    )
    assert termly_snapshots([(end_of_year, "x")], "2025/26")[date(2025, 12, 31)] is None
    assert (
        termly_snapshots([(end_of_year, "x")], "2025/26", as_of=date(2025, 12, 31))[date(2025, 12, 31)]
        is None
    )


def test_completion_times_are_read_in_uk_time():
    assert school_day(C[0]) == date(2026, 4, 1)  # British Summer Time
    assert school_day(B[0]) == date(2025, 12, 31)  # GMT
    assert school_day(datetime(2026, 7, 31, 22, 59)) == date(2026, 7, 31)  # naive: UTC
    assert school_day(datetime(2026, 7, 31, 23, 0)) == date(2026, 8, 1)
    assert school_day(datetime(2026, 8, 1, 0, 30, tzinfo=timezone(timedelta(hours=2)))) == date(2026, 7, 31)


def test_nothing_completed_means_no_snapshots():
    assert termly_snapshots([], "2025/26") == dict.fromkeys(termly_snapshot_dates("2025/26"))


def test_two_completed_at_the_same_moment_take_the_later_in_the_list():
    moment = datetime(2025, 11, 1, tzinfo=UTC)

    assert (
        termly_snapshots([(moment, "first"), (moment, "second")], "2025/26")[date(2025, 12, 31)] == "second"
    )


def test_history_by_academic_year_latest_first():
    assert by_academic_year(EXAMPLE_9) == {"2025/26": ["C", "D", "B"], "2024/25": ["A"]}
    assert list(by_academic_year(EXAMPLE_9)) == ["2025/26", "2024/25"]
    assert by_academic_year([]) == {}


def test_a_completion_on_31_august_evening_in_uk_time_belongs_to_the_next_year():
    late = (datetime(2025, 8, 31, 23, 30, tzinfo=UTC), "late")  # 00:30 on 1 September, BST

    assert by_academic_year([late]) == {"2025/26": ["late"]}


# --- the page and the code agree ----------------------------------------------------------

SPEC = Path(__file__).parents[1] / "docs" / "scoring.md"


def doc_tables(example: int) -> list[list[list[str]]]:
    """Every table (rows without the header) between "Worked example <example>" and the next
    heading of docs/scoring.md."""
    lines = SPEC.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"Worked example {example}:"))
    tables: list[list[list[str]]] = []
    in_table = False
    for line in lines[start + 1 :]:
        if line.startswith("#"):
            break
        if line.startswith("|"):
            if not in_table:
                tables.append([])
            in_table = True
            tables[-1].append([cell.strip() for cell in line.strip("|").split("|")])
        else:
            in_table = False
    return [table[2:] for table in tables]


def test_the_page_shows_the_changes_of_worked_example_8():
    [rows] = doc_tables(8)

    def number(text: str) -> int | None:
        return None if text == "None" else int(text)

    previous = result(*((int(n), number(p)) for n, p, _, _ in rows))
    current = result(*((int(n), number(c)) for n, _, c, _ in rows))
    shown = {int(n): None if change == "None" else int(change.lstrip("+")) for n, _, _, change in rows}

    assert change_since(previous, current) == shown


def test_the_page_shows_the_snapshots_of_worked_example_9():
    completed, snapshots = doc_tables(9)

    assert [row[0] for row in completed] == [label for _, label in EXAMPLE_9]
    assert [row[1][:16] for row in completed] == [f"{moment:%Y-%m-%d %H:%M}" for moment, _ in EXAMPLE_9]
    shown = {datetime.strptime(day, "%d %b %Y").date(): label for day, label in snapshots}
    assert termly_snapshots(EXAMPLE_9, "2025/26") == shown
