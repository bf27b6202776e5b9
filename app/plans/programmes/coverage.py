"""The coverage check: which proposed work nobody would be assigned to, and why.

Shown before a bulk apply is confirmed, so a supervisor fixes the cause (give a
licence, set the contractor, choose a team whose shift covers the time) before 80%
of the work orders come out unassigned. It checks the same facts the assigner reads:
the team's members, their valid licences, the team's shift pattern, the contractor.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.people.models import TeamMembership
from app.plans.programmes.proposals import ProposedPlan, TeamFacts, site_teams
from app.plans.programmes.units import OFFICE_WEEK
from app.sites.models import Site
from schedules import HolidayPolicy
from schedules.shifts import OFFICE, PRESETS, Shift


class GapCause(enum.StrEnum):
    NO_CONTRACTOR = "no_contractor"
    NO_TEAM = "no_team"
    NO_MEMBERS = "no_members"
    NO_LICENCE = "no_licence"
    SHIFT = "shift"


@dataclass(frozen=True)
class Gap:
    """Why one proposed plan's work would be unassigned; the ids say what to fix."""

    cause: GapCause
    team_id: int | None
    licence_kind: str | None
    time_of_day: time


class CoverageCheck:
    """The site's teams, read once, to check many proposed plans."""

    def __init__(self, site: Site) -> None:
        self.teams: dict[int, TeamFacts] = {t.id: t for t in site_teams(site)}
        counts = db.session.execute(
            select(TeamMembership.team_id, func.count())
            .where(TeamMembership.team_id.in_(list(self.teams) or [0]))
            .group_by(TeamMembership.team_id)
        )
        self.members: dict[int, int] = {team_id: n for team_id, n in counts}

    def gap(self, row: ProposedPlan, team_id: int | None = None) -> Gap | None:
        """The first reason nobody would get this work (None: someone can)."""
        unit = row.unit
        when = row.time_of_day
        licence = unit.fields["licence_kind"]
        if unit.contracted:
            if row.contractor_id is None:
                return Gap(GapCause.NO_CONTRACTOR, None, licence, when)
            return None
        team_id = team_id if team_id is not None else row.team_id
        team = self.teams.get(team_id) if team_id is not None else None
        if team is None:
            return Gap(GapCause.NO_TEAM, None, licence, when)
        if not self.members.get(team.id):
            return Gap(GapCause.NO_MEMBERS, team.id, licence, when)
        if licence is not None and licence not in team.licences:
            return Gap(GapCause.NO_LICENCE, team.id, licence, when)
        every_day = row.holiday_policy == HolidayPolicy.IGNORE.value
        if not covers(team.shift_pattern, when, every_day):
            return Gap(GapCause.SHIFT, team.id, licence, when)
        return None


def covers(pattern_key: str | None, when: time, every_day: bool) -> bool:
    """Whether a team on this shift pattern is on duty at `when` (and on every day, if
    the work runs every day); a team without a pattern keeps office hours."""
    office = pattern_key in (None, OFFICE_WEEK)
    if every_day and office:
        return False
    pattern = PRESETS.get(pattern_key or OFFICE_WEEK)
    shifts = pattern.shifts if pattern is not None else (OFFICE,)
    return any(_within(shift, when) for shift in shifts)


def _within(shift: Shift, when: time) -> bool:
    day = datetime(2000, 1, 2)
    start = datetime.combine(day, shift.start)
    end = start + timedelta(hours=shift.hours)
    moment = datetime.combine(day, when)
    return start <= moment < end or start <= moment + timedelta(days=1) < end
