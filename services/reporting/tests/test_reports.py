"""The reports' content, on SQLite and PostgreSQL: the Ofsted pack (intent,
implementation, impact, the statutory website checklist, benchmarks, Provider Access,
destinations), the governors' termly report, the evaluation report and destinations
against the national shape; each says how current it is."""

from __future__ import annotations

import uuid

import pytest
from report_world import build_with_destinations
from reporting_world import NOW

from waymark_reporting.domain import national
from waymark_reporting.exports.document import Chart, Checklist, Document, KeyFigures, Paragraph, Table
from waymark_reporting.readmodels.activities import SUBSCRIPTION as PLANNER
from waymark_reporting.readmodels.institutions import SUBSCRIPTION as DIRECTORY
from waymark_reporting.reports.destinations import cohorts, destinations_report
from waymark_reporting.reports.evaluation import evaluation_report
from waymark_reporting.reports.governors import governors_report
from waymark_reporting.reports.ofsted import ofsted_pack


@pytest.fixture
def world(deliver, directory_log, audit_log, planner_log, destinations_log):  # type: ignore[no-untyped-def]
    return build_with_destinations(deliver, directory_log, audit_log, planner_log, destinations_log)


def section(document: Document, anchor: str):  # type: ignore[no-untyped-def]
    return next(s for s in document.sections if s.anchor == anchor)


def blocks_of(document: Document, anchor: str, kind: type) -> list:
    return [b for b in section(document, anchor).blocks if isinstance(b, kind)]


def table(document: Document, anchor: str, caption_starts: str) -> Table:
    return next(t for t in blocks_of(document, anchor, Table) if t.caption.startswith(caption_starts))


def rows_by_first(found: Table) -> dict:
    return {row[0]: row[1:] for row in found.rows}


def test_the_ofsted_pack_sets_out_intent_implementation_and_impact(runtime, world):
    pack = ofsted_pack(runtime, world.school, now=NOW)

    assert (pack.kind, pack.institution_name) == ("ofsted-pack", "Riverside Academy")
    assert pack.file_name("pdf") == "ofsted-pack-riverside-academy.pdf"
    summary = {label: value for label, value, _ in blocks_of(pack, "summary", KeyFigures)[0].figures}
    assert summary == {
        "Benchmarks achieved": "2 of 2",
        "Activities delivered": "3 of 4",
        "Learners on roll": "8",
    }

    intent = section(pack, "intent").blocks[0].text
    assert "4 activities aimed at 3 of the 8 benchmarks (BM5, BM7, BM8)" in intent
    assert "Year 9, Year 10, Year 12" in intent

    by_term = rows_by_first(table(pack, "implementation", "Activities delivered and planned, by term"))
    assert by_term["Autumn term"] == (3, 3) and by_term["Spring term"] == (0, 1)
    delivered = table(pack, "implementation", "Encounters and activities delivered")
    assert [row[1] for row in delivered.rows] == [
        "Engineers in school",
        "Apprenticeships assembly",
        "Guidance meeting",
    ]
    assert delivered.rows[1][-1] == "Yes"  # the Provider Access encounter
    evidence = rows_by_first(table(pack, "implementation", "Learners who have had each kind"))
    assert evidence["Year 9"][:2] == (4, 50)  # 4 learners, half met an employer this year
    assert evidence["Year 12"][-2] == 50  # guidance by 18

    trend = blocks_of(pack, "impact", Chart)[0]
    assert dict(trend.series) == {"BM5": (0, 100), "BM8": (100, 100)}  # the others do not apply
    ratings = table(pack, "impact", "Evaluation ratings")
    assert ratings.rows[0][:1] == ("Engineers in school",) and ratings.rows[0][3] == pytest.approx(4.2)


def test_the_ofsted_pack_checklists_say_what_waymark_can_and_cannot_tell(runtime, world):
    pack = ofsted_pack(runtime, world.school, now=NOW)
    website, inspection = blocks_of(pack, "checklist", Checklist)

    statuses = [item.status for item in website.items]
    assert statuses == ["check", "check", "check", "check", "check"]
    assert "careers leader" in website.items[0].label and "No one holds the careers leader role" in website.items[0].evidence
    assert "The 2026/27 plan has 4 activities for BM5, BM7, BM8" in website.items[1].evidence
    assert "2 benchmark evaluations" in website.items[2].evidence
    assert "1 provider encounter delivered" in website.items[4].evidence
    checks = {item.label: item for item in inspection.items}
    assert checks["A benchmark evaluation in the last six months"].status == "met"
    assert checks["Destinations for the last three years"].status == "met"
    pal = checks["Provider Access Legislation: every learner has the mandatory encounters"]
    assert pal.status == "missing" and pal.evidence.startswith(
        "Mandatory phases missed by learners: 6; learners still to meet a phase open now: 6"
    )


