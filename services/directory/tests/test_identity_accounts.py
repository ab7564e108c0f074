"""Accounts and roles: the first careers leader administers, later staff are approved,
invitations arrive by email, and nothing personal reaches the events."""

from __future__ import annotations

import json
from email import message_from_bytes

import pytest
from sqlalchemy import select

from waymark_directory.adapters.identity_tables import accounts
from waymark_directory.domain.accounts import IdentityError
from waymark_directory.domain.commands import RegisterInstitution
from waymark_directory.service_layer import invitations, staff
from waymark_directory.service_layer.handlers import register_institution
from waymark_shared.auth import ADMIN, CAREERS_LEADER, Grant

PASSWORD = "a long enough passphrase"


@pytest.fixture
def institution_id(runtime) -> str:  # type: ignore[no-untyped-def]
    command = RegisterInstitution(
        "Riverside Academy", "mainstream_secondary", urn="990101", postcode="LS9 8AB"
    )
    return register_institution(command, runtime).institution_id


def register(client, institution_id, email, role="careers_leader"):  # type: ignore[no-untyped-def]
    body = {
        "email": email,
        "name": email.split("@")[0].title(),
        "password": PASSWORD,
        "role": role,
        "scope_id": institution_id,
    }
    return client.post("/api/accounts", json=body)


def test_the_first_careers_leader_becomes_administrator_and_later_staff_wait(client, runtime, institution_id):
    first = register(client, institution_id, "ada@riverside.example")
    assert first.status_code == 201
    assert first.json["granted"] is True and first.json["administrator"] is True
    second = register(client, institution_id, "bob@riverside.example")
    assert second.status_code == 201
    assert second.json["granted"] is False
    with runtime.engine.connect() as conn:
        emails = conn.execute(select(accounts.c.email).order_by(accounts.c.email)).scalars().all()
    assert emails == ["ada@riverside.example", "bob@riverside.example"]


def test_the_administrator_approves_a_request_and_the_role_takes_effect(
    client, runtime, institution_id, sign_in_as
):
    first = register(client, institution_id, "ada@riverside.example")
    register(client, institution_id, "gus@riverside.example", role="governor")
    from waymark_directory.service_layer.signing_in import principal_for
    from waymark_directory.testing import token_for

    administrator = principal_for(runtime, first.json["account_id"])
    headers = {"Authorization": f"Bearer {token_for(runtime, administrator)}"}
    listed = client.get(f"/api/institutions/{institution_id}/staff", headers=headers)
    assert listed.status_code == 200
    [request] = listed.json["pending"]
    assert request["role"] == "governor" and request["email"] == "gus@riverside.example"

    assert client.post(f"/api/role-requests/{request['request_id']}/approve").status_code == 401
    assert (
        client.post(f"/api/role-requests/{request['request_id']}/approve", headers=headers).status_code == 204
    )
    staff_now = client.get(f"/api/institutions/{institution_id}/staff", headers=headers).json
    assert staff_now["pending"] == []
    assert {tuple(p["roles"]) for p in staff_now["staff"]} == {("careers_leader",), ("governor",)}


def test_a_careers_leader_who_is_not_the_administrator_cannot_approve(
    client, runtime, institution_id, bearer_for
):
    register(client, institution_id, "ada@riverside.example")
    register(client, institution_id, "gus@riverside.example", role="governor")
    # Granted directly, but the institution already has its administrator.
    other_leader = bearer_for(Grant(CAREERS_LEADER, "institution", institution_id))
    request_id = client.get(f"/api/institutions/{institution_id}/staff", headers=other_leader).json[
        "pending"
    ][0]["request_id"]
    refused = client.post(f"/api/role-requests/{request_id}/approve", headers=other_leader)
    assert refused.status_code == 404
    assert (
        client.post(
            f"/api/role-requests/{request_id}/approve", headers=bearer_for(Grant(ADMIN, "platform"))
        ).status_code
        == 204
    )


def test_role_events_name_accounts_only(client, runtime, institution_id):
    register(client, institution_id, "ada@riverside.example")
    register(client, institution_id, "bob@riverside.example")
    stored = [json.dumps(event.data) for event in runtime.store.read_all()]
    assert any("RoleGranted" in e.type for e in runtime.store.read_all())
    assert not any("riverside.example" in data or "Ada" in data or PASSWORD in data for data in stored)


def test_an_invitation_is_written_to_the_outbox_and_accepting_it_grants_the_role(
    client, runtime, institution_id, bearer_for
):
    administrator = bearer_for(Grant(ADMIN, "platform"))
    sent = client.post(
        f"/api/institutions/{institution_id}/invitations",
        json={"email": "Cara@Riverside.example", "role": "careers_adviser"},
        headers=administrator,
    )
    assert sent.status_code == 201
    [mail] = list((runtime.settings.data_dir / "outbox").glob("*.eml"))
    message = message_from_bytes(mail.read_bytes())
    assert message["To"] == "cara@riverside.example"
    body = message.get_payload(decode=True).decode()
    assert "Riverside Academy" in body and "careers adviser" in body
    link = next(line for line in body.splitlines() if "/invitations/" in line)
    token = link.rsplit("/", 1)[1]
    account_id = invitations.accept_invitation(runtime, token, name="Cara Jones", password=PASSWORD)
    from waymark_directory.service_layer.signing_in import principal_for

    assert principal_for(runtime, account_id).has_role("careers_adviser", scope_id=institution_id)
    with pytest.raises(staff.NotFound):
        invitations.accept_invitation(runtime, token, name="Cara Jones", password=PASSWORD)


