"""Logging an activity's delivery with who took part, and correcting that later.

Learners are picked by directory's pseudonymous ids, or by form group or year group
(their learners on roll, from planner's copy of the roster); whole-cohort events are
counted per year group instead. Every id is checked against the roster with one
``IN`` query per 500: a learner the roster does not know, of another institution or not
on roll on the day it was delivered (on roll now, or left on or after that day) refuses
the whole command, and nothing is written. The rows go in with
one ``executemany`` each, and the event carries ids and counts only, never a name.

A correction is its own event (``ParticipationCorrected``), never an overwrite.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, delete, or_, select, update

from waymark_planner.adapters import roster
from waymark_planner.adapters.tables import activities, participation, participation_counts, roster_learners
from waymark_planner.domain.academic_year import AcademicYear
from waymark_planner.domain.activities import parse_date
from waymark_planner.domain.participation import (
    check_counts,
    check_learner_ids,
    check_meaningful,
    describe_learners,
    total,
)
from waymark_planner.domain.vocabulary import CANCELLED, DELIVERED, YEAR_GROUPS
from waymark_planner.service_layer.common import (
    activity_row,
    activity_stream,
    append,
    check_version,
    now_iso,
    plan_row,
    refuse,
    reported_at_current_version,
)
from waymark_shared.service import ServiceRuntime

Errors = dict[str, list[str]]


def log_activity(  # noqa: PLR0913 (the ways of saying who took part)
    runtime: ServiceRuntime,
    activity_id: str,
    delivered_on: date | str,
    *,
    learner_ids: Iterable[str] = (),
    form_groups: Iterable[str] = (),
    year_groups: Iterable[int] = (),
    counts: Iterable[Mapping[str, int]] | Mapping[int, int] | None = (),
    meaningful: Iterable[str] = (),
    notes: str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> int:
    """Record that a planned activity was delivered on ``delivered_on``, with who took
    part (``ActivityLogged``); its version."""
    stream = activity_stream(activity_id)
    with reported_at_current_version(runtime, stream), runtime.engine.begin() as conn:
        row = activity_row(conn, activity_id)
        check_version(stream, expected_version, row["version"])
        errors: Errors = {}
        if row["status"] == CANCELLED:
            errors["status"] = ["This activity was cancelled: it cannot be logged as delivered."]
        elif row["status"] == DELIVERED:
            errors["status"] = ["This activity is logged already: correct its participation instead."]
        year = AcademicYear(plan_row(conn, row["plan_id"])["academic_year"])
        day = _delivered_on(delivered_on, year, (now or datetime.now(UTC)).date(), errors)
        institution_id = row["institution_id"]
        named = check_learner_ids(learner_ids or (), errors)
        on_day = (day or date.max).isoformat() if "delivered_on" not in errors else date.max.isoformat()
        found = _of_institution(conn, institution_id, named, errors, "learner_ids", on_roll_on=on_day)
        found.update(_groups(conn, institution_id, form_groups or (), year_groups or (), errors))
        checked_counts = check_counts(counts or None, errors)
        delivered_meaningful = check_meaningful(meaningful or (), errors)
        notes = _notes(notes, errors)
        refuse(errors)
        ids = sorted(found)
        data = {
            "activity_id": activity_id,
            "institution_id": institution_id,
            "delivered_on": day.isoformat(),  # type: ignore[union-attr]
            "learner_ids": ids,
            "counts": checked_counts,
            "meaningful": delivered_meaningful,
            "notes": notes,
        }
        version = append(
            conn, runtime, stream, row["version"], [("ActivityLogged", data)], subject=institution_id
        )
        _add_learners(conn, activity_id, found)
        _write_counts(conn, activity_id, checked_counts)
        conn.execute(
            update(activities)
            .where(activities.c.activity_id == activity_id)
            .values(
                status=DELIVERED,
                delivered_on=data["delivered_on"],
                delivered_meaningful=delivered_meaningful,
                notes=notes,
                participant_count=total(ids, checked_counts),
                version=version,
                updated_at=now_iso(now),
            )
        )
        return version


def correct_participation(  # noqa: PLR0913
    runtime: ServiceRuntime,
    activity_id: str,
    *,
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
    counts: Iterable[Mapping[str, int]] | Mapping[int, int] | None = None,
    reason: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> int:
    """Correct who took part in a delivered activity: learners added (of the
    institution's roster) and removed, and the counts (None: as they were), with a
    reason (``ParticipationCorrected``); its version."""
    stream = activity_stream(activity_id)
    with reported_at_current_version(runtime, stream), runtime.engine.begin() as conn:
        row = activity_row(conn, activity_id)
        check_version(stream, expected_version, row["version"])
        errors: Errors = {}
        if row["status"] != DELIVERED:
            errors["status"] = ["Only a delivered activity's participation can be corrected."]
        institution_id = row["institution_id"]
        present = set(
            conn.execute(
                select(participation.c.learner_id).where(participation.c.activity_id == activity_id)
            ).scalars()
        )
        adding = check_learner_ids(add or (), errors, "add")
        already = [lid for lid in adding if lid in present]
        if already:
            errors.setdefault("add", []).append(
                describe_learners(len(already), "recorded as taking part already.")
            )
        # A learner added later may have left since: known to the roster and of the institution will do.
        found = _of_institution(
            conn, institution_id, [lid for lid in adding if lid not in present], errors, "add"
        )
        removing = check_learner_ids(remove or (), errors, "remove")
        absent = [lid for lid in removing if lid not in present]
        if absent:
            errors.setdefault("remove", []).append(
                describe_learners(len(absent), "not recorded as taking part.")
            )
        current_counts = _counts(conn, activity_id)
        new_counts = current_counts if counts is None else check_counts(counts, errors)
        reason = (reason or "").strip()
        if not reason:
            errors.setdefault("reason", []).append("Say why the participation is corrected.")
        elif len(reason) > 1000:
            errors.setdefault("reason", []).append("The reason must be 1,000 characters or fewer.")
        if not errors and not found and not removing and new_counts == current_counts:
            errors["add"] = ["Add or remove learners, or change the counts."]
        refuse(errors)
        data = {
            "activity_id": activity_id,
            "institution_id": institution_id,
            "added_learner_ids": sorted(found),
            "removed_learner_ids": sorted(removing),
            "counts": new_counts,
            "reason": reason,
        }
        name = "ParticipationCorrected"
        version = append(conn, runtime, stream, row["version"], [(name, data)], subject=institution_id)
        _add_learners(conn, activity_id, found)
        if removing:
            conn.execute(
                delete(participation).where(
                    participation.c.activity_id == activity_id, participation.c.learner_id.in_(removing)
                )
            )
        if new_counts != current_counts:
            conn.execute(
                delete(participation_counts).where(participation_counts.c.activity_id == activity_id)
            )
            _write_counts(conn, activity_id, new_counts)
        learners_now = len(present) + len(found) - len(removing)
        conn.execute(
            update(activities)
            .where(activities.c.activity_id == activity_id)
            .values(
                participant_count=learners_now + sum(item["count"] for item in new_counts),
                version=version,
                updated_at=now_iso(now),
            )
        )
        return version


def _delivered_on(value: date | str, year: AcademicYear, today: date, errors: Errors) -> date | None:
    try:
        day = parse_date(value)
    except ValueError:
        day = None
    if day is None:
        errors["delivered_on"] = ["Enter the date it was delivered, like 2026-10-14."]
    elif not year.contains(day):
        errors["delivered_on"] = [year.date_error()]
    elif day > today:
        errors["delivered_on"] = ["The date is in the future: log an activity once it has been delivered."]
    return day


def _notes(notes: str | None, errors: Errors) -> str | None:
    text = (notes or "").strip() or None
    if text is not None and len(text) > 5000:
        errors["notes"] = ["The notes must be 5,000 characters or fewer."]
    return text


def _of_institution(
    conn: Connection,
    institution_id: str,
    ids: list[str],
    errors: Errors,
    field: str,
    *,
    on_roll_on: str | None = None,
) -> dict[str, dict[str, Any]]:
    """The roster's rows of ``ids``; those it does not know, of another institution
    (or, with ``on_roll_on``, not on roll that day) are errors on ``field``."""
    rows = roster.learners(conn, ids)
    unknown = [lid for lid in ids if lid not in rows]
    if unknown:
        errors.setdefault(field, []).append(
            describe_learners(len(unknown), "not on the institution's roster.")
        )
    elsewhere = [lid for lid, row in rows.items() if row["institution_id"] != institution_id]
    if elsewhere:
        errors.setdefault(field, []).append(describe_learners(len(elsewhere), "at another institution."))
    if on_roll_on is not None:
        left = [
            lid
            for lid, row in rows.items()
            if row["institution_id"] == institution_id and not roster.on_roll_on(row, on_roll_on)
        ]
        if left:
            errors.setdefault(field, []).append(
                describe_learners(len(left), "not on roll on the day it was delivered (they had left).")
            )
    return rows


def _groups(
    conn: Connection,
    institution_id: str,
    form_groups: Iterable[str],
    year_groups: Iterable[int],
    errors: Errors,
) -> dict[str, dict[str, Any]]:
    """The learners on roll in ``form_groups`` and ``year_groups``: one query."""
    forms = sorted({str(form).strip() for form in form_groups if str(form).strip()})
    years: set[int] = set()
    for item in year_groups:
        try:
            year = int(item)
        except (TypeError, ValueError):
            year = -1
        if year not in YEAR_GROUPS:
            errors.setdefault("year_groups", []).append("Choose year groups from Year 7 to Year 14.")
        else:
            years.add(year)
    if not forms and not years:
        return {}
    t = roster_learners.c
    wanted = []
    if forms:
        wanted.append(t.form_group.in_(forms))
    if years:
        wanted.append(t.year_group.in_(sorted(years)))
    query = select(t.learner_id, t.year_group, t.form_group).where(
        t.institution_id == institution_id, t.on_roll, or_(*wanted)
    )
    found = {
        row.learner_id: {"year_group": row.year_group, "form_group": row.form_group}
        for row in conn.execute(query)
    }
    empty_forms = sorted(set(forms) - {row["form_group"] for row in found.values()})
    if empty_forms:
        errors.setdefault("form_groups", []).append(
            f"No learner on roll is in {', '.join(empty_forms)}: choose form groups from the roster."
        )
    empty_years = sorted(years - {row["year_group"] for row in found.values()})
    if empty_years:
        errors.setdefault("year_groups", []).append(
            f"No learner on roll is in {', '.join(f'Year {y}' for y in empty_years)}."
        )
    return found


def _add_learners(conn: Connection, activity_id: str, found: Mapping[str, Mapping[str, Any]]) -> None:
    if found:
        conn.execute(
            participation.insert(),
            [
                {
                    "activity_id": activity_id,
                    "learner_id": learner_id,
                    "year_group": row["year_group"],
                    "form_group": row["form_group"],
                }
                for learner_id, row in sorted(found.items())
            ],
        )


def _write_counts(conn: Connection, activity_id: str, counts: list[dict[str, int]]) -> None:
    if counts:
        conn.execute(participation_counts.insert(), [{"activity_id": activity_id, **item} for item in counts])


def _counts(conn: Connection, activity_id: str) -> list[dict[str, int]]:
    t = participation_counts.c
    query = select(t.year_group, t.count).where(t.activity_id == activity_id).order_by(t.year_group)
    return [{"year_group": row.year_group, "count": row.count} for row in conn.execute(query)]
