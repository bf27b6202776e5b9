"""JSON API for rosters and leave (issue 14, API parity): a team's roster over a week or
month, who is on duty at a site on a day, and a person's leave (add and cancel).

Reads use the same roster assembly as the roster pages; leave goes through the same
services as the web form, so the person's future work is reassigned in the same commit.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask.typing import ResponseReturnValue

from app.api.errors import ApiError, get_or_404
from app.api.query import date_arg
from app.api.spec import api_route, json_body, schema
from app.core import clock
from app.core.validation import parse_iso_date
from app.people.models import Team, User
from app.rosters import grid
from app.rosters.duty import PersonOnDay, on_duty, people_of
from app.rosters.leave import LEAVE_KINDS, add_leave, leaves_of, remove_leave
from app.rosters.models import StaffLeave
from app.sites.models import Site

TAG = "rosters"
_DATE = {"type": "string", "format": "date", "description": "YYYY-MM-DD"}

PERSON_DAY = {
    "type": "object",
    "required": ["user_id", "name", "shift", "on_leave"],
    "properties": {
        "user_id": {"type": "integer"},
        "name": {"type": "string"},
        "shift": {"type": ["string", "null"], "description": "Shift key; null = rest day"},
        "on_leave": {"type": "boolean"},
    },
}
ROSTER = schema(
    "TeamRoster",
    {
        "type": "object",
        "required": ["team_id", "site_id", "first_day", "last_day", "days"],
        "properties": {
            "team_id": {"type": "integer"},
            "site_id": {"type": "integer"},
            "first_day": _DATE,
            "last_day": _DATE,
            "days": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "day": _DATE,
                        "workday": {"type": "boolean"},
                        "makeup_workday": {"type": "boolean", "description": "调休上班"},
                        "holiday": {"type": ["string", "null"]},
                        "people": {"type": "array", "items": PERSON_DAY},
                    },
                },
            },
        },
    },
)
ON_DUTY = schema(
    "SiteOnDuty",
    {
        "type": "object",
        "required": ["site_id", "day", "teams"],
        "properties": {
            "site_id": {"type": "integer"},
            "day": _DATE,
            "teams": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "team_id": {"type": "integer"},
                        "name": {"type": "string"},
                        "on_duty": {"type": "array", "items": PERSON_DAY},
                        "off": {"type": "array", "items": PERSON_DAY},
                    },
                },
            },
        },
    },
)
LEAVE = schema(
    "StaffLeave",
    {
        "type": "object",
        "required": ["id", "user_id", "starts_on", "ends_on", "kind", "version"],
        "properties": {
            "id": {"type": "integer"},
            "user_id": {"type": "integer"},
            "starts_on": _DATE,
            "ends_on": _DATE,
            "kind": {"type": "string", "enum": list(LEAVE_KINDS)},
            "note": {"type": "string"},
            "version": {"type": "integer"},
        },
    },
)
LEAVE_LIST = schema("StaffLeaveList", {"type": "array", "items": LEAVE})
LEAVE_CREATE = schema(
    "StaffLeaveCreate",
    {
        "type": "object",
        "required": ["starts_on", "ends_on", "kind"],
        "properties": {
            "starts_on": _DATE,
            "ends_on": {**_DATE, "description": "The last day of leave, inclusive"},
            "kind": {"type": "string", "enum": list(LEAVE_KINDS)},
            "note": {"type": "string", "maxLength": 200},
        },
        "additionalProperties": False,
    },
)


def _person_json(person: PersonOnDay) -> dict[str, Any]:
    return {
        "user_id": person.user_id,
        "name": person.name,
        "shift": person.shift,
        "on_leave": person.on_leave,
    }


def leave_json(leave: StaffLeave) -> dict[str, Any]:
    return {
        "id": leave.id,
        "user_id": leave.user_id,
        "starts_on": leave.starts_on.isoformat(),
        "ends_on": leave.ends_on.isoformat(),
        "kind": leave.kind,
        "note": leave.note,
        "version": leave.version,
    }


@api_route(
    "/teams/<int:team_id>/roster",
    "GET",
    summary="A team's roster over a week or a month: shifts, leave and holidays",
    tag=TAG,
    permission="plans.view",
    response_schema=ROSTER,
    query=(
        ("start", "string", "A day in the period (YYYY-MM-DD); default today"),
        ("span", "string", "week (default, Monday to Sunday) or month"),
    ),
)
def team_roster(team_id: int) -> ResponseReturnValue:
    """Who works which shift on each day of a team's week or month."""
    team = get_or_404(Team, team_id, "team")
    site = get_or_404(Site, team.site_id, "site")
    span = request.args.get("span") or grid.WEEK
    if span not in grid.SPANS:
        raise ApiError(422, "invalid", "span must be week or month", {"span": span[:40]})
    first_day, last_day = grid.period(date_arg("start") or clock.local_today(site.timezone), span)
    roster = grid.team_grid(team, first_day, last_day)
    days = [
        {
            "day": head.day.isoformat(),
            "workday": head.workday,
            "makeup_workday": head.makeup,
            "holiday": head.holiday[0] if head.holiday else None,
            "people": [_person_json(p) for p in people_of(roster, head.day)],
        }
        for head in roster.days
    ]
    return {
        "team_id": team.id,
        "site_id": site.id,
        "first_day": first_day.isoformat(),
        "last_day": last_day.isoformat(),
        "days": days,
    }


