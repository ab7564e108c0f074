"""Event contracts of identity: roles, invitations, API clients, Ofsted share links.

They name staff by account id only: no email address, name or secret is published.
Imported by ``waymark_directory.service`` so the schemas are registered with
directory's registry.
"""

from marshmallow import Schema, fields, validate

from waymark_directory.adapters.contracts import registry
from waymark_shared.auth.principal import API_SCOPES, ROLE_SCOPES

ROLES = validate.OneOf(sorted(ROLE_SCOPES))
SCOPE_TYPES = validate.OneOf(sorted(set(ROLE_SCOPES.values())))


class _RoleFields(Schema):
    account_id = fields.UUID(required=True, metadata={"description": "Waymark's id for the staff account."})
    role = fields.String(required=True, validate=ROLES)
    scope_type = fields.String(required=True, validate=SCOPE_TYPES)
    scope_id = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "Institution id, Careers Hub or trust name, provider id; null for the platform."
        },
    )


@registry.schema("RoleRequested", version=1)
class RoleRequestedV1(_RoleFields):
    """Someone asked for a role; it waits for the institution's administrator or an admin."""

    request_id = fields.UUID(required=True)


@registry.schema("RoleGranted", version=1)
class RoleGrantedV1(_RoleFields):
    """A role was granted: approved, by invitation, or as an institution's first careers leader."""

    granted_by = fields.String(
        required=True, allow_none=True, metadata={"description": "Account id; null when automatic."}
    )
    administrator = fields.Boolean(
        load_default=False, metadata={"description": "The institution's administrator."}
    )
    request_id = fields.UUID(load_default=None, allow_none=True)


@registry.schema("RoleRequestDeclined", version=1)
class RoleRequestDeclinedV1(_RoleFields):
    request_id = fields.UUID(required=True)
    declined_by = fields.String(required=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


@registry.schema("RoleRevoked", version=1)
class RoleRevokedV1(_RoleFields):
    revoked_by = fields.String(required=True)


@registry.schema("StaffInvited", version=1)
class StaffInvitedV1(Schema):
    """An invitation link was emailed (the address is not published)."""

    invitation_id = fields.UUID(required=True)
    role = fields.String(required=True, validate=ROLES)
    scope_type = fields.String(required=True, validate=SCOPE_TYPES)
    scope_id = fields.String(required=True, allow_none=True)
    invited_by = fields.String(required=True)
    expires_at = fields.DateTime(required=True)


@registry.schema("ApiClientRegistered", version=1)
class ApiClientRegisteredV1(Schema):
    client_id = fields.String(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    institution_id = fields.UUID(required=True)
    scopes = fields.List(fields.String(validate=validate.OneOf(sorted(API_SCOPES))), required=True)
    registered_by = fields.String(required=True)


@registry.schema("ApiClientRevoked", version=1)
class ApiClientRevokedV1(Schema):
    client_id = fields.String(required=True)
    institution_id = fields.UUID(required=True)
    revoked_by = fields.String(required=True)


@registry.schema("OfstedShareLinkCreated", version=1)
class OfstedShareLinkCreatedV1(Schema):
    """A read-only link to the institution's Ofsted pack (the token is not published)."""

    link_id = fields.UUID(required=True)
    institution_id = fields.UUID(required=True)
    expires_at = fields.DateTime(required=True)
    created_by = fields.String(required=True)


@registry.schema("OfstedShareLinkRevoked", version=1)
class OfstedShareLinkRevokedV1(Schema):
    link_id = fields.UUID(required=True)
    institution_id = fields.UUID(required=True)
    revoked_by = fields.String(required=True)


@registry.schema("OfstedShareLinkUsed", version=1)
class OfstedShareLinkUsedV1(Schema):
    link_id = fields.UUID(required=True)
    institution_id = fields.UUID(required=True)
    used_at = fields.DateTime(required=True)
