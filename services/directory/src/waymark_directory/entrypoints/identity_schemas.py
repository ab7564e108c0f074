"""Request and response schemas of directory's identity API."""

from marshmallow import Schema, fields, validate

from waymark_directory.domain.accounts import MAX_PASSWORD_LENGTH, REQUESTABLE_ROLES
from waymark_shared.auth.principal import API_SCOPES, INSTITUTION_ROLES


class RegisterAccountRequest(Schema):
    email = fields.String(required=True, validate=validate.Length(min=3, max=254))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=MAX_PASSWORD_LENGTH))
    role = fields.String(required=True, validate=validate.OneOf(REQUESTABLE_ROLES))
    scope_id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "The institution id, or the Careers Hub or trust name."},
    )


class RegistrationResponse(Schema):
    account_id = fields.String()
    granted = fields.Boolean(metadata={"description": "False: the request waits for approval."})
    administrator = fields.Boolean()


class GrantSchema(Schema):
    role = fields.String()
    scope_type = fields.String()
    scope_id = fields.String(allow_none=True)


class MeResponse(Schema):
    subject = fields.String()
    kind = fields.String()
    name = fields.String()
    email = fields.String(allow_none=True)
    grants = fields.List(fields.Nested(GrantSchema))
    scopes = fields.List(fields.String())


class StaffMember(Schema):
    account_id = fields.String()
    name = fields.String()
    email = fields.String()
    roles = fields.List(fields.String())
    administrator = fields.Boolean()


class RoleRequestSchema(Schema):
    request_id = fields.String()
    account_id = fields.String()
    name = fields.String()
    email = fields.String()
    role = fields.String()
    scope_type = fields.String()
    scope_id = fields.String()
    requested_at = fields.DateTime()


class StaffResponse(Schema):
    staff = fields.List(fields.Nested(StaffMember))
    pending = fields.List(fields.Nested(RoleRequestSchema))


class RoleRequestListResponse(Schema):
    requests = fields.List(fields.Nested(RoleRequestSchema))


class DecisionRequest(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class InvitationRequest(Schema):
    email = fields.String(required=True, validate=validate.Length(min=3, max=254))
    role = fields.String(required=True, validate=validate.OneOf(INSTITUTION_ROLES))


class InvitationResponse(Schema):
    email = fields.String()
    role = fields.String()
    expires_in_days = fields.Integer()


class ApiClientRequest(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    scopes = fields.List(
        fields.String(validate=validate.OneOf(sorted(API_SCOPES))),
        required=True,
        validate=validate.Length(min=1),
    )


class ApiClientSchema(Schema):
    client_id = fields.String()
    name = fields.String()
    scopes = fields.Function(
        lambda row: row["scopes"].split() if isinstance(row["scopes"], str) else row["scopes"]
    )
    institution_id = fields.String()
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)


class NewApiClientResponse(Schema):
    client_id = fields.String()
    client_secret = fields.String(metadata={"description": "Shown once; only its hash is kept."})
    token_url = fields.String()


class ApiClientListResponse(Schema):
    clients = fields.List(fields.Nested(ApiClientSchema))


class ShareLinkRequest(Schema):
    days = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=90))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class ShareLinkUse(Schema):
    used_at = fields.DateTime()
    client_address = fields.String()
    user_agent = fields.String()


class ShareLinkSchema(Schema):
    link_id = fields.String()
    institution_id = fields.String()
    created_by = fields.String()
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    note = fields.String(allow_none=True)
    uses = fields.List(fields.Nested(ShareLinkUse))


class NewShareLinkResponse(Schema):
    link_id = fields.String()
    url = fields.String(metadata={"description": "Shown once; only its hash is kept."})
    expires_at = fields.DateTime()


class ShareLinkListResponse(Schema):
    links = fields.List(fields.Nested(ShareLinkSchema))


class TokenResponse(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()
    scope = fields.String()


class JwksResponse(Schema):
    keys = fields.List(fields.Dict())
