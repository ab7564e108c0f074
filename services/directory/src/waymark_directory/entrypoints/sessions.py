"""People's sessions in directory, and the identity cookie other services read.

Directory keeps a signed session cookie (account, epoch) and checks it against the
account on every request, so "sign out everywhere" takes effect here at once. From
the session it issues the short-lived identity token (``waymark_token`` cookie, path
``/``) that every other service verifies offline; it re-issues it every few minutes and
whenever the person's roles change.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime

from flask import Flask, Response, g, request, session

from waymark_directory.adapters.keys import KeyRing
from waymark_directory.service_layer.signing_in import Session, principal_for, session_valid
from waymark_shared.auth.principal import SHARE_LINK, Principal
from waymark_shared.auth.tokens import DEFAULT_LIFETIME_S, TOKEN_COOKIE, issue_token
from waymark_shared.web.auth import current_principal, set_principal
from waymark_shared.web.runtime import current_runtime

REISSUE_AFTER_S = DEFAULT_LIFETIME_S // 2


def install_sessions(app: Flask) -> None:
    app.before_request(_load_session)
    app.after_request(_write_token_cookie)


def key_ring() -> KeyRing:
    runtime = current_runtime()
    return runtime.extras.setdefault("key_ring", KeyRing(runtime.engine))  # type: ignore[return-value]


def start_session(session_: Session) -> None:
    session.clear()
    session.update(account_id=session_.account_id, epoch=session_.epoch, sid=uuid.uuid4().hex)
    principal = principal_for(current_runtime(), session_.account_id, session["sid"])
    if principal is not None:
        set_principal(principal)
        g.directory_issue_token = (principal, DEFAULT_LIFETIME_S)


def end_session() -> None:
    session.clear()
    g.waymark_principal = None
    g.directory_clear_token = True


def issue_guest_token(principal: Principal, until: datetime) -> None:
    """An identity cookie for a share link, lasting until ``until``."""
    g.directory_issue_token = (principal, max(1, int(until.timestamp() - time.time())))


def _load_session() -> None:
    if (guest := current_principal()) is not None and guest.kind == SHARE_LINK:
        # A share link opens one institution's Ofsted pack in reporting; in directory
        # its bearer is nobody.
        g.waymark_principal = None
    account_id = session.get("account_id")
    if not account_id:
        return
    runtime = current_runtime()
    if not session_valid(runtime, Session(account_id, session.get("epoch", -1))):
        end_session()
        return
    from_cookie = current_principal()
    principal = principal_for(runtime, account_id, session.get("sid"))
    if principal is None:
        end_session()
        return
    set_principal(principal)
    stale = time.time() - session.get("token_at", 0) > REISSUE_AFTER_S
    if from_cookie is None or from_cookie.grants != principal.grants or stale:
        g.directory_issue_token = (principal, DEFAULT_LIFETIME_S)


def _write_token_cookie(response: Response) -> Response:
    secure = current_runtime().settings.public_url.startswith("https://")
    if g.get("directory_clear_token"):
        response.delete_cookie(TOKEN_COOKIE, path="/", secure=secure, httponly=True, samesite="Lax")
    elif issued := g.get("directory_issue_token"):
        principal, lifetime = issued
        token = issue_token(principal, key_ring().current(), lifetime_s=lifetime)
        response.set_cookie(
            TOKEN_COOKIE, token, max_age=lifetime, path="/", secure=secure, httponly=True, samesite="Lax"
        )
        if principal.kind == "person":
            session["token_at"] = time.time()
    return response


def client_address() -> str:
    return request.remote_addr or "unknown"
