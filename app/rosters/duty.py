"""Who is on duty at a site on one day, team by team: the roster the scheduler assigns
with, read for an integration (a gate system, a chat robot) rather than drawn as a grid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.people.models import Team
from app.rosters.grid import Grid, team_grid
from app.sites.models import Site


@dataclass(frozen=True)
class PersonOnDay:
    user_id: int
    name: str
    shift: str | None
    on_leave: bool


@dataclass(frozen=True)
class TeamOnDay:
    team: Team
    on_duty: list[PersonOnDay]
    off: list[PersonOnDay]  # resting or on leave


def people_of(grid: Grid, day: date) -> list[PersonOnDay]:
    """Each person of a grid on `day` (the unassigned-work row is left out)."""
    people = []
    for row in grid.rows:
        if row.user is None:
            continue
        cell = next(c for c in row.cells if c.day == day)
        people.append(PersonOnDay(row.user.id, row.user.name, cell.shift, cell.on_leave))
    return people


def on_duty(site: Site, day: date) -> list[TeamOnDay]:
    """Every team of the site with who works on `day` and who is off or on leave."""
    teams = db.session.scalars(select(Team).where(Team.site_id == site.id).order_by(Team.name))
    result = []
    for team in teams:
        people = people_of(team_grid(team, day, day), day)
        working = [p for p in people if p.shift is not None and not p.on_leave]
        result.append(TeamOnDay(team, working, [p for p in people if p not in working]))
    return result
