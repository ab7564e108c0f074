"""A directory with two tenants, for the authorisation matrix.

Institution A ("own") and institution B ("other") each have staff, learners, a roster
import, an API client, an Ofsted share link and a pending role request; provider P is
edited by the provider editor, provider Q by someone else. Each principal of the
matrix is signed in as it would be in production: people by identity token, the API
client by the OAuth token endpoint, the inspector by opening the share link.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from waymark_directory import identity_views
from waymark_directory.adapters.roster_tables import learners
from waymark_directory.demo_providers import sample_listing
from waymark_directory.domain.commands import RegisterInstitution
from waymark_directory.domain.learners import ImportRoster
from waymark_directory.roster_demo import roster_csv, roster_rows
from waymark_directory.service_layer import credentials, staff
from waymark_directory.service_layer.gias_import import import_gias
from waymark_directory.service_layer.handlers import register_institution
from waymark_directory.service_layer.provider_handlers import approve_provider, submit_provider
from waymark_directory.service_layer.roster import import_roster
from waymark_directory.testing import account_with_grants
from waymark_shared.auth import (
    ADMIN,
    CAREERS_ADVISER,
    CAREERS_LEADER,
    GOVERNOR,
    HUB_LEAD,
    PROVIDER_EDITOR,
    SENIOR_LEADER,
    TRUST_LEAD,
    Grant,
)
from waymark_shared.auth.tokens import TOKEN_COOKIE

ADMINISTRATOR = "administrator"  # the institution's first careers leader
PRINCIPALS = (
    "anonymous",
    ADMINISTRATOR,
    CAREERS_LEADER,
    SENIOR_LEADER,
    GOVERNOR,
    CAREERS_ADVISER,
    HUB_LEAD,
    TRUST_LEAD,
    PROVIDER_EDITOR,
    ADMIN,
    "api_client",
    "share_link",
)
GIAS_HEADER = "URN,EstablishmentName,TypeOfEstablishment (name),PhaseOfEducation (name),LA (name),Postcode,EstablishmentStatus (name)\n"


@dataclass
class Tenant:
    institution_id: str
    learner_id: str = ""
    roster_import_id: str = ""
    client_id: str = ""
    link_id: str = ""
    share_url: str = ""
    request_id: str = ""
    leader_id: str = ""
    provider_id: str = ""
    client_secret: str = ""
    leader_token: str = ""


@dataclass
class World:
    own: Tenant
    other: Tenant
    gias_import_id: str
    tokens: dict[str, str] = field(default_factory=dict)

    def ids(self, which: str, rule: str = "") -> dict[str, str]:
        tenant = self.own if which == "own" else self.other
        establishments = "institutions/imports/" in rule  # GIAS imports belong to no tenant
        return {
            "institution_id": tenant.institution_id,
            "learner_id": tenant.learner_id,
            "import_id": self.gias_import_id if establishments else tenant.roster_import_id,
            "client_id": tenant.client_id,
            "link_id": tenant.link_id,
            "request_id": tenant.request_id,
            "account_id": tenant.leader_id,
            "role": CAREERS_LEADER,
            "provider_id": tenant.provider_id,
            "token": tenant.share_url.rsplit("/", 1)[1],
        }


def _tenant(runtime: Any, number: int, hub: str, trust: str) -> Tenant:
    command = RegisterInstitution(
        f"Academy {number}",
        "mainstream_secondary",
        urn=f"99077{number}",
        postcode="LS9 8AB",
        careers_hub=hub,
        trust=trust,
    )
    tenant = Tenant(register_institution(command, runtime).institution_id)
    leader, tenant.leader_token = account_with_grants(
        runtime, Grant(CAREERS_LEADER, "institution", tenant.institution_id)
    )
    tenant.leader_id = leader.subject
    content = roster_csv(roster_rows(3, seed=number, establishment=f"{4000 + number}"))
    tenant.roster_import_id = import_roster(ImportRoster(tenant.institution_id, content), runtime).import_id
    with runtime.engine.connect() as conn:
        tenant.learner_id = (
            conn.execute(
                select(learners.c.learner_id).where(learners.c.institution_id == tenant.institution_id)
            )
            .scalars()
            .first()
        )
    client = credentials.register_client(
        runtime,
        institution_id=tenant.institution_id,
        name="MIS",
        scopes=["roster:read", "institutions:read"],
        registered_by=leader.subject,
    )
    tenant.client_id, tenant.client_secret = client.client_id, client.secret
    tenant.link_id, token, _ = credentials.create_share_link(
        runtime, institution_id=tenant.institution_id, created_by=leader.subject
    )
    tenant.share_url = f"/share/{token}"
    registration = staff.register(
        runtime,
        email=f"gov{number}@example.org",
        name="Gov",
        password="a long enough passphrase",
        role=GOVERNOR,
        scope_id=tenant.institution_id,
    )
    tenant.request_id = identity_views.requests_of(runtime, registration.account_id)[0]["request_id"]
    provider = submit_provider(sample_listing(name=f"Provider {number}"), runtime, actor="seed")
    approve_provider(provider.provider_id, runtime, actor="admin")
    tenant.provider_id = provider.provider_id
    return tenant


def build_world(runtime: Any) -> World:
    own = _tenant(runtime, 1, "West Yorkshire Careers Hub", "Aire Trust")
    other = _tenant(runtime, 2, "Greater Manchester Careers Hub", "Irwell Trust")
    gias = io.BytesIO(
        (GIAS_HEADER + "990779,Gias School,Academy converter,Secondary,Leeds,LS9 8AB,Open\n").encode()
    )
    world = World(own, other, import_gias(gias, runtime, actor="admin").import_id)
    institution = own.institution_id
    grants = {
        CAREERS_LEADER: Grant(CAREERS_LEADER, "institution", institution),
        SENIOR_LEADER: Grant(SENIOR_LEADER, "institution", institution),
        GOVERNOR: Grant(GOVERNOR, "institution", institution),
        CAREERS_ADVISER: Grant(CAREERS_ADVISER, "institution", institution),
        HUB_LEAD: Grant(HUB_LEAD, "hub", "West Yorkshire Careers Hub"),
        TRUST_LEAD: Grant(TRUST_LEAD, "trust", "Aire Trust"),
        PROVIDER_EDITOR: Grant(PROVIDER_EDITOR, "provider", own.provider_id),
        ADMIN: Grant(ADMIN, "platform"),
    }
    for name, grant in grants.items():
        world.tokens[name] = account_with_grants(runtime, grant)[1]
    world.tokens[ADMINISTRATOR] = own.leader_token
    return world


def sign_in(client: Any, world: World, principal: str) -> None:
    """Authenticate ``client`` as ``principal`` the way that principal really does."""
    if principal == "anonymous":
        return
    if principal == "api_client":
        tenant = world.own
        response = client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(tenant.client_id, tenant.client_secret),
        )
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {response.json['access_token']}"
        return
    if principal == "share_link":
        assert client.get(world.own.share_url).status_code == 302
        return
    client.set_cookie(TOKEN_COOKIE, world.tokens[principal])
