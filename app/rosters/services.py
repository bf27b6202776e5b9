"""Who can do a visit: engine rosters and staff built from teams, memberships, leave, licences.

The engine knows nothing of the database, so this module turns people into plain
engine values once per generation run (or per edited plan): a `Roster` whose
duties are worked out per day when asked, and a `StaffMember` (name + licences)
per person. Keys are the stringified database ids, so engine answers map straight
back to rows.

Rotation: every team walks its shift pattern (a preset key of `schedules.PRESETS`)
from `ROSTER_EPOCH`; a member is `rotation_offset` days along the cycle, so one
engineering team of eight on 四班三运转 has offsets 0, 2, 4 and 6. People in no team
with a pattern work office hours on working days (`DEFAULT_PATTERN`), so a named
assignee without a roster is still on duty for ordinary day-time visits.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Row, or_, select

from app.extensions import db
from app.people.models import Licence, Team, TeamMembership, User
from app.rosters.models import StaffLeave
from schedules import PRESETS, Duty, Leave, Roster, StaffMember, WorkCalendar
from schedules import Licence as EngineLicence
from schedules import Team as EngineTeam
from schedules.wallclock import localize, to_wall, zone

ROSTER_EPOCH = date(2024, 1, 1)
"""Cycle day 0 of every rotation (a Monday); member offsets count from it."""

DEFAULT_PATTERN = "office_week"
_ONE_DAY = timedelta(days=1)


def staff_key(user_id: int) -> str:
    return str(user_id)


def team_key(team_id: int) -> str:
    return str(team_id)


@dataclass(frozen=True)
class StaffPool:
    """Everything assignment needs for a set of people: duties, names, licences, teams."""

    roster: Roster
    staff: Mapping[str, StaffMember]
    team_members: Mapping[int, tuple[int, ...]]  # team id → active member ids, by id
    unknown_patterns: frozenset[str] = frozenset()

    def members_of(self, team_id: int) -> tuple[int, ...]:
        return self.team_members.get(team_id, ())


def staff_pool(
    *,
    team_ids: Collection[int],
    user_ids: Collection[int] = (),
    timezone: str,
    calendar: WorkCalendar,
) -> StaffPool:
    """Roster and staff for the members of `team_ids` plus the people `user_ids`.

    A person's duties come from every team they belong to (any site), so someone
    lent to another site is still on duty on their own shifts. The roster works
    duties out per day when asked, so any horizon costs only the days looked at.
    """
    members = select(TeamMembership.user_id).where(TeamMembership.team_id.in_(list(team_ids)))
    rows = db.session.execute(
        select(
            User.id,
            User.name,
            TeamMembership.team_id,
            TeamMembership.rotation_offset,
            Team.shift_pattern,
        )
        .outerjoin(TeamMembership, TeamMembership.user_id == User.id)
        .outerjoin(Team, Team.id == TeamMembership.team_id)
        .where(User.active.is_(True), or_(User.id.in_(list(user_ids)), User.id.in_(members)))
        .order_by(TeamMembership.team_id, User.id)
    ).all()
    users = {row.id: row.name for row in rows}
    team_members: dict[int, list[int]] = {team_id: [] for team_id in team_ids}
    for row in rows:
        if row.team_id in team_members:
            team_members[row.team_id].append(row.id)
    crews, unknown = _crews(users, rows)
    return StaffPool(
        roster=LazyRoster(crews, _leaves(users), timezone, calendar),
        staff=_staff(users),
        team_members={team_id: tuple(ids) for team_id, ids in team_members.items()},
        unknown_patterns=unknown,
    )


class LazyRoster(Roster):
    """An engine `Roster` that works duties out per day when asked, never in bulk.

    Generation asks about instants from a month back to years ahead (the next visit
    of a yearly task), one plan at a time; materialising every member's duty for
    every day in between (`schedules.build_roster`) cost more than the rest of an
    edited plan's regeneration. Each (pattern, offset, day) shift window is worked
    out once, and "who is on duty at t" is a handful of comparisons. The answers
    are those of `build_roster` with the same teams, epoch and leave (tested).
    """

    def __init__(
        self,
        crews: Sequence[EngineTeam],
        leaves: Sequence[Leave],
        timezone: str,
        calendar: WorkCalendar,
    ) -> None:
        super().__init__((), timezone, crews, leaves)
        self._crews = tuple(crews)
        self._tz = zone(timezone)
        self._calendar = calendar
        self._away = {
            (lv.member, lv.first_day + timedelta(days=i))
            for lv in leaves
            for i in range((lv.last_day - lv.first_day).days + 1)
        }
        self._windows: dict[tuple[str, int, date], _Window | None] = {}
        self._days: dict[date, tuple[Duty, ...]] = {}
        self._on_duty: dict[datetime, frozenset[str]] = {}
        self._crews_of: dict[str, list[EngineTeam]] = {}
        for crew in self._crews:
            for member in crew.members:
                self._crews_of.setdefault(member, []).append(crew)
        self._last_asked: tuple[datetime, date, datetime] | None = None

    def _window(self, crew: EngineTeam, day: date) -> _Window | None:
        offset = crew.cycle_offset or 0
        key = (crew.pattern, offset, day)
        if key in self._windows:
            return self._windows[key]
        pattern = PRESETS[crew.pattern]
        if pattern.follows_workdays:
            shift_key = pattern.cycle[0] if self._calendar.is_workday(day) else None
        else:
            shift_key = pattern.entry((day - ROSTER_EPOCH).days, offset)
        window = None
        if shift_key is not None:
            window = _shift_window(crew.pattern, shift_key, day, self.timezone)
        self._windows[key] = window
        return window

    def duties_on(self, day: date) -> tuple[Duty, ...]:
        duties = self._days.get(day)
        if duties is None:
            duties = self._days[day] = tuple(
                Duty(member, crew.key, window.shift, day, window.starts, window.ends)
                for crew in self._crews
                if (window := self._window(crew, day)) is not None
                for member in crew.members
                if (member, day) not in self._away
            )
        return duties

    def _wall_and_aware(self, instant: datetime) -> tuple[date, datetime]:
        if instant.tzinfo is None:
            return instant.date(), localize(instant, self._tz, self.timezone)
        return to_wall(instant, self.timezone).date(), instant

    def on_duty(self, instant: datetime) -> tuple[Duty, ...]:
        day, aware = self._wall_and_aware(instant)
        return tuple(
            duty
            for start_day in (day - _ONE_DAY, day)
            for duty in self.duties_on(start_day)
            if duty.starts <= aware < duty.ends
        )

    def members_on_duty(self, instant: datetime) -> frozenset[str]:
        """Cached per instant: hundreds of plans share each due time (08:00 every day)."""
        members = self._on_duty.get(instant)
        if members is None:
            day, aware = self._wall_and_aware(instant)
            found: set[str] = set()
            for start_day in (day - _ONE_DAY, day):
                for crew in self._crews:
                    window = self._window(crew, start_day)
                    if window is not None and window.starts <= aware < window.ends:
                        found.update(m for m in crew.members if (m, start_day) not in self._away)
            members = self._on_duty[instant] = frozenset(found)
        return members

    def is_on_duty(self, member: str, instant: datetime) -> bool:
        """From the member's own crews: a site's roster has a dozen, and assignment asks
        about one or two people per visit (all at the same instant, remembered)."""
        members = self._on_duty.get(instant)
        if members is not None:
            return member in members
        if self._last_asked is None or self._last_asked[0] is not instant:
            self._last_asked = (instant, *self._wall_and_aware(instant))
        _, day, aware = self._last_asked
        for crew in self._crews_of.get(member, ()):
            for start_day in (day - _ONE_DAY, day):
                window = self._window(crew, start_day)
                if (
                    window is not None
                    and window.starts <= aware < window.ends
                    and (member, start_day) not in self._away
                ):
                    return True
        return False

    def on_leave(self, member: str, day: date) -> bool:
        return (member, day) in self._away


@dataclass(frozen=True, slots=True)
class _Window:
    shift: str
    starts: datetime
    ends: datetime


@lru_cache(maxsize=16384)
def _shift_window(pattern: str, shift_key: str, day: date, timezone: str) -> _Window:
    """A preset shift's aware start and end on `day`, shared by every roster of the process.

    A roster is built afresh for each edited plan, and this zone arithmetic, repeated
    for every day of a daily plan's year, was most of what its roster cost.
    """
    shift = PRESETS[pattern].shift(shift_key)
    tz = zone(timezone)
    starts = localize(datetime.combine(day, shift.start), tz, timezone)
    return _Window(shift_key, starts, (starts.astimezone(UTC) + shift.duration).astimezone(tz))


def _crews(
    users: Mapping[int, str], memberships: Iterable[Row[Any]]
) -> tuple[list[EngineTeam], frozenset[str]]:
    """One engine team per (pattern, rotation offset); people without a pattern: office hours."""
    crews: dict[tuple[str, int], list[str]] = {}
    unknown: set[str] = set()
    with_team: set[int] = set()
    for row in memberships:
        pattern = row.shift_pattern
        if pattern is None:
            continue
        if pattern not in PRESETS:
            unknown.add(pattern)
            pattern = DEFAULT_PATTERN
        crews.setdefault((pattern, row.rotation_offset), []).append(staff_key(row.id))
        with_team.add(row.id)
    loners = [staff_key(u) for u in users if u not in with_team]
    if loners:
        crews.setdefault((DEFAULT_PATTERN, 0), []).extend(loners)
    teams = [
        EngineTeam(f"{pattern}@{offset}", tuple(dict.fromkeys(members)), pattern, offset)
        for (pattern, offset), members in sorted(crews.items())
    ]
    return teams, frozenset(unknown)


def _leaves(users: Mapping[int, str]) -> list[Leave]:
    if not users:
        return []
    rows = db.session.execute(
        select(StaffLeave.user_id, StaffLeave.starts_on, StaffLeave.ends_on)
        .where(StaffLeave.user_id.in_(list(users)))
        .order_by(StaffLeave.user_id, StaffLeave.starts_on)
    )
    return [Leave(staff_key(user_id), starts, ends) for user_id, starts, ends in rows]


def _staff(users: Mapping[int, str]) -> dict[str, StaffMember]:
    licences: dict[int, list[EngineLicence]] = {}
    if users:
        rows = db.session.execute(
            select(Licence.user_id, Licence.kind, Licence.expires_on)
            .where(Licence.user_id.in_(list(users)))
            .order_by(Licence.user_id, Licence.id)
        )
        for user_id, kind, expires_on in rows:
            licences.setdefault(user_id, []).append(EngineLicence(kind, expires_on))
    return {
        staff_key(user_id): StaffMember(staff_key(user_id), name, tuple(licences.get(user_id, ())))
        for user_id, name in users.items()
    }


def site_team_ids(site_id: int) -> list[int]:
    """Every team of a site, for a whole-site generation run."""
    return list(
        db.session.scalars(select(Team.id).where(Team.site_id == site_id).order_by(Team.id))
    )