def test_the_ofsted_pack_without_a_plan_or_evidence_says_what_is_missing(runtime, deliver, directory_log):
    school = directory_log.registered("Empty School")
    deliver(directory_log)
    pack = ofsted_pack(runtime, school, now=NOW)
    website, inspection = blocks_of(pack, "checklist", Checklist)
    assert [i.status for i in website.items] == ["check", "missing", "missing", "check", "missing"]
    assert [i.status for i in inspection.items] == ["missing", "missing", "met"]
    assert section(pack, "destinations").blocks[0].text.startswith("No destination has been recorded yet")
    assert ofsted_pack(runtime, "6b0c7a52-3c1e-4b6f-9d55-0d7c1f7f3a10", now=NOW) is None


def test_the_ofsted_pack_benchmarks_and_provider_access(runtime, world):
    pack = ofsted_pack(runtime, world.school, now=NOW)
    latest = rows_by_first(table(pack, "benchmarks", "Latest evaluation, completed 20 November 2026"))
    assert latest["5. Encounters with employers and employees"] == (100, "Achieved")
    assert latest["1. A stable careers programme"] == (None, "Does not apply")
    pal = rows_by_first(table(pack, "provider-access", "Provider Access Legislation"))
    assert pal["Year 9"][0] == 4
    assert pal["Year 9"][1] == "4 still need encounters by 28 February 2027; 0 met"
    assert pal["Year 10"][1].startswith("2 missed; 0 of 2 met")


def test_destinations_against_the_national_shape_and_the_sustained_rate(runtime, world):
    pack = ofsted_pack(runtime, world.school, now=NOW)
    shares = table(pack, "destinations", "Destinations of leavers at the end of Year 11")
    assert shares.columns[1:] == (
        "National 2014/15 (%)",
        "2025/26 leavers (%)",
        "2024/25 leavers (%)",
        "2023/24 leavers (%)",
    )
    rows = rows_by_first(shares)
    assert rows[national.GROUPS[national.FE]] == (37, 40, 25, 50)
    assert rows[national.GROUPS[national.SIXTH_FORM]] == (37, 20, 25, 50)
    assert rows[national.GROUPS[national.APPRENTICESHIPS]] == (4, 20, 0, 0)
    assert rows[national.GROUPS[national.NOT_SUSTAINED]] == (5, 0, 25, 0)
    assert rows[national.GROUPS[national.UNKNOWN]] == (1, 20, 0, 0)  # an intention only
    assert rows["Leavers"][1:] == (5, 4, 2)
    sustained = rows_by_first(table(pack, "destinations", "Sustained destinations"))
    assert sustained["2024/25"] == (4, 3, 4, 0, 0, 75)
    assert sustained["2023/24"][-1] == 100
    assert sustained["2025/26"][-1] is None  # none can be judged yet: no rate rather than 0%
    line = next(c for c in blocks_of(pack, "destinations", Chart) if c.kind == "line")
    assert line.categories == ("2023/24", "2024/25", "2025/26")
    assert dict(line.series) == {"Sustained rate": (100, 75, None), "National": (94.0, 94.0, 94.0)}


def test_only_the_last_three_cohorts_count(runtime, world, destinations_log, deliver):
    destinations_log.recorded(world.school, "7d1c7a52-3c1e-4b6f-9d55-0d7c1f7f3a10", leaving_cohort="2021/22")
    deliver(destinations_log)
    with runtime.engine.connect() as conn:
        found = cohorts(conn, world.school)
    assert [c.cohort for c in found["ks4"]] == ["2025/26", "2024/25", "2023/24"]


