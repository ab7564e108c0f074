"""Directory's Flask app factory."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from waymark_directory.adapters.keys import KeyRing
from waymark_directory.entrypoints import pages_access  # noqa: F401 (its routes are on identity_pages)
from waymark_directory.entrypoints.api import api
from waymark_directory.entrypoints.api_identity import api as identity_api
from waymark_directory.entrypoints.pages_identity import pages as identity_pages
from waymark_directory.entrypoints.pages_institutions import institution_pages
from waymark_directory.entrypoints.pages_providers import provider_pages
from waymark_directory.entrypoints.pages_roster import roster_pages
from waymark_directory.entrypoints.provider_api import provider_api
from waymark_directory.entrypoints.roster_api import roster_api
from waymark_directory.entrypoints.sessions import install_sessions
from waymark_shared.service import ServiceRuntime
from waymark_shared.web.app import create_service_app

SESSION_LIFETIME = timedelta(hours=12)
NAVIGATION = (
    ("Institutions", "institution_pages.index"),
    ("Find an activity provider", "provider_pages.search"),
    ("Your account", "identity_pages.account"),
)


def create_app(runtime: ServiceRuntime) -> Flask:
    # Directory signs identity tokens, so it verifies them from its own key table.
    keys = runtime.extras.setdefault("key_ring", KeyRing(runtime.engine))
    app = create_service_app(
        runtime,
        [
            api,
            institution_pages,
            roster_api,
            roster_pages,
            provider_api,
            provider_pages,
            identity_api,
            identity_pages,
        ],
        api_title="Waymark directory",
        api_description="Institutions, staff and roles, the learner roster and activity providers.",
        token_keys=keys,  # type: ignore[arg-type]
        navigation=NAVIGATION,
    )
    install_sessions(app)
    # A stolen session cookie stops working after a school day, signed out or not.
    app.permanent_session_lifetime = SESSION_LIFETIME
    # Signing out is harmless to force, and its form is posted from every service's
    # pages, whose CSRF tokens belong to their own sessions.
    app.extensions["csrf"].exempt("waymark_directory.entrypoints.pages_identity.sign_out")
    return app
