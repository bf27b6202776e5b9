"""JSON API for staff, licences and teams: thin endpoints over people.services.

Staff representations never include password or token hashes.
"""

from typing import Any

from flask import request, url_for
from flask.typing import ResponseReturnValue

from app.api.errors import ApiError, get_or_404, not_found
from app.api.pagination import page_schema, paginate
from app.api.spec import PAGINATION_QUERY, api_route, json_body, schema
from app.auth.permissions import ROLES
from app.core.validation import parse_iso_date
from app.extensions import db
from app.people import licences, services, teams
from app.people.models import TEAM_KINDS, Licence, Team, TeamMembership, User
from app.vocab.licences import LICENCE_KINDS
from schedules import PRESETS

_DATE = {"type": ["string", "null"], "format": "date", "description": "YYYY-MM-DD"}
_VERSION = {"version": {"type": "integer", "description": "The version you edited"}}
_STAMPS = {
    "id": {"type": "integer"},
    "version": {"type": "integer"},
    "created_at": {"type": "string", "format": "date-time"},
    "updated_at": {"type": "string", "format": "date-time"},
}
_ROLES = {"type": "array", "items": {"type": "string", "enum": list(ROLES)}, "uniqueItems": True}

_LICENCE_FIELDS: dict[str, Any] = {
    "kind": {"type": "string", "enum": list(LICENCE_KINDS)},
    "number": {"type": "string", "maxLength": 64},
    "issued_on": _DATE,
    "expires_on": _DATE,
}
LICENCE = schema("Licence", {"type": "object", "properties": {**_STAMPS, **_LICENCE_FIELDS}})
LICENCE_CREATE = schema(
    "LicenceCreate",
    {
        "type": "object",
        "required": ["kind"],
        "additionalProperties": False,
        "properties": _LICENCE_FIELDS,
    },
)
LICENCE_PATCH = schema(
    "LicencePatch",
    {
        "type": "object",
        "required": ["version"],
        "additionalProperties": False,
        "properties": {**_VERSION, **_LICENCE_FIELDS},
    },
)

_STAFF_FIELDS: dict[str, Any] = {
    "name": {"type": "string", "maxLength": 100},
    "phone": {"type": "string", "maxLength": 32},
    "roles": _ROLES,
}
STAFF = schema(
    "Staff",
    {
        "type": "object",
        "properties": {
            **_STAMPS,
            **_STAFF_FIELDS,
            "username": {"type": "string"},
            "active": {"type": "boolean"},
            "locale": {"type": ["string", "null"]},
            "can_log_in": {"type": "boolean"},
            "teams": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"team_id": {"type": "integer"}, "is_lead": {"type": "boolean"}},
                },
            },
            "licences": {"type": "array", "items": LICENCE},
        },
    },
)
STAFF_CREATE = schema(
    "StaffCreate",
    {
        "type": "object",
        "required": ["username", "name", "roles"],
        "additionalProperties": False,
        "properties": {
            **_STAFF_FIELDS,
            "username": {"type": "string", "maxLength": 64},
            "password": {"type": "string", "description": "Omit for staff who do not log in"},
        },
    },
)
STAFF_PATCH = schema(
    "StaffPatch",
    {
        "type": "object",
        "required": ["version"],
        "additionalProperties": False,
        "properties": {
            **_VERSION,
            **_STAFF_FIELDS,
            "active": {"type": "boolean", "description": "false = left; history keeps the name"},
            "locale": {"type": ["string", "null"], "enum": ["zh_CN", "en", None]},
        },
    },
)

MEMBER = schema(
    "TeamMember",
    {
        "type": "object",
        "properties": {
            "user_id": {"type": "integer"},
            "name": {"type": "string"},
            "active": {"type": "boolean"},
            "is_lead": {"type": "boolean"},
            "rotation_offset": {"type": "integer"},
        },
    },
)
MEMBER_PUT = schema(
    "TeamMemberPut",
    {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "is_lead": {"type": "boolean"},
            "rotation_offset": {"type": "integer", "minimum": 0},
        },
    },
)
_TEAM_FIELDS: dict[str, Any] = {
    "code": {"type": "string", "maxLength": 32},
    "name": {"type": "string", "maxLength": 100},
    "kind": {"type": "string", "enum": list(TEAM_KINDS)},
    "shift_pattern": {"type": ["string", "null"], "enum": [*PRESETS, None]},
}
TEAM = schema(
    "Team",
    {
        "type": "object",
        "properties": {
            **_STAMPS,
            **_TEAM_FIELDS,
            "site_id": {"type": "integer"},
            "members": {"type": "array", "items": MEMBER},
        },
    },
)
TEAM_CREATE = schema(
    "TeamCreate",
    {
        "type": "object",
        "required": ["site_id", "code", "name", "kind"],
        "additionalProperties": False,
        "properties": {**_TEAM_FIELDS, "site_id": {"type": "integer"}},
    },
)
TEAM_PATCH = schema(
    "TeamPatch",
    {
        "type": "object",
        "required": ["version"],
        "additionalProperties": False,
        "properties": {**_VERSION, **_TEAM_FIELDS},
    },
)