def test_the_governors_report(runtime, world):
    report = governors_report(runtime, world.school, now=NOW)
    assert report.subtitle.startswith(
        "Autumn term 2026/27: progress, compliance, risks and what changed since 1 September 2026"
    )
    figures = {label: value for label, value, _ in blocks_of(report, "progress", KeyFigures)[0].figures}
    assert figures == {
        "Delivered this term": "3 of 3",
        "Delivered this year": "3 of 4",
        "Participants this term": "5",
    }

    questions = {item.label: item for item in blocks_of(report, "compliance", Checklist)[0].items}
    assert questions["Is the programme meeting the Gatsby Benchmarks?"].status == "met"
    assert questions["Does every pupil get the provider encounters the law requires?"].status == "missing"
    guidance = questions["Does every pupil get a guidance interview by 16, and another by 18?"]
    assert guidance.status == "check"  # no Year 11 or 13 on roll

    risks = table(report, "risks", "Risks").rows
    assert (
        "Provider Access phase closing soon",
        "Year 9: 4 learners still need encounters by 28 February 2027.",
    ) in risks
    assert any(
        risk == "Provider Access phase missed" and "Year 10: 2 learners" in detail for risk, detail in risks
    )
    assert ("Destinations not known", "1 of 5 2025/26 leavers.") in risks

    changes = rows_by_first(table(report, "changes", "Benchmark results at the start of term"))
    assert "the evaluation completed 20 March 2026" in table(report, "changes", "Benchmark").caption
    assert changes["5. Encounters with employers and employees"] == (0, 100, 100)
    assert changes["Benchmarks achieved"][:2] == (1, 2)
    since = table(report, "changes", "Activities delivered since 1 September 2026")
    assert len(since.rows) == 3


def test_governors_see_no_learner(runtime, world):
    report = governors_report(runtime, world.school, now=NOW)
    text = repr(report)
    assert not any(learner in text for learner in world.year_9 + world.year_10 + world.year_12)


def test_the_evaluation_report(runtime, world):
    report = evaluation_report(runtime, world.school, now=NOW)
    figures = {label: value for label, value, _ in blocks_of(report, "ratings", KeyFigures)[0].figures}
    assert figures == {"Delivered": "3", "Evaluated": "1", "Average rating": "4.2 out of 5"}
    activities = table(report, "ratings", "Delivered activities, best rated first").rows
    assert [row[0] for row in activities] == [
        "Engineers in school",
        "Apprenticeships assembly",
        "Guidance meeting",
    ]
    assert activities[0][-2:] == (4.2, 12) and activities[1][-2:] == (None, 0)

    moved = rows_by_first(table(report, "movement", "Benchmark evidence before and after"))
    assert moved["5. Encounters with employers and employees"] == (
        1, "1 October 2026", "20 March 2026", 0, "20 November 2026", 100, 100,
    )  # fmt: skip
    assert moved["7. Encounters with further and higher education"][2:] == (
        "20 March 2026",
        None,
        "20 November 2026",
        None,
        None,
    )
    assert "6. Experiences of workplaces" not in moved  # nothing aimed at it was delivered


def test_every_report_says_how_current_it_is(runtime, world):
    for build in (ofsted_pack, governors_report, evaluation_report):
        document = build(runtime, world.school, now=NOW)
        assert document.as_of.startswith(
            "As of 1 December 2026 at 10:00:00: up to date with events applied by"
        )
        freshness = section(document, "freshness").blocks[0]
        assert [row[0] for row in freshness.rows][-1] == "Destinations"
        assert freshness.rows[-1][1] in {"DestinationIntended", "DestinationSustained"}


def test_the_destinations_report_and_year_13_leavers(runtime, world, destinations_log, deliver):
    learner = "8e2c7a52-3c1e-4b6f-9d55-0d7c1f7f3a10"
    destinations_log.recorded(
        world.school, learner, "higher_education_degree", leaving_point="16-18", leaving_cohort="2025/26"
    )
    destinations_log.judged(
        world.school,
        learner,
        True,
        "higher_education_degree",
        leaving_point="16-18",
        leaving_cohort="2025/26",
    )
    deliver(destinations_log)
    report = destinations_report(runtime, world.school, now=NOW)
    assert report.file_name("xlsx") == "destinations-riverside-academy.xlsx"
    assert [s.anchor for s in report.sections] == ["destinations", "destinations-16-18", "freshness"]
    year_13 = rows_by_first(
        table(report, "destinations-16-18", "Destinations of leavers at the end of Year 13")
    )
    assert year_13[national.GROUPS[national.OTHER_EDUCATION]] == (100,)  # no national shape after 16-18
    assert rows_by_first(table(report, "destinations-16-18", "Sustained"))["2025/26"][-1] == 100


