"""A database error never carries the statement's values: the 500 handler logs the
exception, and the values may be a pupil's UPN, name or date of birth."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from waymark_directory.adapters.roster_tables import learner_personal_data

UPN = "A123456789012"


def _row(learner_id: str) -> dict[str, object]:
    from datetime import date

    return {"learner_id": learner_id, "institution_id": "i", "upn": UPN, "legal_surname": "Zebedee-Quill",
            "legal_forename": "Tallulah", "preferred_surname": "Zebedee-Quill", "preferred_forename": "Lula",
            "date_of_birth": date(2011, 3, 4)}  # fmt: skip


def test_an_integrity_error_does_not_quote_the_values(runtime):
    with runtime.engine.begin() as conn:
        conn.execute(insert(learner_personal_data).values(**_row("one")))
    with pytest.raises(IntegrityError) as raised, runtime.engine.begin() as conn:
        conn.execute(insert(learner_personal_data).values(**_row("two")))
    text = str(raised.value)
    assert "Zebedee" not in text and "Tallulah" not in text and "2011" not in text


def test_an_unexpected_database_error_logs_no_values(app, runtime, caplog):
    @app.get("/boom-for-test")
    def boom():  # type: ignore[no-untyped-def]
        with runtime.engine.begin() as conn:
            conn.execute(insert(learner_personal_data).values(**_row("one")))
            conn.execute(insert(learner_personal_data).values(**_row("one")))

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/boom-for-test")
    assert response.status_code == 500
    logged = "\n".join(
        record.getMessage() + (str(record.exc_info[1]) if record.exc_info else "")
        for record in caplog.records
    )
    assert "unhandled IntegrityError" in logged
    assert "Tallulah" not in logged and "Zebedee" not in logged