def _stamps(record: User | Team | Licence) -> dict[str, Any]:
    return {
        "id": record.id,
        "version": record.version,
        "created_at": record.created_at.isoformat(),
        "updated_at": record.updated_at.isoformat(),
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def licence_json(licence: Licence) -> dict[str, Any]:
    return {
        **_stamps(licence),
        "kind": licence.kind,
        "number": licence.number,
        "issued_on": _iso(licence.issued_on),
        "expires_on": _iso(licence.expires_on),
    }


def staff_json(user: User) -> dict[str, Any]:
    """What the API tells about a member of staff: never hashes, failed logins or tokens."""
    return {
        **_stamps(user),
        "username": user.username,
        "name": user.name,
        "phone": user.phone,
        "active": user.active,
        "locale": user.locale,
        "roles": sorted(user.roles),
        "can_log_in": user.password_hash is not None,
        "teams": [{"team_id": m.team_id, "is_lead": m.is_lead} for m in user.memberships],
        "licences": [licence_json(licence) for licence in user.licences],
    }


def member_json(membership: TeamMembership) -> dict[str, Any]:
    return {
        "user_id": membership.user_id,
        "name": membership.user.name,
        "active": membership.user.active,
        "is_lead": membership.is_lead,
        "rotation_offset": membership.rotation_offset,
    }


def team_json(team: Team) -> dict[str, Any]:
    return {
        **_stamps(team),
        "site_id": team.site_id,
        "code": team.code,
        "name": team.name,
        "kind": team.kind,
        "shift_pattern": team.shift_pattern,
        "members": [member_json(m) for m in team.memberships],
    }


def _user(user_id: int) -> User:
    return get_or_404(User, user_id, "staff member")


def _team(team_id: int) -> Team:
    return get_or_404(Team, team_id, "team")


def _licence(user: User, licence_id: int) -> Licence:
    licence = db.session.get(Licence, licence_id)
    if licence is None or licence.user_id != user.id:
        raise not_found("licence")
    return licence


def _dates(body: dict[str, Any], *names: str) -> dict[str, Any]:
    """Turn the body's ISO date strings into dates (422 for impossible ones like 2026-02-30)."""
    return {k: parse_iso_date(k, v) if k in names else v for k, v in body.items()}


# --- staff -----------------------------------------------------------------------------------


@api_route(
    "/staff",
    "GET",
    summary="List staff",
    tag="staff",
    permission="staff.view",
    response_schema=page_schema(STAFF),
    query=(*PAGINATION_QUERY, ("active", "boolean", "true = only active staff")),
)
def list_staff() -> ResponseReturnValue:
    only_active = request.args.get("active") == "true"
    return paginate(services.users_query(include_inactive=not only_active), staff_json)


@api_route(
    "/staff/<int:user_id>",
    "GET",
    summary="One member of staff, with teams and licences",
    tag="staff",
    permission="staff.view",
    response_schema=STAFF,
)
def get_staff(user_id: int) -> ResponseReturnValue:
    return staff_json(_user(user_id))


@api_route(
    "/staff",
    "POST",
    summary="Create a member of staff (administrators)",
    tag="staff",
    permission="staff.edit",
    request_schema=STAFF_CREATE,
    response_schema=STAFF,
    status=201,
)
def create_staff() -> ResponseReturnValue:
    user = services.create_user(**json_body(STAFF_CREATE))
    return staff_json(user), 201, {"Location": url_for("api.staff_get_staff", user_id=user.id)}


@api_route(
    "/staff/<int:user_id>",
    "PATCH",
    summary="Change a member of staff (send the version you edited)",
    tag="staff",
    permission="staff.edit",
    request_schema=STAFF_PATCH,
    response_schema=STAFF,
)
def patch_staff(user_id: int) -> ResponseReturnValue:
    user = _user(user_id)
    body = json_body(STAFF_PATCH)
    services.update_user(user, body.pop("version"), **body)
    return staff_json(user)


@api_route(
    "/staff/<int:user_id>/licences",
    "POST",
    summary="Record a licence held by a member of staff",
    tag="staff",
    permission="staff.edit",
    request_schema=LICENCE_CREATE,
    response_schema=LICENCE,
    status=201,
)
def create_licence(user_id: int) -> ResponseReturnValue:
    user = _user(user_id)
    body = _dates(json_body(LICENCE_CREATE), "issued_on", "expires_on")
    licence = licences.add_licence(
        user,
        body["kind"],
        body.get("number", ""),
        body.get("expires_on"),
        issued_on=body.get("issued_on"),
    )
    return licence_json(licence), 201


@api_route(
    "/staff/<int:user_id>/licences/<int:licence_id>",
    "PATCH",
    summary="Renew or correct a licence (send the version you edited)",
    tag="staff",
    permission="staff.edit",
    request_schema=LICENCE_PATCH,
    response_schema=LICENCE,
)
def patch_licence(user_id: int, licence_id: int) -> ResponseReturnValue:
    licence = _licence(_user(user_id), licence_id)
    body = _dates(json_body(LICENCE_PATCH), "issued_on", "expires_on")
    licences.update_licence(licence, body.pop("version"), **body)
    return licence_json(licence)


# --- teams -----------------------------------------------------------------------------------


@api_route(
    "/teams",
    "GET",
    summary="List teams with their members",
    tag="teams",
    permission="staff.view",
    response_schema=page_schema(TEAM),
    query=(*PAGINATION_QUERY, ("site_id", "integer", "Only this site's teams")),
)
def list_teams() -> ResponseReturnValue:
    site_id = request.args.get("site_id", type=int)
    return paginate(teams.teams_query(site_id), team_json)


@api_route(
    "/teams/<int:team_id>",
    "GET",
    summary="One team with its members",
    tag="teams",
    permission="staff.view",
    response_schema=TEAM,
)
def get_team(team_id: int) -> ResponseReturnValue:
    return team_json(_team(team_id))


@api_route(
    "/teams",
    "POST",
    summary="Create a team",
    tag="teams",
    permission="staff.edit",
    request_schema=TEAM_CREATE,
    response_schema=TEAM,
    status=201,
)
def create_team() -> ResponseReturnValue:
    team = teams.create_team(**json_body(TEAM_CREATE))
    return team_json(team), 201, {"Location": url_for("api.teams_get_team", team_id=team.id)}


@api_route(
    "/teams/<int:team_id>",
    "PATCH",
    summary="Change a team (send the version you edited)",
    tag="teams",
    permission="staff.edit",
    request_schema=TEAM_PATCH,
    response_schema=TEAM,
)
def patch_team(team_id: int) -> ResponseReturnValue:
    team = _team(team_id)
    body = json_body(TEAM_PATCH)
    teams.update_team(team, body.pop("version"), **body)
    return team_json(team)


@api_route(
    "/teams/<int:team_id>/members",
    "GET",
    summary="A team's members, leads first",
    tag="teams",
    permission="staff.view",
    response_schema={"type": "array", "items": MEMBER},
)
def list_members(team_id: int) -> ResponseReturnValue:
    team = _team(team_id)
    members = sorted(team.memberships, key=lambda m: (not m.is_lead, m.user.name))
    return [member_json(m) for m in members]


@api_route(
    "/teams/<int:team_id>/members/<int:user_id>",
    "PUT",
    summary="Put a member of staff in a team, or change their lead flag",
    tag="teams",
    permission="staff.edit",
    request_schema=MEMBER_PUT,
    response_schema=MEMBER,
)
def put_member(team_id: int, user_id: int) -> ResponseReturnValue:
    team, user = _team(team_id), _user(user_id)
    body = json_body(MEMBER_PUT)
    if any(m.user_id == user.id for m in team.memberships):
        membership = teams.update_membership(team, user, **body)
        status = 200
    else:
        membership = teams.add_membership(team, user, **body)
        status = 201
    return member_json(membership), status


@api_route(
    "/teams/<int:team_id>/members/<int:user_id>",
    "DELETE",
    summary="Take a member of staff out of a team",
    tag="teams",
    permission="staff.edit",
    status=204,
)
def delete_member(team_id: int, user_id: int) -> ResponseReturnValue:
    team, user = _team(team_id), _user(user_id)
    if not any(m.user_id == user.id for m in team.memberships):
        raise ApiError(404, "not_found", "not a member of this team")
    teams.remove_membership(team, user)
    return "", 204
