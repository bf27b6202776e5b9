"""Who can do a visit: engine rosters and staff built from teams, memberships, leave, licences.

The engine knows nothing of the database, so this module turns people into plain
engine values once per generation run (or per edited plan): a `Roster` of duties
(built a month at a time, when first asked) and a `StaffMember` (name + licences)
per person. Keys are the stringified database ids, so engine answers map straight
back to rows.

Rotation: every team walks its shift pattern (a preset key of `schedules.PRESETS`)
from `ROSTER_EPOCH`; a member is `rotation_offset` days along the cycle, so one
engineering team of eight on 四班三运转 has offsets 0, 2, 4 and 6. People in no team
with a pattern work office hours on working days (`DEFAULT_PATTERN`), so a named
assignee without a roster is still on duty for ordinary day-time visits.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from threading import Lock
from typing import Any

from sqlalchemy import Row, or_, select

from app.extensions import db
from app.people.models import Licence, Team, TeamMembership, User
from app.rosters.models import StaffLeave
from schedules import PRESETS, Duty, Leave, Roster, StaffMember, WorkCalendar, build_roster
from schedules import Licence as EngineLicence
from schedules import Team as EngineTeam
from schedules.wallclock import to_wall

ROSTER_EPOCH = date(2024, 1, 1)
"""Cycle day 0 of every rotation (a Monday); member offsets count from it."""

DEFAULT_PATTERN = "office_week"
SEGMENT_DAYS = 32
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
    lent to another site is still on duty on their own shifts. The roster builds
    its duties a month at a time when first asked, so any horizon costs only the
    days it actually looks at.
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
        roster=SegmentedRoster(crews, _leaves(users), timezone, calendar),
        staff=_staff(users),
        team_members={team_id: tuple(ids) for team_id, ids in team_members.items()},
        unknown_patterns=unknown,
    )


class _SegmentCache:
    """Built segments shared across runs: duties follow from crews, leave, zone and calendar.

    One edited plan re-asks for the same months of the same team again and again;
    rebuilding them dominated `regenerate_plan`. Bounded by the number of duties held.
    """

    def __init__(self, max_duties: int) -> None:
        self.max_duties = max_duties
        self._entries: OrderedDict[Hashable, tuple[Roster, int]] = OrderedDict()
        self._duties = 0
        self._lock = Lock()

    def get(self, key: Hashable) -> Roster | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, roster: Roster, size: int) -> None:
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (roster, size)
            self._duties += size
            while self._duties > self.max_duties and len(self._entries) > 1:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._duties -= dropped


_SEGMENT_CACHE = _SegmentCache(max_duties=200_000)


class SegmentedRoster(Roster):
    """An engine `Roster` whose duties are built per 32-day segment on first use.

    Generation asks about instants anywhere from a month back to years ahead (the
    next visit of a yearly task); building every day in between for every member
    would cost far more than the handful of days asked about.
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
        self._leave_list = tuple(leaves)
        self._calendar = calendar
        self._segments: dict[int, Roster] = {}
        self._on_duty: dict[datetime, frozenset[str]] = {}
        self._away = {
            (lv.member, lv.first_day + timedelta(days=i))
            for lv in self._leave_list
            for i in range((lv.last_day - lv.first_day).days + 1)
        }

    def _segment(self, day: date) -> Roster:
        index = (day - ROSTER_EPOCH).days // SEGMENT_DAYS
        segment = self._segments.get(index)
        if segment is None:
            first = ROSTER_EPOCH + timedelta(days=index * SEGMENT_DAYS)
            last = first + timedelta(days=SEGMENT_DAYS - 1)
            leaves = tuple(
                lv for lv in self._leave_list if lv.first_day <= last and lv.last_day >= first
            )
            needs_calendar = any(PRESETS[c.pattern].follows_workdays for c in self._crews)
            key = (
                self._crews,
                leaves,
                self.timezone,
                self._calendar.overrides if needs_calendar else (),
                index,
            )
            segment = _SEGMENT_CACHE.get(key)
            if segment is None:
                segment = build_roster(
                    self._crews,
                    first,
                    last,
                    epoch=ROSTER_EPOCH,
                    timezone=self.timezone,
                    calendar=self._calendar,
                    leaves=leaves,
                )
                size = SEGMENT_DAYS * sum(len(crew.members) for crew in self._crews)
                _SEGMENT_CACHE.put(key, segment, size)
            self._segments[index] = segment
        return segment

    def duties_on(self, day: date) -> tuple[Duty, ...]:
        return self._segment(day).duties_on(day)

    def on_duty(self, instant: datetime) -> tuple[Duty, ...]:
        day = (to_wall(instant, self.timezone) if instant.tzinfo else instant).date()
        today, yesterday = self._segment(day), self._segment(day - _ONE_DAY)
        if today is yesterday:
            return today.on_duty(instant)
        return yesterday.on_duty(instant) + today.on_duty(instant)

    def on_leave(self, member: str, day: date) -> bool:
        return (member, day) in self._away

    def members_on_duty(self, instant: datetime) -> frozenset[str]:
        """Cached per instant: hundreds of plans share each due time (08:00 every day)."""
        members = self._on_duty.get(instant)
        if members is None:
            members = frozenset(duty.member for duty in self.on_duty(instant))
            self._on_duty[instant] = members
        return members


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
