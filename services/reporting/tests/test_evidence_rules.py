"""The pupil-level evidence rules (BM5 to BM8) and Provider Access Legislation
compliance, on plain data: no database. Today is 1 December 2026 (academic year
2026/27) unless a test says otherwise."""

from __future__ import annotations

from datetime import date

from waymark_reporting.domain import evidence as ev
from waymark_reporting.domain import provider_access as pal
from waymark_reporting.domain.calendar import year_group_on
from waymark_reporting.domain.evidence import Encounter, Learner

TODAY = date(2026, 12, 1)
YEAR_9 = "2028/29"  # in Year 11 in 2028/29: Year 9 now
YEAR_10 = "2027/28"
YEAR_12 = "2025/26"


def _met(learner: Learner, *encounters: Encounter, today: date = TODAY) -> dict[str, bool]:
    return ev.learner_evidence(learner, encounters, today).met


def _at(learner: Learner, kind: str, day: str, *, pal_flag: bool = False, activity: str | None = None):  # type: ignore[no-untyped-def]
    return Encounter(learner.learner_id, activity or f"{kind}-{day}", kind, date.fromisoformat(day), pal_flag)


def test_the_year_group_on_a_day_follows_from_the_cohort():
    assert year_group_on(YEAR_9, TODAY) == 9
    assert year_group_on(YEAR_9, date(2026, 8, 31)) == 8
    assert year_group_on(YEAR_12, date(2026, 9, 1)) == 12


def test_an_employer_encounter_counts_for_bm5_only_in_this_academic_year():
    learner = Learner("l1", 9, YEAR_9)
    assert _met(learner, _at(learner, "employer_talk", "2026-09-15"))[ev.EMPLOYER_THIS_YEAR]
    assert not _met(learner, _at(learner, "employer_talk", "2026-07-15"))[ev.EMPLOYER_THIS_YEAR]
    for kind in ("careers_fair", "mentoring", "enterprise_challenge", "work_experience", "workplace_visit"):
        assert _met(learner, _at(learner, kind, "2026-10-01"))[ev.EMPLOYER_THIS_YEAR], kind
    for kind in ("he_visit", "guidance_meeting", "curriculum_lesson", "lmi_session"):
        assert not _met(learner, _at(learner, kind, "2026-10-01"))[ev.EMPLOYER_THIS_YEAR], kind


def test_workplace_experiences_count_by_16_up_to_the_end_of_year_11_and_by_18_after():
    sixth_former = Learner("l1", 12, YEAR_12)  # Year 11 was 2025/26
    in_year_11 = _at(sixth_former, "work_experience", "2026-07-01")
    in_year_12 = _at(sixth_former, "workplace_visit", "2026-11-01")

    only_11 = _met(sixth_former, in_year_11)
    assert (only_11[ev.WORKPLACE_BY_16], only_11[ev.WORKPLACE_BY_18]) == (True, False)
    only_12 = _met(sixth_former, in_year_12)
    assert (only_12[ev.WORKPLACE_BY_16], only_12[ev.WORKPLACE_BY_18]) == (False, True)
    assert not _met(sixth_former, _at(sixth_former, "employer_talk", "2026-07-01"))[ev.WORKPLACE_BY_16]


def test_by_18_measures_apply_only_from_year_12():
    assert ev.WORKPLACE_BY_18 not in _met(Learner("l1", 10, YEAR_10))
    assert ev.GUIDANCE_BY_18 in _met(Learner("l2", 12, YEAR_12))


def test_the_full_range_of_providers_by_16_needs_fe_he_and_technical():
    learner = Learner("l1", 10, YEAR_10)
    fe, he = _at(learner, "fe_visit", "2026-10-01"), _at(learner, "he_visit", "2026-10-02")
    technical = _at(learner, "provider_encounter", "2026-10-03")
    pal_talk = _at(learner, "employer_talk", "2026-10-04", pal_flag=True)  # a PAL encounter: technical

    assert not _met(learner)[ev.PROVIDER_BY_16]
    assert _met(learner, he)[ev.PROVIDER_BY_16]
    assert not _met(learner, fe, he)[ev.PROVIDERS_BY_16]
    assert _met(learner, fe, he, technical)[ev.PROVIDERS_BY_16]
    met = _met(learner, fe, he, pal_talk)
    assert met[ev.PROVIDERS_BY_16] and met[ev.TECHNICAL_BY_16]


def test_guidance_by_16_and_a_further_meeting_by_18():
    learner = Learner("l1", 12, YEAR_12)
    met = _met(learner, _at(learner, "guidance_meeting", "2026-03-01"))
    assert (met[ev.GUIDANCE_BY_16], met[ev.GUIDANCE_BY_18]) == (True, False)
    met = _met(
        learner,
        _at(learner, "guidance_meeting", "2026-03-01"),
        _at(learner, "guidance_meeting", "2026-10-01"),
    )
    assert (met[ev.GUIDANCE_BY_16], met[ev.GUIDANCE_BY_18]) == (True, True)


