"""Roster imports on SQLite and PostgreSQL: enrol, update, end-date, erase, and no pupil
data in events or logs."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from sqlalchemy import func, select

from waymark_directory.adapters.roster_tables import learner_personal_data, learners, roster_imports
from waymark_directory.domain.commands import RegisterInstitution
from waymark_directory.domain.learner_events import LEARNER_EVENTS
from waymark_directory.domain.learners import EraseLearnerPersonalData, ImportRoster, fold
from waymark_directory.roster_demo import roster_csv, roster_rows
from waymark_directory.service_layer.handlers import register_institution
from waymark_directory.service_layer.roster import (
    NoSuchInstitution,
    NoSuchLearner,
    erase_personal_data,
    import_roster,
    learner_stream,
)
from waymark_shared.db.tables import events as events_table
from waymark_shared.events.context import message_context
from waymark_shared.events.mapping import event_classes, to_domain
from waymark_shared.eventstore.store import ConcurrencyError

TODAY = date(2026, 12, 1)
CLASSES = event_classes(*LEARNER_EVENTS)
UPN_COL, SURNAME, FORENAME, DOB, YEAR, FORM, SEN, FSM, LEFT = 0, 1, 2, 5, 6, 7, 8, 9, 10


@pytest.fixture
def school(runtime) -> str:  # type: ignore[no-untyped-def]
    return register_institution(
        RegisterInstitution("Test Academy", "mainstream_secondary", urn="990101"), runtime
    ).institution_id


def rows(count: int = 30, seed: int = 7) -> list[list[str]]:
    return roster_rows(count, seed=seed, today=TODAY)


def run(runtime, school, data, **options):  # type: ignore[no-untyped-def]
    content = data if isinstance(data, bytes) else roster_csv(data)
    with message_context(actor="account-1"):
        return import_roster(
            ImportRoster(school, content, actor="account-1", **options), runtime, today=TODAY
        )


def event_count(runtime) -> int:  # type: ignore[no-untyped-def]
    with runtime.engine.connect() as conn:
        query = select(func.count()).where(events_table.c.stream_id.like("learner-%"))
        return conn.execute(query).scalar_one()


def learner_rows(runtime) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    with runtime.engine.connect() as conn:
        return {r.learner_id: dict(r._mapping) for r in conn.execute(select(learners))}


def personal_rows(runtime) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    with runtime.engine.connect() as conn:
        return {r.upn: dict(r._mapping) for r in conn.execute(select(learner_personal_data))}


def stored_events(runtime) -> list:  # type: ignore[no-untyped-def]
    return [to_domain(e, CLASSES) for e in runtime.store.read_all(limit=100_000, validate=True)
            if e.name in CLASSES]  # fmt: skip


def test_an_import_enrols_every_learner_with_a_random_pseudonymous_id(runtime, school):
    data = rows()
    result = run(runtime, school, data)
    assert (result.status, result.enrolled, result.events, result.rows_total) == ("imported", 30, 30, 30)
    people = personal_rows(runtime)
    assert set(people) == {r[UPN_COL] for r in data}
    ids = {p["learner_id"] for p in people.values()}
    assert ids == set(learner_rows(runtime))
    assert all(len(i) == 36 and i[14] == "4" for i in ids)  # uuid4
    enrolled = stored_events(runtime)
    assert {type(e).__name__ for e in enrolled} == {"LearnerEnrolled"}
    first = next(r for r in data if r[YEAR] == "9")
    event = next(e for e in enrolled if e.learner_id == people[first[UPN_COL]]["learner_id"])
    assert (event.year_group, event.cohort, event.form_group) == (9, "2028/29", first[FORM])
    assert (event.sen_status, event.disadvantaged, event.institution_id) == (
        first[SEN],
        first[FSM] == "Y",
        school,
    )
    recorded = runtime.store.read_stream(learner_stream(event.learner_id))
    assert recorded[0].subject == school and recorded[0].actor == "account-1"


def test_no_name_upn_or_date_of_birth_appears_in_any_stored_event(runtime, school):
    data = rows(40)
    run(runtime, school, data)
    changed = [list(r) for r in data[:20]]
    for r in changed:
        r[YEAR] = str(int(r[YEAR]) + 1) if r[YEAR] != "11" else r[YEAR]
    run(runtime, school, changed)
    some = next(iter(personal_rows(runtime).values()))
    erase_personal_data(EraseLearnerPersonalData(school, some["learner_id"]), runtime)
    with runtime.engine.connect() as conn:
        payloads = [row.data for row in conn.execute(select(events_table.c.data))]
    assert len(payloads) > 40
    text = "\n".join(payloads)
    for r in data:
        born = date(int(r[DOB][6:]), int(r[DOB][3:5]), int(r[DOB][:2]))
        for secret in (r[UPN_COL], r[SURNAME], r[FORENAME], born.isoformat(), r[DOB]):
            assert f'"{secret}"' not in text and f":{secret}" not in text, secret
        assert r[UPN_COL] not in text and born.isoformat() not in text


def test_reimporting_the_same_file_changes_nothing(runtime, school):
    data = roster_csv(rows())
    run(runtime, school, data)
    before = (event_count(runtime), learner_rows(runtime), personal_rows(runtime))
    again = run(runtime, school, data)
    assert (again.status, again.events, again.unchanged, again.enrolled, again.updated) == (
        "no_changes",
        0,
        30,
        0,
        0,
    )
    assert (event_count(runtime), learner_rows(runtime), personal_rows(runtime)) == before
    # The same content in another file (other column order, spellings) is still no change.
    reordered = "Forename,Surname,UPN,DOB,Year,Reg,SEN,FSM\n" + "\n".join(
        f"{r[FORENAME]},{r[SURNAME]},{r[UPN_COL].lower()},{r[DOB]},Year {r[YEAR]},{r[FORM]},{r[SEN]},{r[FSM]}"
        for r in rows()
    )
    assert run(runtime, school, reordered.encode()).events == 0


def test_changed_attributes_are_one_learner_updated_and_name_changes_no_event(runtime, school):
    data = rows()
    run(runtime, school, data)
    changed = [list(r) for r in data]
    changed[0][FORM], changed[0][SEN] = "ZZ", "E"
    changed[1][SURNAME] = "Newname"
    result = run(runtime, school, changed)
    assert (result.updated, result.events, result.unchanged) == (2, 1, 28)
    (update,) = [e for e in stored_events(runtime) if type(e).__name__ == "LearnerUpdated"]
    assert (update.form_group, update.sen_status) == ("ZZ", "E")
    assert personal_rows(runtime)[changed[1][UPN_COL]]["legal_surname"] == "Newname"


def test_a_full_import_end_dates_learners_missing_from_it_and_keeps_them(runtime, school):
    data = rows()
    run(runtime, school, data)
    gone = data[3][UPN_COL]
    result = run(runtime, school, data[:3] + data[4:])
    assert (result.left, result.events) == (1, 1)
    (left,) = [e for e in stored_events(runtime) if type(e).__name__ == "LearnerLeft"]
    assert (left.leaving_date, left.reason) == (TODAY.isoformat(), "missing_from_full_import")
    learner_id = personal_rows(runtime)[gone]["learner_id"]
    row = learner_rows(runtime)[learner_id]
    assert (row["on_roll"], row["leaving_date"], row["version"]) == (False, TODAY, 2)
    assert run(runtime, school, data[:3] + data[4:]).events == 0  # already left: nothing more
    # Back on the roll: enrolled again, same pseudonymous id.
    back = run(runtime, school, data)
    assert back.events == 1 and learner_rows(runtime)[learner_id]["on_roll"] is True
    assert type(stored_events(runtime)[-1]).__name__ == "LearnerEnrolled"


def test_a_partial_import_adds_and_updates_only(runtime, school):
    run(runtime, school, rows())
    extra = roster_rows(5, seed=99, today=TODAY, establishment="9002")
    result = run(runtime, school, extra, mode="partial")
    assert (result.enrolled, result.left) == (5, 0)
    assert sum(r["on_roll"] for r in learner_rows(runtime).values()) == 35


def test_a_leaving_date_in_the_file_is_the_learners_leaving_date(runtime, school):
    data = rows()
    run(runtime, school, data)
    data[0][LEFT] = "20/07/2026"
    result = run(runtime, school, data)
    assert (result.left, result.events) == (1, 1)
    event = stored_events(runtime)[-1]
    assert (event.leaving_date, event.reason) == ("2026-07-20", "leaving_date_in_import")
    new = roster_rows(1, seed=5, today=TODAY, establishment="9003")
    new[0][LEFT] = "2026-07-20"
    assert run(runtime, school, new, mode="partial").events == 2  # enrolled, then left


def test_a_file_with_errors_imports_nothing_unless_asked(runtime, school):
    data = rows()
    data[4][UPN_COL] = "A123"
    data[9][YEAR] = "6"
    result = run(runtime, school, data)
    assert (result.status, result.rows_invalid, result.rows_valid, result.events) == ("rejected", 2, 28, 0)
    assert [(e.row, e.column) for e in result.errors] == [(6, "UPN"), (11, "Year Group")]
    assert event_count(runtime) == 0 and learner_rows(runtime) == {}
    chosen = run(runtime, school, data, import_valid_rows=True)
    assert (chosen.status, chosen.enrolled, chosen.rows_invalid) == ("imported", 28, 2)
    with runtime.engine.connect() as conn:
        history = conn.execute(select(roster_imports).order_by(roster_imports.c.imported_at)).all()
    assert [h.status for h in history] == ["rejected", "imported"]
    assert history[0].actor == "account-1" and len(history[0].file_sha256) == 64
    assert "A123" not in history[0].errors and '"row": 6' in history[0].errors


def test_a_full_import_of_valid_rows_never_end_dates_a_learner_whose_row_is_invalid(runtime, school):
    data = rows()
    run(runtime, school, data)
    data[2][DOB] = "not a date"
    result = run(runtime, school, data, import_valid_rows=True)
    assert (result.left, result.events, result.rows_invalid) == (0, 0, 1)


def test_an_import_is_one_transaction(runtime, school):
    data = rows()
    run(runtime, school, data)
    # Another writer moves one learner's stream on: the import's append for it is stale.
    victim = personal_rows(runtime)[data[-1][UPN_COL]]["learner_id"]
    with runtime.engine.begin() as conn:
        from waymark_directory.domain.learners import erase
        from waymark_directory.service_layer.roster import _append, _known_learners

        (learner,) = _known_learners(conn, school, victim)
        _append(conn, runtime, school, [erase(learner)])
    before = (event_count(runtime), learner_rows(runtime), personal_rows(runtime))
    changed = [list(r) for r in data]
    for r in changed:
        r[SURNAME], r[FORM] = r[SURNAME] + "x", "NEW"
    changed.append(roster_rows(1, seed=3, today=TODAY, establishment="9004")[0])
    with pytest.raises(ConcurrencyError):
        run(runtime, school, changed)
    assert (event_count(runtime), learner_rows(runtime), personal_rows(runtime)) == before
    with runtime.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(roster_imports)).scalar_one() == 1


def test_an_unknown_institution_is_refused(runtime):
    with pytest.raises(NoSuchInstitution):
        run(runtime, "00000000-0000-4000-8000-000000000000", rows(2))


def test_erasure_removes_personal_data_and_keeps_a_valid_history(runtime, school):
    data = rows()
    run(runtime, school, data)
    upn = data[0][UPN_COL]
    learner_id = personal_rows(runtime)[upn]["learner_id"]
    assert erase_personal_data(EraseLearnerPersonalData(school, learner_id), runtime) is True
    assert upn not in personal_rows(runtime) and learner_id in learner_rows(runtime)
    assert erase_personal_data(EraseLearnerPersonalData(school, learner_id), runtime) is False
    history = runtime.store.read_stream(learner_stream(learner_id))
    assert [e.name for e in history] == ["LearnerEnrolled", "LearnerPersonalDataErased"]
    assert set(history[1].data) == {"learner_id", "institution_id"}
    # Every learner event still reads, validates and rebuilds the learners table.
    folded = fold(stored_events(runtime))
    table = learner_rows(runtime)
    assert set(folded) == set(table)
    for lid, state in folded.items():
        for name in ("year_group", "cohort", "form_group", "sen_status", "disadvantaged", "on_roll"):
            assert state[name] == table[lid][name], (lid, name)
    assert folded[learner_id]["erased"] is True
    assert table[learner_id]["version"] == 2
    # The UPN no longer leads to the learner: a full import treats it as someone new.
    result = run(runtime, school, data)
    assert (result.enrolled, result.left) == (1, 1)


def test_erasing_an_unknown_or_another_institutions_learner_is_refused(runtime, school):
    run(runtime, school, rows(3))
    other = register_institution(
        RegisterInstitution("Other School", "mainstream_secondary", urn="990102"), runtime
    )
    learner_id = next(iter(learner_rows(runtime)))
    with pytest.raises(NoSuchLearner):
        erase_personal_data(EraseLearnerPersonalData(other.institution_id, learner_id), runtime)


def test_no_pupil_data_in_log_lines(runtime, school, caplog):
    caplog.set_level(logging.DEBUG)
    data = rows(10)
    bad = [list(r) for r in data]
    bad[0][DOB] = "99/99/9999"
    run(runtime, school, bad)
    run(runtime, school, data)
    learner_id = next(iter(personal_rows(runtime).values()))["learner_id"]
    erase_personal_data(EraseLearnerPersonalData(school, learner_id), runtime)
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "roster import" in logged
    for r in data:
        for secret in (r[UPN_COL], r[SURNAME], r[FORENAME], r[DOB]):
            assert secret not in logged, secret


def test_demo_rosters_are_valid_and_seed_each_institution(runtime, school):
    from waymark_directory.domain.upn import is_valid_upn
    from waymark_directory.roster_demo import seed_demo_roster

    other = register_institution(
        RegisterInstitution("Demo Two", "mainstream_secondary", urn="990103"), runtime
    )
    seed_demo_roster(runtime, [school, other.institution_id], per_institution=50)
    people = personal_rows(runtime)
    assert len(people) == 100 and all(is_valid_upn(upn) for upn in people)
    with runtime.engine.connect() as conn:
        counts = dict(
            conn.execute(
                select(learners.c.institution_id, func.count()).group_by(learners.c.institution_id)
            ).all()
        )
    assert counts == {school: 50, other.institution_id: 50}
    seed_demo_roster(runtime, [school, other.institution_id], per_institution=50)  # again: no change
    assert event_count(runtime) == 100