def test_invitations_go_through_an_smtp_server_when_one_is_configured(runtime, institution_id):
    import socket
    from dataclasses import replace

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            received.append(envelope)
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        runtime.settings = replace(runtime.settings, smtp_url=f"smtp://127.0.0.1:{port}")
        invitations.invite(
            runtime,
            email="dan@riverside.example",
            role="governor",
            scope_id=institution_id,
            invited_by="x",
            inviter_name="Ada",
        )
    finally:
        controller.stop()
    [envelope] = received
    assert envelope.rcpt_tos == ["dan@riverside.example"]
    assert b"/directory/invitations/" in envelope.content
    assert not (runtime.settings.data_dir / "outbox").exists()


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"email": "not-an-email", "name": "A", "password": PASSWORD, "role": "governor"}, 422, "email"),
        ({"email": "a@b.example", "name": "A", "password": "short", "role": "governor"}, 422, "password"),
        ({"email": "a@b.example", "name": "A", "password": PASSWORD, "role": "emperor"}, 422, "role"),
        (
            {"email": "a@b.example", "name": "A", "password": PASSWORD, "role": "governor", "admin": True},
            422,
            "admin",
        ),
        ({"email": 7, "name": "A", "password": PASSWORD, "role": "governor"}, 422, "email"),
    ],
)
def test_bad_registrations_are_refused_with_field_errors_and_write_nothing(
    client, runtime, institution_id, body, status, field
):
    response = client.post("/api/accounts", json={"scope_id": institution_id, **body})
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    assert field in response.json["errors"]
    with runtime.engine.connect() as conn:
        assert conn.execute(select(accounts)).first() is None


def test_malformed_json_and_wrong_content_type_are_refused(client):
    assert client.post("/api/accounts", data="{", content_type="application/json").status_code == 400
    assert (
        client.post(
            "/api/accounts", data="email=a", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 415
    )


def test_an_unknown_institution_cannot_be_joined(client):
    response = register(client, "00000000-0000-0000-0000-000000000000", "eve@example.org")
    assert response.status_code == 422
    assert "scope_id" in response.json["errors"]


@pytest.mark.parametrize(
    "overlong",
    [
        {"email": "e" * 260 + "@riverside.example"},
        {"name": "N" * 201},
        {"role": "hub_lead", "organisation": "O" * 201},
        {"role": "careers_leader", "institution_id": "I" * 201},
    ],
)
def test_overlong_fields_on_the_create_account_page_are_field_errors_not_500s(
    client, runtime, institution_id, overlong
):
    """PostgreSQL refuses a value longer than its column; the page must refuse it first."""
    from directory_forms import submit

    form = {"email": "ada@riverside.example", "name": "Ada", "password": PASSWORD,
            "role": "careers_leader", "institution_id": institution_id, **overlong}  # fmt: skip
    response = submit(client, "/create-account", form)
    assert response.status_code == 422
    assert "There is a problem" in response.get_data(as_text=True)
    with runtime.engine.connect() as conn:
        assert conn.execute(select(accounts.c.email)).first() is None


def test_an_overlong_email_at_sign_in_is_refused_not_a_500(client):
    from directory_forms import submit

    response = submit(client, "/sign-in", {"email": "e" * 300 + "@example.org", "password": PASSWORD})
    assert response.status_code == 422
    assert "There is a problem" in response.get_data(as_text=True)


def test_an_invitation_for_an_existing_account_is_no_way_round_the_lockout(runtime, institution_id):
    """Accepting checks the existing account's password: failures count towards the
    same lockout as signing in, and a locked account cannot accept either."""
    from waymark_directory.service_layer import signing_in

    existing = staff.register(runtime, email="dan@riverside.example", name="Dan", password=PASSWORD,
                              role="careers_leader", scope_id=institution_id)  # fmt: skip
    token = invitations.invite(runtime, email="dan@riverside.example", role="governor", scope_id=institution_id,
                         invited_by=existing.account_id, inviter_name="Dan")  # fmt: skip
    for _ in range(5):
        with pytest.raises(IdentityError):
            invitations.accept_invitation(runtime, token, name="Dan", password="a wrong passphrase here")
    with pytest.raises(IdentityError) as locked:
        invitations.accept_invitation(runtime, token, name="Dan", password=PASSWORD)
    assert "Too many failed attempts" in " ".join(locked.value.errors["password"])
    with pytest.raises(signing_in.SignInRefused) as refused:
        signing_in.authenticate(runtime, "dan@riverside.example", PASSWORD, "10.0.0.9")
    assert refused.value.locked_until is not None