def test_shares_per_year_group_and_the_worklist():
    learners = [Learner(f"y9-{i}", 9, YEAR_9, "9A" if i < 2 else "9B") for i in range(4)]
    learners.append(Learner("y12-0", 12, YEAR_12, "12X"))
    encounters = [
        _at(learners[0], "employer_talk", "2026-10-01"),
        _at(learners[1], "guidance_meeting", "2026-10-01"),
        _at(learners[2], "employer_talk", "2025-10-01"),  # last year only: meets nothing now
        _at(learners[4], "lmi_session", "2026-10-01"),  # not evidence of any measure
    ]
    evidence = ev.evidence_of(learners, encounters, TODAY)

    rows = {row.group: row for row in ev.by_year_group(evidence)}

    assert rows[9].learners == 4
    assert rows[9].shares[ev.EMPLOYER_THIS_YEAR] == ev.Share(4, 1)
    assert rows[9].shares[ev.EMPLOYER_THIS_YEAR].percentage == 25
    assert rows[9].shares[ev.GUIDANCE_BY_16] == ev.Share(4, 1)
    assert rows[9].shares[ev.WORKPLACE_BY_18] is None  # does not apply in Year 9
    assert rows[12].shares[ev.WORKPLACE_BY_18] == ev.Share(1, 0)
    assert (rows[9].with_none, rows[12].with_none) == (2, 1)
    assert [learner.learner_id for learner in ev.worklist(evidence)] == ["y9-2", "y9-3", "y12-0"]
    assert [row.group for row in ev.by_cohort(evidence)] == [YEAR_12, YEAR_9]


def test_pal_phase_dates_come_from_the_cohort():
    first, second, third = pal.phases(YEAR_9)
    assert (first.opens, first.deadline) == (date(2025, 9, 1), date(2027, 2, 28))
    assert (second.opens, second.deadline) == (date(2027, 9, 1), date(2029, 2, 28))
    assert (third.opens, third.deadline, third.mandatory) == (date(2029, 9, 1), date(2031, 8, 31), False)


def test_pal_needs_two_attended_encounters_in_the_window():
    learner = Learner("l1", 9, YEAR_9)
    in_year_8 = _at(learner, "provider_encounter", "2026-03-01", pal_flag=True)
    not_pal = _at(learner, "provider_encounter", "2026-10-01")
    too_early = _at(learner, "provider_encounter", "2025-06-01", pal_flag=True)  # Year 7

    one = pal.learner_compliance(learner, [in_year_8, not_pal, too_early], [], TODAY).phase(pal.FIRST)
    assert (one.encounters, one.status, one.still_needed) == (1, pal.DUE, 1)
    again = _at(learner, "provider_encounter", "2027-02-28", pal_flag=True)  # the last day of the window
    both = pal.learner_compliance(learner, [in_year_8, again], [], date(2027, 3, 1))
    assert both.phase(pal.FIRST).status == pal.MET
    assert both.phase(pal.SECOND).status == pal.NOT_OPEN


def test_a_pal_phase_not_met_by_its_deadline_is_missed():
    learner = Learner("l1", 10, YEAR_10)  # first phase closed on 28 February 2026
    compliance = pal.learner_compliance(learner, [_at(learner, "x", "2025-10-01", pal_flag=True)], [], TODAY)
    assert (compliance.phase(pal.FIRST).status, compliance.phase(pal.FIRST).encounters) == (pal.MISSED, 1)
    assert (compliance.phase(pal.SECOND).status, compliance.phase(pal.SECOND).still_needed) == (pal.DUE, 2)


def test_the_third_phase_counts_encounters_offered_to_the_year_group():
    learner = Learner("l1", 12, YEAR_12)
    offered = [
        pal.OfferedEncounter("a1", date(2026, 10, 1), frozenset({12})),
        pal.OfferedEncounter("a2", date(2026, 10, 2), frozenset({13})),  # for the year above
        pal.OfferedEncounter("a3", date(2026, 10, 3), frozenset({12, 13})),
    ]
    third = pal.learner_compliance(learner, [], offered, TODAY).phase(pal.THIRD)
    assert (third.encounters, third.status) == (2, pal.MET)


def test_cohort_summary_counts_what_is_still_needed_and_by_when():
    learners = [Learner(f"l{i}", 9, YEAR_9) for i in range(4)]
    attended = [
        _at(learners[0], "x", "2026-10-01", pal_flag=True, activity="a"),
        _at(learners[0], "x", "2026-11-01", pal_flag=True, activity="b"),
        _at(learners[1], "x", "2026-10-01", pal_flag=True, activity="a"),
    ]
    compliance = pal.compliance_of(learners, attended, [], TODAY)

    [cohort] = pal.by_cohort(compliance, TODAY)

    first = cohort.phases[0]
    assert (cohort.cohort, cohort.year_group, cohort.learners) == (YEAR_9, 9, 4)
    assert (first.met, first.needs_one, first.needs_two, first.missed, first.status) == (1, 1, 2, 0, "open")
    assert first.still_needing == 3 and first.phase.deadline == date(2027, 2, 28)
    assert (cohort.phases[1].status, cohort.phases[1].not_open) == ("not_open", 4)
