"""Audit's copy of institutions follows directory's events: the evaluation type follows
the institution type through updates; a closed institution is kept, marked closed."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select, text

from waymark_audit.adapters.institutions import SUBSCRIPTION, on_institution_updated
from waymark_audit.adapters.tables import institutions
from waymark_audit.service import DEFINITION
from waymark_shared.auth import Grant, Principal
from waymark_shared.auth.tokens import JwksKeySource, SigningKey, issue_token
from waymark_shared.db.migrations import alembic_config
from waymark_shared.db.tables import subscription_positions
from waymark_shared.messaging.subscriptions import SubscriptionRunner


def _rows(runtime) -> list[dict]:  # type: ignore[no-untyped-def]
    with runtime.engine.connect() as conn:
        query = select(institutions).order_by(institutions.c.institution_id)
        return [dict(row._mapping) for row in conn.execute(query)]


def _row(runtime, institution_id) -> dict:  # type: ignore[no-untyped-def]
    [row] = [r for r in _rows(runtime) if r["institution_id"] == institution_id]
    return row


def _as_admin(runtime):  # type: ignore[no-untyped-def]
    """Audit's test client with a platform administrator's token (reading needs one)."""
    key = SigningKey.generate()
    runtime.extras["token_keys"] = JwksKeySource(lambda: {"keys": [key.public_jwk()]})
    client = DEFINITION.create_app(runtime).test_client()
    token = issue_token(Principal("admin-1", grants=(Grant("admin", "platform"),)), key)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def _types(runtime, institution_id) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    row = _row(runtime, institution_id)
    return row["institution_type"], row["evaluation_type"]


def test_a_registration_takes_the_evaluation_type_of_its_institution_type(runtime, runner, directory_log):
    school = directory_log.registered("Riverside Academy", urn="990001")
    college = directory_log.registered("Aire College", institution_type="fe_college", ukprn="10012345")

    directory_log.deliver(runner)

    assert _types(runtime, school) == ("mainstream_secondary", "school")
    assert _types(runtime, college) == ("fe_college", "fe_itp")
    assert (_row(runtime, school)["status"], _row(runtime, school)["closed_on"]) == ("open", None)


def test_the_evaluation_type_follows_a_change_of_institution_type(runtime, runner, directory_log):
    riverside = directory_log.registered("Riverside Academy", urn="990001")
    directory_log.deliver(runner)

    directory_log.updated(riverside, institution_type="special_school")
    directory_log.deliver(runner)
    assert _types(runtime, riverside) == ("special_school", "specialist_setting")

    directory_log.updated(riverside, name="Riverside Sixth Form", institution_type="sixth_form_college")
    directory_log.deliver(runner)
    assert _types(runtime, riverside) == ("sixth_form_college", "fe_itp")


def test_an_update_without_a_new_type_leaves_the_evaluation_type(runtime, runner, directory_log):
    riverside = directory_log.registered(
        "Riverside Academy", institution_type="alternative_provision", urn="990001"
    )
    directory_log.updated(riverside, name="Riverside Centre", trust="Aire Valley Learning Trust")

    directory_log.deliver(runner)

    assert _types(runtime, riverside) == ("alternative_provision", "specialist_setting")
    assert _row(runtime, riverside)["stream_version"] == 2


def test_a_closed_institution_is_kept_and_marked_closed(runtime, runner, directory_log):
    riverside = directory_log.registered("Riverside Academy", institution_type="special_school", urn="990001")
    directory_log.closed(riverside, closed_on="2026-08-31", reason="Merged")

    directory_log.deliver(runner)

    row = _row(runtime, riverside)
    assert (row["status"], row["closed_on"]) == ("closed", "2026-08-31")
    assert (row["institution_type"], row["evaluation_type"]) == ("special_school", "specialist_setting")
    shown = _as_admin(runtime).get(f"/api/institutions/{riverside}/evaluation-type")
    assert shown.status_code == 200
    assert shown.json == {
        "institution_id": riverside,
        "institution_type": "special_school",
        "evaluation_type": "specialist_setting",
        "status": "closed",
        "closed_on": "2026-08-31",
        "chosen": False,
        "reason": None,
        "type_evaluation_type": "specialist_setting",
        "version": 0,
    }


def test_an_institution_audit_has_not_heard_of_is_not_found(runtime):
    shown = _as_admin(runtime).get("/api/institutions/00000000-0000-4000-8000-000000000000/evaluation-type")
    assert shown.status_code == 404


def test_redelivery_and_earlier_events_again_change_nothing(runtime, runner, directory_log):
    riverside = directory_log.registered("Riverside Academy", urn="990001")
    to_special = directory_log.updated(riverside, institution_type="special_school")
    directory_log.updated(riverside, institution_type="fe_college")
    directory_log.closed(riverside)
    directory_log.deliver(runner)
    after = _rows(runtime)

    again = directory_log.deliver(runner)
    on_a_partition = directory_log.deliver(runner, partition=4)
    with runtime.engine.begin() as conn:  # past the checkpoint: a parked event retried, say
        on_institution_updated(to_special, conn)

    assert (again.applied, on_a_partition.applied) == (0, 0)
    assert _rows(runtime) == after
    assert (after[0]["evaluation_type"], after[0]["status"]) == ("fe_itp", "closed")


def test_a_change_to_an_institution_audit_has_not_heard_of_is_parked(runtime, runner, directory_log):
    riverside = directory_log.registered("Riverside Academy", urn="990001")
    update = directory_log.updated(riverside, institution_type="special_school")

    result = directory_log.deliver(runner, [update])

    assert result.parked == 1
    [parked] = runner.parked.list()
    assert "has not heard of" in parked.error
    assert _rows(runtime) == []


def test_a_replay_empties_and_rebuilds_the_same_rows(runtime, runner, directory_log):
    riverside = directory_log.registered("Riverside Academy", urn="990001")
    hillcrest = directory_log.registered("Hillcrest School", urn="990002")
    directory_log.updated(riverside, institution_type="special_school")
    directory_log.closed(hillcrest)
    directory_log.deliver(runner)
    before = _rows(runtime)

    runner.reset()
    assert _rows(runtime) == []
    directory_log.deliver(runner)

    assert _rows(runtime) == before
    assert len(before) == 2


def test_upgrading_from_the_first_revision_rebuilds_the_institutions(runtime, directory_log):
    engine = runtime.engine
    command.downgrade(alembic_config(engine, DEFINITION.migrations, DEFINITION.metadata), "audit_0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO institutions (institution_id, institution_type, evaluation_type)"
                " VALUES ('i-1', 'mainstream_secondary', 'school')"
            )
        )
        conn.execute(
            subscription_positions.insert().values(
                subscription="audit",
                source="directory",
                partition=-1,
                commit_id=0,
                position=7,
                updated_at="2026-12-01T09:00:00Z",
            )
        )

    runtime.migrate()

    with engine.connect() as conn:
        assert conn.execute(select(institutions)).all() == []
        assert conn.execute(select(subscription_positions)).all() == []
    riverside = directory_log.registered("Riverside Academy", urn="990001")
    directory_log.deliver(SubscriptionRunner(SUBSCRIPTION, engine))
    assert _types(runtime, riverside) == ("mainstream_secondary", "school")
