"""The institutions whose plans the signed-in person may see, for the home page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from waymark_planner.adapters.institutions import institution as institution_row
from waymark_planner.adapters.tables import institutions
from waymark_planner.service_layer import permissions
from waymark_shared.auth.principal import HUB, INSTITUTION, TRUST, Principal
from waymark_shared.db.engine import reading
from waymark_shared.web.runtime import current_runtime


def institutions_for_home(principal: Principal | None) -> list[dict[str, Any]]:
    if principal is None:
        return []
    runtime = current_runtime()
    found: dict[str, dict[str, Any]] = {}
    for grant in principal.grants:
        if grant.scope_type == INSTITUTION and grant.role in permissions.READERS and grant.scope_id:
            row = institution_row(runtime, grant.scope_id)
            if row is not None:
                found.setdefault(grant.scope_id, {**row, "institution_id": grant.scope_id})
    hubs, trusts = principal.scope_ids(HUB, "hub_lead"), principal.scope_ids(TRUST, "trust_lead")
    if hubs or trusts:
        with reading(runtime.engine) as conn:
            ids = conn.execute(
                select(institutions.c.institution_id).where(
                    or_(institutions.c.careers_hub.in_(hubs), institutions.c.trust.in_(trusts))
                )
            ).scalars()
            for institution_id in list(ids):
                row = institution_row(runtime, institution_id, conn)
                if row is not None:
                    found.setdefault(institution_id, {**row, "institution_id": institution_id})
    return sorted(found.values(), key=lambda item: item.get("name") or "")
