"""Team rosters over a horizon: who works which shift on which day, minus leave.

Built once per site and horizon, then asked "who is on duty at instant t" for every
occurrence, so duties are indexed by the day they start and a lookup only looks at
that day and the day before (for night shifts crossing midnight).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from schedules.calendar import WorkCalendar
from schedules.shifts import PRESETS, RotationPattern
from schedules.wallclock import localize, to_wall, zone

_ONE_DAY = dt.timedelta(days=1)
_UTC = dt.UTC


@dataclass(frozen=True, slots=True)
class Team:
    """A team following a rotation pattern (a preset key such as "four_team_three_shift").

    `cycle_offset` is how many days along the cycle the team is; by default the n-th
    team of a pattern (in the order given) is n × `team_step` days along.
    """

    key: str
    members: tuple[str, ...]
    pattern: str
    cycle_offset: int | None = None


@dataclass(frozen=True, slots=True)
class Leave:
    """A member is away on every day from `first_day` to `last_day` inclusive."""

    member: str
    first_day: dt.date
    last_day: dt.date


@dataclass(frozen=True, slots=True)
class Duty:
    """One member on one shift; `starts`/`ends` are aware, `day` is the start day."""

    member: str
    team: str
    shift: str
    day: dt.date
    starts: dt.datetime
    ends: dt.datetime


class Roster:
    """Duties by start day, with quick "on duty at t" lookups."""

    def __init__(
        self,
        duties: Iterable[Duty],
        timezone: str,
        teams: Sequence[Team] = (),
        leaves: Iterable[Leave] = (),
    ) -> None:
        self.timezone = timezone
        self.teams = {team.key: team for team in teams}
        self._by_day: dict[dt.date, list[Duty]] = {}
        for duty in duties:
            self._by_day.setdefault(duty.day, []).append(duty)
        self._leaves: dict[str, list[Leave]] = {}
        for leave in leaves:
            self._leaves.setdefault(leave.member, []).append(leave)
        self._asked: tuple[dt.datetime, frozenset[str]] | None = None

    def duties_on(self, day: dt.date) -> tuple[Duty, ...]:
        """Duties starting on `day`."""
        return tuple(self._by_day.get(day, ()))

    def on_duty(self, instant: dt.datetime) -> tuple[Duty, ...]:
        """Duties covering `instant` (aware, or naive wall time in the roster's zone)."""
        wall = to_wall(instant, self.timezone) if instant.tzinfo else instant
        aware = instant if instant.tzinfo else localize(wall, zone(self.timezone), self.timezone)
        day = wall.date()
        found = []
        for start_day in (day - _ONE_DAY, day):
            for duty in self._by_day.get(start_day, ()):
                if duty.starts <= aware < duty.ends:
                    found.append(duty)
        return tuple(found)

    def members_on_duty(self, instant: dt.datetime) -> frozenset[str]:
        return frozenset(duty.member for duty in self.on_duty(instant))

    def is_on_duty(self, member: str, instant: dt.datetime) -> bool:
        """Whether `member` is on duty at `instant`. Assignment asks this of one person at
        a time, so a roster may answer from that person's shifts alone; this one keeps
        the last instant's on-duty set for the next person asked."""
        if self._asked is None or self._asked[0] != instant:
            self._asked = (instant, self.members_on_duty(instant))
        return member in self._asked[1]

    def on_leave(self, member: str, day: dt.date) -> bool:
        return any(lv.first_day <= day <= lv.last_day for lv in self._leaves.get(member, ()))

    def team_members(self, team: str) -> tuple[str, ...]:
        """A team the roster does not know (nobody on it yet) has no members: its visits stay
        unassigned instead of failing the plan's generation with a KeyError."""
        known = self.teams.get(team)
        return known.members if known is not None else ()


def build_roster(
    teams: Sequence[Team],
    first_day: dt.date,
    last_day: dt.date,
    *,
    epoch: dt.date,
    timezone: str = "Asia/Shanghai",
    calendar: WorkCalendar | None = None,
    leaves: Iterable[Leave] = (),
    patterns: Mapping[str, RotationPattern] = PRESETS,
) -> Roster:
    """Duties for every day in [first_day, last_day]; `epoch` is cycle day 0.

    `calendar` is needed for patterns that follow working days (office_week).
    """
    leaves = tuple(leaves)
    away = {(lv.member, lv.first_day + _ONE_DAY * i)
            for lv in leaves for i in range((lv.last_day - lv.first_day).days + 1)}  # fmt: skip
    tz = zone(timezone)
    seen_per_pattern: dict[str, int] = {}
    duties: list[Duty] = []
    for team in teams:
        pattern = patterns[team.pattern]
        position = seen_per_pattern.get(pattern.key, 0)
        seen_per_pattern[pattern.key] = position + 1
        offset = (
            team.cycle_offset if team.cycle_offset is not None else position * pattern.team_step
        )
        if pattern.follows_workdays and calendar is None:
            raise ValueError(f"team {team.key}: pattern {pattern.key} needs a work calendar")
        day = first_day
        while day <= last_day:
            shift_key = _shift_on(pattern, day, epoch, offset, calendar)
            if shift_key is not None:
                shift = pattern.shift(shift_key)
                starts = localize(dt.datetime.combine(day, shift.start), tz, timezone)
                ends = (starts.astimezone(_UTC) + shift.duration).astimezone(tz)
                for member in team.members:
                    if (member, day) not in away:
                        duties.append(Duty(member, team.key, shift_key, day, starts, ends))
            day += _ONE_DAY
    return Roster(duties, timezone, teams, leaves)


def _shift_on(
    pattern: RotationPattern,
    day: dt.date,
    epoch: dt.date,
    offset: int,
    calendar: WorkCalendar | None,
) -> str | None:
    if pattern.follows_workdays:
        assert calendar is not None
        return pattern.cycle[0] if calendar.is_workday(day) else None
    return pattern.entry((day - epoch).days, offset)