@api_route(
    "/sites/<int:site_id>/on-duty",
    "GET",
    summary="Who is on duty at a site on a day, team by team",
    tag=TAG,
    permission="plans.view",
    response_schema=ON_DUTY,
    query=(("day", "string", "YYYY-MM-DD; default today at the site"),),
)
def site_on_duty(site_id: int) -> ResponseReturnValue:
    """Each team of a site with who works that day and who is off or on leave."""
    site = get_or_404(Site, site_id, "site")
    day = date_arg("day") or clock.local_today(site.timezone)
    teams = [
        {
            "team_id": entry.team.id,
            "name": entry.team.name,
            "on_duty": [_person_json(p) for p in entry.on_duty],
            "off": [_person_json(p) for p in entry.off],
        }
        for entry in on_duty(site, day)
    ]
    return {"site_id": site.id, "day": day.isoformat(), "teams": teams}


@api_route(
    "/staff/<int:user_id>/leave",
    "GET",
    summary="A person's leave from today on",
    tag=TAG,
    permission="plans.view",
    response_schema=LEAVE_LIST,
    query=(("from", "string", "Leave ending on or after this day (default today)"),),
)
def list_leave(user_id: int) -> ResponseReturnValue:
    """A person's current and future leave."""
    user = get_or_404(User, user_id, "member of staff")
    today = clock.local_today(current_app.config["ROUNDS_TIMEZONE"])
    return [leave_json(leave) for leave in leaves_of(user, date_arg("from") or today)]


@api_route(
    "/staff/<int:user_id>/leave",
    "POST",
    summary="Record leave; the person's future work is reassigned in the same commit",
    tag=TAG,
    permission="plans.edit",
    request_schema=LEAVE_CREATE,
    response_schema=LEAVE,
    status=201,
)
def create_leave(user_id: int) -> ResponseReturnValue:
    """Add a person's leave and re-plan their work around it."""
    user = get_or_404(User, user_id, "member of staff")
    body = json_body(LEAVE_CREATE)
    leave = add_leave(
        user,
        parse_iso_date("starts_on", body["starts_on"]),
        parse_iso_date("ends_on", body["ends_on"]),
        body["kind"],
        body.get("note", ""),
    )
    return leave_json(leave), 201


@api_route(
    "/leave/<int:leave_id>",
    "DELETE",
    summary="Cancel leave (send ?version= you saw); the person's work is re-planned",
    tag=TAG,
    permission="plans.edit",
    query=(("version", "integer", "The leave's version you saw; a newer one is a 409"),),
    status=204,
)
def delete_leave(leave_id: int) -> ResponseReturnValue:
    """Cancel a leave and put the person back on their work."""
    leave = get_or_404(StaffLeave, leave_id, "leave")
    remove_leave(leave, request.args.get("version", type=int))
    return "", 204
