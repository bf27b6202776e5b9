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

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

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
    team_members: dict[int, list[int]] = {team_id: [] for team_id in team_ids}
    if team_ids:
        rows = db.session.execute(
            select(TeamMembership.team_id, TeamMembership.user_id)
            .join(User, User.id == TeamMembership.user_id)
            .where(TeamMembership.team_id.in_(list(team_ids)), User.active.is_(True))
            .order_by(TeamMembership.team_id, TeamMembership.user_id)
        )
        for team_id, user_id in rows:
            team_members[team_id].append(user_id)
    people = sorted({u for members in team_members.values() for u in members} | set(user_ids))
    users = _active_users(people)
    crews, unknown = _crews(users)
    roster = SegmentedRoster(crews, _leaves(users), timezone, calendar)
    return StaffPool(
        roster=roster,
        staff=_staff(users),
        team_members={
            team_id: tuple(m for m in members if m in users)
            for team_id, members in team_members.items()
        },
        unknown_patterns=unknown,
    )


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

    def _segment(self, day: date) -> Roster:
        index = (day - ROSTER_EPOCH).days // SEGMENT_DAYS
        segment = self._segments.get(index)
        if segment is None:
            first = ROSTER_EPOCH + timedelta(days=index * SEGMENT_DAYS)
            last = first + timedelta(days=SEGMENT_DAYS - 1)
            segment = self._segments[index] = build_roster(
                self._crews,
                first,
                last,
                epoch=ROSTER_EPOCH,
                timezone=self.timezone,
                calendar=self._calendar,
                leaves=[
                    lv for lv in self._leave_list if lv.first_day <= last and lv.last_day >= first
                ],
            )
        return segment

    def duties_on(self, day: date) -> tuple[Duty, ...]:
        return self._segment(day).duties_on(day)

    def on_duty(self, instant: datetime) -> tuple[Duty, ...]:
        day = (to_wall(instant, self.timezone) if instant.tzinfo else instant).date()
        today, yesterday = self._segment(day), self._segment(day - _ONE_DAY)
        if today is yesterday:
            return today.on_duty(instant)
        return yesterday.on_duty(instant) + today.on_duty(instant)

    def members_on_duty(self, instant: datetime) -> frozenset[str]:
        return frozenset(duty.member for duty in self.on_duty(instant))


def _active_users(user_ids: Iterable[int]) -> dict[int, str]:
    ids = list(user_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(User.id, User.name).where(User.id.in_(ids), User.active.is_(True))
    )
    return {user_id: name for user_id, name in rows}


def _crews(users: Mapping[int, str]) -> tuple[list[EngineTeam], frozenset[str]]:
    """One engine team per (pattern, rotation offset); people without a pattern: office hours."""
    crews: dict[tuple[str, int], list[str]] = {}
    unknown: set[str] = set()
    with_team: set[int] = set()
    if users:
        rows = db.session.execute(
            select(TeamMembership.user_id, TeamMembership.rotation_offset, Team.shift_pattern)
            .join(Team, Team.id == TeamMembership.team_id)
            .where(TeamMembership.user_id.in_(list(users)))
            .order_by(Team.id, TeamMembership.user_id)
        )
        for user_id, offset, pattern in rows:
            if pattern is None:
                continue
            if pattern not in PRESETS:
                unknown.add(pattern)
                pattern = DEFAULT_PATTERN
            crews.setdefault((pattern, offset), []).append(staff_key(user_id))
            with_team.add(user_id)
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
