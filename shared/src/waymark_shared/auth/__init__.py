"""Who is asking: principals, their grants, and the signed tokens that carry them.

Directory signs tokens and publishes its public keys (JWKS); every service verifies
them locally (:mod:`waymark_shared.auth.tokens`), so no request needs a call to
directory. :mod:`waymark_shared.web.auth` puts the verified principal on the request.
"""

from waymark_shared.auth.principal import (
    ADMIN,
    API_CLIENT,
    API_SCOPES,
    CAREERS_ADVISER,
    CAREERS_LEADER,
    GOVERNOR,
    HUB_LEAD,
    INSTITUTION_ROLES,
    OFSTED_PACK_SCOPE,
    OFSTED_VIEWER,
    PROVIDER_EDITOR,
    ROLE_SCOPES,
    ROLE_TITLES,
    SENIOR_LEADER,
    TRUST_LEAD,
    Grant,
    Principal,
)

__all__ = [
    "ADMIN",
    "API_CLIENT",
    "API_SCOPES",
    "CAREERS_ADVISER",
    "CAREERS_LEADER",
    "GOVERNOR",
    "HUB_LEAD",
    "INSTITUTION_ROLES",
    "OFSTED_PACK_SCOPE",
    "OFSTED_VIEWER",
    "PROVIDER_EDITOR",
    "ROLE_SCOPES",
    "ROLE_TITLES",
    "SENIOR_LEADER",
    "TRUST_LEAD",
    "Grant",
    "Principal",
]
