"""Suggestions from an evaluation's gaps: one per criterion not achieved, from
planner's catalogue, which has an entry for every criterion of audit's frameworks."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from planner_world import World

from waymark_planner import views
from waymark_planner.adapters.suggestion_catalogue import FRAMEWORKS, catalogue
from waymark_planner.domain.academic_year import AcademicYear
from waymark_planner.domain.suggestions import suggest
from waymark_planner.domain.vocabulary import ACTIVITY_TYPES
from waymark_planner.service_layer import plans
from waymark_planner.service_layer.errors import InvalidInput

# Audit's published frameworks, read as files (planner never imports audit).
AUDIT_FRAMEWORKS = Path(__file__).resolve().parents[2] / "audit" / "src" / "waymark_audit" / "frameworks"


def _criteria(framework_id: str) -> list[str]:
    loaded = yaml.safe_load((AUDIT_FRAMEWORKS / f"{framework_id}.yaml").read_text("utf-8"))
    return [str(c["id"]) for b in loaded["benchmarks"] for c in b["criteria"]]


@pytest.mark.parametrize("framework_id", FRAMEWORKS)
def test_the_catalogue_has_one_entry_for_every_criterion_of_audits_framework(framework_id):
    entries = catalogue(framework_id)
    assert sorted(entries) == sorted(_criteria(framework_id))
    for entry in entries.values():
        assert entry.criterion_title and entry.title and len(entry.title) <= 200
        assert entry.activity_type in ACTIVITY_TYPES


def test_one_suggestion_per_criterion_not_achieved_in_criterion_order():
    results = [
        {"criterion_id": "8.1", "benchmark": 8, "status": "not_started"},
        {"criterion_id": "5.1", "benchmark": 5, "status": "achieved"},
        {"criterion_id": "1.3", "benchmark": 1, "status": "in_progress"},
        {"criterion_id": "9.9", "benchmark": 8, "status": "not_started"},  # not in the catalogue
    ]
    found = suggest(results, catalogue("gatsby-2025"), AcademicYear("2026/27"), date(2026, 9, 5))
    assert [(s.criterion_id, s.benchmark, s.criterion_status) for s in found] == [
        ("1.3", 1, "in_progress"),
        ("8.1", 8, "not_started"),
        ("9.9", 8, "not_started"),
    ]
    parents = found[0]
    assert (parents.activity_type, parents.term, parents.achieve_by) == (
        "parent_carer_event",
        "spring",
        date(2027, 3, 31),
    )
    assert found[2].title and found[2].activity_type == "guidance_meeting"


def test_an_achieve_by_date_already_past_moves_to_the_end_of_this_term():
    results = [{"criterion_id": "8.2", "benchmark": 8, "status": "not_started"}]  # suggested for the autumn
    in_spring = suggest(results, catalogue("gatsby-2025"), AcademicYear("2026/27"), date(2027, 2, 1))[0]
    assert (in_spring.term, in_spring.achieve_by) == ("spring", date(2027, 3, 31))
    next_year = suggest(results, catalogue("gatsby-2025"), AcademicYear("2027/28"), date(2027, 2, 1))[0]
    assert (next_year.term, next_year.achieve_by) == ("autumn", date(2027, 12, 31))


def test_colleges_get_suggestions_for_their_learners():
    results = [{"criterion_id": "5.1", "benchmark": 5, "status": "not_started"}]
    found = suggest(results, catalogue("gatsby-2025"), AcademicYear("2026/27"), date(2026, 9, 5), "fe_itp")
    assert found[0].year_groups == (12, 13)


def test_a_plan_created_before_the_evaluation_takes_its_suggestions_later(runtime, world: World):
    school = world.institution()
    plan_id = plans.create_plan(runtime, school, "2026/27", origin="empty", objectives=[])
    with pytest.raises(InvalidInput):
        plans.suggest_from_latest_evaluation(runtime, plan_id)
    world.completed(
        school, {"2.1": "not_started", "4.1": "in_progress", "7.2": "achieved"}, framework_id="gatsby-2025"
    )
    now = datetime(2026, 12, 1, tzinfo=UTC)
    assert plans.suggest_from_latest_evaluation(runtime, plan_id, expected_version=1, now=now) == 2
    plan = views.plan_detail(runtime, plan_id)
    assert [s["criterion_id"] for s in plan["suggestions"]] == ["2.1", "4.1"]
    assert (
        plan["evaluation"]["summary"]
        == "Based on the evaluation completed 20 November 2026: 1 of 8 benchmarks achieved"
    )
    with pytest.raises(InvalidInput):
        plans.suggest_from_latest_evaluation(runtime, plan_id)


def test_a_2018_evaluation_gets_the_2018_catalogues_suggestions(runtime, world: World):
    school = world.institution()
    world.completed(
        school, {"4.1": "not_started"}, framework_id="gatsby-2018", completed_at="2025-06-01T10:00:00Z"
    )
    plan_id = plans.create_plan(runtime, school, "2025/26", origin="evaluation", objectives=[])
    [offered] = views.plan_detail(runtime, plan_id)["suggestions"]
    assert offered["title"] == catalogue("gatsby-2018")["4.1"].title
    assert offered["criterion_title"] == "STEM subjects linked to careers by 14"
