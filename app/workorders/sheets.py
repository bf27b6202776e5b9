"""Whose paper sheet, and for which day: defaults from who asks and when, and its limits.

A lead's sheet is her own team's: the page opens on it, and after her team's shift
has ended it opens on tomorrow (she prints or enters the next day's sheet). She can
never enter another team's work, so a cleaning lead cannot mark statutory lift work
done; supervisors and admins may enter any team's sheet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.core import clock
from app.extensions import db
from app.people.models import Team, TeamMembership, User
from app.sites.models import Site
from app.workorders.models import WorkOrder
from app.workorders.services import NotYours
from schedules import PRESETS

ANY_TEAM_ROLES = frozenset({"admin", "supervisor"})
OFFICE_DAY_END = time(17, 30)
"""When a team without a preset shift (or a person without a team) ends the day."""


class OutsideYourTeams(NotYours):
    """A lead asked to enter work that belongs to a team she is not in."""

    def __init__(self, team_names: Iterable[str]) -> None:
        super().__init__()
        self.team_names = sorted(set(team_names))

    def message(self) -> str:
        return _(
            "You can enter the sheets of your own team only; this work belongs to %(teams)s. "
            "Nothing was saved.",
            teams="、".join(self.team_names) or _("no team"),
        )


@dataclass(frozen=True)
class SheetChoice:
    """The day and team a sheet page or print link opens on."""

    day: date
    team: Team | None


def may_enter_any_team(user: User, site_id: int | None = None) -> bool:
    """Whether the user's roles at the site (at any site, without one) cover every team."""
    return bool(user.roles_at(site_id) & ANY_TEAM_ROLES)


def own_teams(user: User, site_id: int | None = None) -> list[Team]:
    """The user's teams, the ones they lead first (then by code)."""
    stmt = (
        select(Team)
        .join(TeamMembership, TeamMembership.team_id == Team.id)
        .where(TeamMembership.user_id == user.id)
        .order_by(TeamMembership.is_lead.desc(), Team.code)
    )
    if site_id is not None:
        stmt = stmt.where(Team.site_id == site_id)
    return list(db.session.scalars(stmt).unique())


def shift_end(team: Team | None, day: date) -> time:
    """When the team's first shift of the day ends (a day shift's end for rotations)."""
    pattern = PRESETS.get(team.shift_pattern or "") if team is not None else None
    if pattern is None or not pattern.shifts:
        return OFFICE_DAY_END
    first = min(pattern.shifts, key=lambda shift: shift.start)
    return (datetime.combine(day, first.start) + first.duration).time()


def default_day(team: Team | None, now: datetime) -> date:
    """Today, or tomorrow once the team's shift has ended (`now` is local wall time)."""
    today = now.date()
    return today + timedelta(days=1) if now.time() >= shift_end(team, today) else today


def sheet_choice(
    user: User, site_id: int | None, tz_name: str, team_id: int | None, day: date | None
) -> SheetChoice:
    """What the person asked for, the gaps filled from who they are and the time of day."""
    team = db.session.get(Team, team_id) if team_id is not None else None
    if team is None and not may_enter_any_team(user, site_id):
        teams = own_teams(user, site_id)
        team = teams[0] if teams else None
    now = clock.local_now(tz_name).replace(tzinfo=None)
    return SheetChoice(day or default_day(team, now), team)


def sheet_teams(user: User, site_id: int) -> list[Team]:
    """The teams whose sheet the user may choose at a site: all, or only their own."""
    if not may_enter_any_team(user, site_id):
        return own_teams(user, site_id)
    return list(db.session.scalars(select(Team).where(Team.site_id == site_id).order_by(Team.code)))


@dataclass(frozen=True)
class MySheet:
    """The lead's next paper sheet, for the button on 我的工作."""

    site: Site
    choice: SheetChoice


def my_sheet(user: User) -> MySheet | None:
    """The sheet a team lead most likely wants now; None for people who lead no team."""
    stmt = (
        select(Team)
        .join(TeamMembership, TeamMembership.team_id == Team.id)
        .where(TeamMembership.user_id == user.id, TeamMembership.is_lead.is_(True))
        .order_by(Team.code)
        .limit(1)
    )
    team = db.session.scalar(stmt)
    if team is None:
        return None
    site = db.session.get(Site, team.site_id)
    assert site is not None
    return MySheet(site, sheet_choice(user, site.id, site.timezone, team.id, None))


def check_sheet_scope(user: User, work_orders: Iterable[WorkOrder]) -> None:
    """Refuse the whole sheet if any row is another team's work (leads only)."""
    if may_enter_any_team(user):
        return
    mine = {team.id for team in own_teams(user)}
    foreign = [wo for wo in work_orders if wo.team_id is None or wo.team_id not in mine]
    if foreign:
        raise OutsideYourTeams(wo.team.name if wo.team else _("no team") for wo in foreign)
