"""JSON API for a person's roles per site: thin endpoints over people.site_roles.

Each change sends the person's `version` (the one `GET .../site-roles` returned) and
answers with the new list and version, so an integration never overwrites a change it
has not seen (409).
"""

from typing import Any

from flask import request
from flask.typing import ResponseReturnValue

from app.api.errors import ApiError, get_or_404
from app.api.spec import api_route, json_body, schema
from app.auth.permissions import ROLES
from app.people import site_roles
from app.people.models import User
from app.sites.models import SiteMembership

TAG = "staff"
_VERSION = {"type": "integer", "description": "The person's version you saw"}
_ROLE = {"type": "string", "enum": list(ROLES)}

SITE_ROLE = schema(
    "SiteRole",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "site_id": {"type": ["integer", "null"], "description": "null: every site"},
            "site_code": {"type": ["string", "null"]},
            "role": {"type": ["string", "null"], "enum": [*ROLES, None]},
        },
    },
)
SITE_ROLES = schema(
    "SiteRoles",
    {
        "type": "object",
        "properties": {
            "user_id": {"type": "integer"},
            "version": {"type": "integer"},
            "items": {"type": "array", "items": SITE_ROLE},
        },
    },
)
SITE_ROLE_CREATE = schema(
    "SiteRoleCreate",
    {
        "type": "object",
        "required": ["version", "site_id", "role"],
        "additionalProperties": False,
        "properties": {
            "version": _VERSION,
            "site_id": {"type": ["integer", "null"], "description": "null: every site"},
            "role": _ROLE,
        },
    },
)
SITE_ROLE_PATCH = schema(
    "SiteRolePatch",
    {
        "type": "object",
        "required": ["version", "role"],
        "additionalProperties": False,
        "properties": {"version": _VERSION, "role": _ROLE},
    },
)


def site_roles_json(user: User) -> dict[str, Any]:
    return {
        "user_id": user.id,
        "version": user.version,
        "items": [
            {
                "id": m.id,
                "site_id": m.site_id,
                "site_code": m.site.code if m.site is not None else None,
                "role": m.role,
            }
            for m in site_roles.site_roles_of(user)
        ],
    }


def _user(user_id: int) -> User:
    return get_or_404(User, user_id, "staff member")


def _membership(user: User, membership_id: int) -> SiteMembership:
    membership = site_roles.membership_of(user, membership_id)
    if membership is None:
        raise ApiError(404, "not_found", "no such site role of this staff member")
    return membership


@api_route(
    "/staff/<int:user_id>/site-roles",
    "GET",
    summary="A person's role at each site (administrators)",
    tag=TAG,
    permission="site_roles.edit",
    response_schema=SITE_ROLES,
)
def list_site_roles(user_id: int) -> ResponseReturnValue:
    return site_roles_json(_user(user_id))


@api_route(
    "/staff/<int:user_id>/site-roles",
    "POST",
    summary="Grant a role at a site, or at every site with site_id null",
    tag=TAG,
    permission="site_roles.edit",
    request_schema=SITE_ROLE_CREATE,
    response_schema=SITE_ROLES,
    status=201,
)
def grant_site_role(user_id: int) -> ResponseReturnValue:
    user = _user(user_id)
    body = json_body(SITE_ROLE_CREATE)
    site_roles.grant_site_role(user, body["version"], body["site_id"], body["role"])
    return site_roles_json(user), 201


@api_route(
    "/staff/<int:user_id>/site-roles/<int:membership_id>",
    "PATCH",
    summary="Hold another role at the same site",
    tag=TAG,
    permission="site_roles.edit",
    request_schema=SITE_ROLE_PATCH,
    response_schema=SITE_ROLES,
)
def change_site_role(user_id: int, membership_id: int) -> ResponseReturnValue:
    user = _user(user_id)
    membership = _membership(user, membership_id)
    body = json_body(SITE_ROLE_PATCH)
    site_roles.change_site_role(user, body["version"], membership, body["role"])
    return site_roles_json(user)


@api_route(
    "/staff/<int:user_id>/site-roles/<int:membership_id>",
    "DELETE",
    summary="Withdraw a role at a site (send ?version= you saw)",
    tag=TAG,
    permission="site_roles.edit",
    query=(("version", "integer", "The person's version you saw; a newer one is a 409"),),
    status=204,
)
def withdraw_site_role(user_id: int, membership_id: int) -> ResponseReturnValue:
    user = _user(user_id)
    membership = _membership(user, membership_id)
    site_roles.withdraw_site_role(user, request.args.get("version", type=int), membership)
    return "", 204
