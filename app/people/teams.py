"""Teams and who is in them (the roster's pools). Services flush; callers commit."""

import re

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from app.core.signals import staff_changed
from app.core.text import check_lines, clean_code, clean_name
from app.core.validation import (
    N_,
    UNSET,
    Problems,
    Unset,
    check_version,
    count_references,
    pick,
)
from app.extensions import db
from app.people.errors import PeopleError, refuse
from app.people.models import (
    TEAM_KINDS,
    Team,
    TeamMembership,
    User,
)
from app.sites.models import Site
from schedules import PRESETS

_TEAM_CODE = re.compile(r"^\S{1,32}$")


def get_team(team_id: int) -> Team | None:
    return db.session.get(Team, team_id)


def teams_query(site_id: int | None = None) -> Select[tuple[Team]]:
    stmt = (
        select(Team)
        .options(selectinload(Team.memberships).selectinload(TeamMembership.user))
        .order_by(Team.site_id, Team.code)
    )
    return stmt if site_id is None else stmt.where(Team.site_id == site_id)


def list_teams(site_id: int | None = None) -> list[Team]:
    return list(db.session.scalars(teams_query(site_id)))


def _check_team(
    team: Team | None,
    site_id: int,
    code: str,
    name: str,
    kind: str,
    shift_pattern: str | None,
) -> None:
    problems = Problems()
    check_lines(problems, code=code, name=name)
    if db.session.get(Site, site_id) is None:
        problems.add("site_id", N_("Choose a site."))
    if not code:
        problems.add("code", N_("Enter a code."))
    elif not _TEAM_CODE.match(code):
        problems.add("code", N_("No spaces, at most 32 characters."))
    elif "site_id" not in problems:
        other = db.session.scalar(select(Team).where(Team.site_id == site_id, Team.code == code))
        if other is not None and other is not team:
            problems.add("code", N_("Another team of this site already uses %(code)s.", code=code))
    if not name:
        problems.add("name", N_("Enter a name."))
    elif len(name) > 100:
        problems.add("name", N_("At most %(n)d characters.", n=100))
    if kind not in TEAM_KINDS:
        problems.add("kind", N_("Choose a kind from the list."))
    if shift_pattern is not None and shift_pattern not in PRESETS:
        problems.add("shift_pattern", N_("Choose a shift pattern from the list."))
    problems.raise_if_any(PeopleError)


def create_team(
    site_id: int, code: str, name: str, kind: str, shift_pattern: str | None = None
) -> Team:
    code, name = clean_code(code), clean_name(name)
    shift_pattern = (shift_pattern or "").strip() or None
    _check_team(None, site_id, code, name, kind, shift_pattern)
    team = Team(site_id=site_id, code=code, name=name, kind=kind, shift_pattern=shift_pattern)
    db.session.add(team)
    db.session.flush()
    return team


def update_team(
    team: Team,
    version: int | None,
    *,
    code: str | Unset = UNSET,
    name: str | Unset = UNSET,
    kind: str | Unset = UNSET,
    shift_pattern: str | Unset | None = UNSET,
) -> Team:
    """Change the given fields; a team stays with its site (its plans and rosters do too).

    A new shift pattern moves its members' duties, so their future visits follow.
    """
    check_version(team, version)
    new_code = clean_code(pick(code, team.code))
    new_name = clean_name(pick(name, team.name))
    new_kind = pick(kind, team.kind)
    new_pattern = (pick(shift_pattern, team.shift_pattern) or "").strip() or None
    _check_team(team, team.site_id, new_code, new_name, new_kind, new_pattern)
    rostered = new_pattern != team.shift_pattern
    team.code, team.name, team.kind, team.shift_pattern = new_code, new_name, new_kind, new_pattern
    db.session.flush()
    if rostered:
        staff_changed.send(None, team_ids=[team.id], user_ids=[m.id for m in team.members])
    return team


def delete_team(team: Team, version: int | None) -> None:
    """Remove a team nothing points at; plans, work orders or equipment keep it alive.

    Memberships go with the team. Deleting a used team would silently leave its
    plans and work orders without anyone responsible.
    """
    check_version(team, version)
    used = count_references(team, ignore=frozenset({"team_membership"}))
    if used:
        refuse("_", N_("This team is still used by %(n)d records; reassign them first.", n=used))
    members = team.members
    db.session.delete(team)
    db.session.flush()
    # they no longer work its shifts on their other teams' plans
    staff_changed.send(None, user_ids=[m.id for m in members])


def _membership(team: Team, user: User) -> TeamMembership | None:
    return db.session.get(TeamMembership, (team.id, user.id))


def add_membership(
    team: Team, user: User, is_lead: bool = False, rotation_offset: int = 0
) -> TeamMembership:
    """Put an active member of staff in a team, optionally as its lead (班长)."""
    if _membership(team, user) is not None:
        refuse("user_id", N_("%(name)s is already in this team.", name=user.name))
    if not user.active:
        refuse("user_id", N_("%(name)s is inactive.", name=user.name))
    if rotation_offset < 0:
        refuse("rotation_offset", N_("Use zero or a positive number."))
    membership = TeamMembership(
        team=team, user=user, is_lead=is_lead, rotation_offset=rotation_offset
    )
    db.session.add(membership)
    db.session.flush()
    staff_changed.send(None, team_ids=[team.id], user_ids=[user.id])
    return membership


def update_membership(
    team: Team,
    user: User,
    *,
    is_lead: bool | Unset = UNSET,
    rotation_offset: int | Unset = UNSET,
) -> TeamMembership:
    membership = _membership(team, user)
    if membership is None:
        raise PeopleError({"user_id": N_("%(name)s is not in this team.", name=user.name)})
    new_offset = pick(rotation_offset, membership.rotation_offset)
    if new_offset < 0:
        refuse("rotation_offset", N_("Use zero or a positive number."))
    rostered = new_offset != membership.rotation_offset  # the lead role assigns nothing
    membership.is_lead = pick(is_lead, membership.is_lead)
    membership.rotation_offset = new_offset
    db.session.flush()
    if rostered:
        staff_changed.send(None, user_ids=[user.id])
    return membership


def remove_membership(team: Team, user: User) -> None:
    membership = _membership(team, user)
    if membership is None:
        refuse("user_id", N_("%(name)s is not in this team.", name=user.name))
    db.session.delete(membership)
    db.session.flush()
    db.session.expire(team, ["memberships"])
    db.session.expire(user, ["memberships"])
    staff_changed.send(None, team_ids=[team.id], user_ids=[user.id])
