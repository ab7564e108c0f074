"""marshmallow schemas for the identity pages' forms (fields as posted by browsers)."""

from marshmallow import Schema, fields, validate

from waymark_directory.domain.accounts import MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH, REQUESTABLE_ROLES
from waymark_shared.auth.principal import API_SCOPES, INSTITUTION_ROLES


def _required(name: str) -> dict[str, str]:
    return {"required": f"Enter {name}.", "null": f"Enter {name}."}


class FormSchema(Schema):
    class Meta:
        unknown = "exclude"  # the CSRF token and the submit button


class SignInForm(FormSchema):
    email = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, error="Enter your email address."),
            # No account has a longer one; refused before it reaches a 254-character column.
            validate.Length(max=MAX_EMAIL_LENGTH, error="Enter a correct email address and password."),
        ],
        error_messages=_required("your email address"),
    )
    password = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, error="Enter your password."),
            validate.Length(max=MAX_PASSWORD_LENGTH, error="Enter a correct email address and password."),
        ],
        error_messages=_required("your password"),
    )


class CreateAccountForm(FormSchema):
    name = fields.String(required=True, error_messages=_required("your full name"))
    email = fields.String(required=True, error_messages=_required("your email address"))
    password = fields.String(required=True, error_messages=_required("a password"))
    role = fields.String(
        required=True,
        validate=validate.OneOf(REQUESTABLE_ROLES, error="Choose your role."),
        error_messages={"required": "Choose your role."},
    )
    institution_id = fields.String(load_default="")
    organisation = fields.String(load_default="")


class AcceptInvitationForm(FormSchema):
    name = fields.String(load_default="")
    password = fields.String(required=True, error_messages=_required("a password"))


class InviteForm(FormSchema):
    email = fields.String(required=True, error_messages=_required("their email address"))
    role = fields.String(
        required=True,
        validate=validate.OneOf(INSTITUTION_ROLES, error="Choose their role."),
        error_messages={"required": "Choose their role."},
    )


class DecisionForm(FormSchema):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "decline"]))
    reason = fields.String(load_default=None, validate=validate.Length(max=500))


class ApiClientForm(FormSchema):
    name = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        error_messages=_required("a name for the client"),
    )
    scopes = fields.List(
        fields.String(validate=validate.OneOf(sorted(API_SCOPES))),
        required=True,
        validate=validate.Length(min=1, error="Choose at least one permission."),
        error_messages={"required": "Choose at least one permission."},
    )


class ShareLinkForm(FormSchema):
    days = fields.Integer(
        load_default=14,
        validate=validate.Range(min=1, max=90, error="Choose between 1 and 90 days."),
        error_messages={"invalid": "Enter the number of days as a whole number, like 14."},
    )
    note = fields.String(load_default=None, validate=validate.Length(max=200))