def test_the_ofsted_pack_states_the_plans_written_objectives_as_they_now_stand(
    runtime, deliver, directory_log, planner_log
):
    school = directory_log.registered("Brookside School")
    first = {"objective_id": "o1", "text": "Every Year 10 meets an employer"}
    second = {"objective_id": "o2", "text": "Two provider encounters for every Year 8"}
    plan = planner_log.plan(school, objectives=[first])
    deliver(directory_log, planner_log)

    def written() -> list[str]:
        found = table(ofsted_pack(runtime, school, now=NOW), "intent", "The 2026/27 plan's objectives")
        return [text for _, text in found.rows]

    assert written() == [first["text"]]

    def changed(objectives):  # type: ignore[no-untyped-def]
        data = {"plan_id": plan, "institution_id": school, "objectives": objectives}
        return planner_log._plan_event("PlanObjectivesChanged", plan, data)

    earlier = changed([second])
    changed([first, second])
    deliver(planner_log)
    assert written() == [first["text"], second["text"]]

    # The earlier change applied again after the later one (a parked event retried, say)
    # changes nothing.
    with runtime.engine.begin() as conn:
        PLANNER.batch_handlers[earlier.type]([earlier], conn)
    assert written() == [first["text"], second["text"]]


def test_the_ofsted_pack_says_when_the_plan_has_no_written_objectives(runtime, world):
    written = table(ofsted_pack(runtime, world.school, now=NOW), "intent", "The 2026/27 plan's objectives")
    assert written.rows == () and "no written objectives" in written.empty


def _role(directory_log, name: str, account: str, institution_id: str, role: str = "careers_leader"):  # type: ignore[no-untyped-def]
    data = {"account_id": account, "role": role, "scope_type": "institution", "scope_id": institution_id}
    data |= {"granted_by": None} if name == "RoleGranted" else {"revoked_by": "admin"}
    return directory_log.append(name, data, stream_id=f"account-{account}", subject=institution_id)


def _item(checklist: Checklist, starts: str):  # type: ignore[no-untyped-def]
    return next(item for item in checklist.items if item.label.startswith(starts))


def test_the_checklists_know_whether_a_careers_leader_is_appointed(runtime, world, deliver, directory_log):
    def items():  # type: ignore[no-untyped-def]
        website = blocks_of(ofsted_pack(runtime, world.school, now=NOW), "checklist", Checklist)[0]
        governors = blocks_of(governors_report(runtime, world.school, now=NOW), "compliance", Checklist)[0]
        return _item(website, "The careers leader's name"), _item(governors, "Is a careers leader appointed")

    website, governors = items()
    assert (website.status, governors.status) == ("check", "check")
    assert "No one holds the careers leader role" in website.evidence

    account = str(uuid.uuid4())
    granted = _role(directory_log, "RoleGranted", account, world.school)
    _role(directory_log, "RoleGranted", str(uuid.uuid4()), world.school, role="governor")
    deliver(directory_log)
    website, governors = items()
    assert governors.status == "met" and "1 account holds the careers leader role" in governors.evidence
    assert website.status == "check" and "email address and a telephone number" in website.evidence

    _role(directory_log, "RoleRevoked", account, world.school)
    deliver(directory_log)
    assert items()[1].status == "check"
    # The grant applied again after its revocation (a parked event retried) changes nothing.
    with runtime.engine.begin() as conn:
        DIRECTORY.batch_handlers[granted.type]([granted], conn)
    assert items()[1].status == "check"


def test_the_governors_report_does_not_count_last_years_plan_as_this_terms(
    runtime, deliver, directory_log, planner_log
):
    school = directory_log.registered("Brookside School")
    planner_log.activity(planner_log.plan(school, "2025/26"), "employer_talk", benchmarks=(5,))
    deliver(directory_log, planner_log)
    progress = section(governors_report(runtime, school, now=NOW), "progress")
    assert [type(block) for block in progress.blocks] == [Paragraph]
    assert progress.blocks[0].text == "There is no careers plan for 2026/27 yet (the latest is 2025/26's)."
