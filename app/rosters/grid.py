"""Roster grids for the screen: staff × days with shift codes, leave and the work given.

Read-only assembly over `app.rosters.services.staff_pool` (the same roster the
scheduler assigns with), the site's working-day calendar and stored work orders, so
what a supervisor sees is what assignment used.
"""

from __future__ import annotations

import calendar as month_calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.calendars.services import site_calendar
from app.extensions import db
from app.people.models import Team, TeamMembership, User
from app.rosters.services import staff_key, staff_pool
from app.sites.models import Site
from app.workorders.models import WorkOrder, WorkOrderStatus
from schedules import WorkCalendar

WEEK = "week"
MONTH = "month"
SPANS = (WEEK, MONTH)
# 早/中/夜/白/休 as printed on Chinese rosters; leave shows as 假.
SHIFT_CODES: dict[str | None, tuple[str, str]] = {
    "early": ("早", "E"),
    "middle": ("中", "M"),
    "night": ("夜", "N"),
    "night12": ("夜", "N"),
    "day12": ("白", "D"),
    "day": ("白", "D"),  # six_on_one_off
    "office": ("白", "D"),
    None: ("休", "R"),
}
LEAVE_CODE = ("假", "L")
HIDDEN_STATUSES = (WorkOrderStatus.CANCELLED.value,)


@dataclass(frozen=True)
class DayHead:
    day: date
    workday: bool
    makeup: bool  # a weekend working day (调休上班)
    holiday: tuple[str, str] | None  # (zh, en) name of a public holiday

    @property
    def rest(self) -> bool:
        return not self.workday


@dataclass(frozen=True)
class Cell:
    day: date
    code: tuple[str, str]
    shift: str | None
    on_leave: bool
    work: tuple[str, ...] = ()


@dataclass(frozen=True)
class GridRow:
    label: str
    user: User | None
    cells: list[Cell]


@dataclass
class Grid:
    first_day: date
    last_day: date
    days: list[DayHead]
    rows: list[GridRow] = field(default_factory=list)
    unknown_patterns: frozenset[str] = frozenset()


def period(start: date, span: str) -> tuple[date, date]:
    """The week (Monday to Sunday) or calendar month that holds `start`."""
    if span == MONTH:
        last = month_calendar.monthrange(start.year, start.month)[1]
        return start.replace(day=1), start.replace(day=last)
    monday = start - timedelta(days=start.weekday())
    return monday, monday + timedelta(days=6)


def neighbours(first_day: date, span: str) -> tuple[date, date]:
    """The first days of the previous and the next period."""
    if span == MONTH:
        previous = (first_day - timedelta(days=1)).replace(day=1)
        following = (first_day + timedelta(days=32)).replace(day=1)
        return previous, following
    return first_day - timedelta(days=7), first_day + timedelta(days=7)


def _days(first_day: date, last_day: date) -> list[date]:
    return [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]


def day_heads(calendar: WorkCalendar, first_day: date, last_day: date) -> list[DayHead]:
    heads = []
    for day in _days(first_day, last_day):
        zh, en = calendar.holiday_name(day, "zh"), calendar.holiday_name(day, "en")
        heads.append(
            DayHead(
                day=day,
                workday=calendar.is_workday(day),
                makeup=calendar.is_makeup_workday(day),
                holiday=(zh, en or zh) if zh else None,
            )
        )
    return heads


def _bounds(site: Site, first_day: date, last_day: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(site.timezone)
    start = datetime.combine(first_day, time(), zone)
    end = datetime.combine(last_day + timedelta(days=1), time(), zone)
    return start, end


def _work_by_person_day(
    site: Site, user_ids: list[int], first_day: date, last_day: date
) -> dict[tuple[int, date], list[str]]:
    if not user_ids:
        return {}
    start, end = _bounds(site, first_day, last_day)
    rows = db.session.execute(
        select(WorkOrder.assignee_id, WorkOrder.due_at, WorkOrder.title)
        .where(
            WorkOrder.assignee_id.in_(user_ids),
            WorkOrder.due_at >= start,
            WorkOrder.due_at < end,
            WorkOrder.status.not_in(HIDDEN_STATUSES),
        )
        .order_by(WorkOrder.due_at)
    )
    zone = ZoneInfo(site.timezone)
    work: dict[tuple[int, date], list[str]] = defaultdict(list)
    for assignee_id, due_at, title in rows:
        work[(assignee_id, due_at.astimezone(zone).date())].append(title)
    return work


def _rows(
    site: Site,
    people: list[User],
    team_ids: list[int],
    first_day: date,
    last_day: date,
    calendar: WorkCalendar,
) -> tuple[list[GridRow], frozenset[str]]:
    pool = staff_pool(
        team_ids=team_ids,
        user_ids=[u.id for u in people],
        timezone=site.timezone,
        calendar=calendar,
    )
    work = _work_by_person_day(site, [u.id for u in people], first_day, last_day)
    rows = []
    for person in people:
        key = staff_key(person.id)
        cells = []
        for day in _days(first_day, last_day):
            duty = next((d for d in pool.roster.duties_on(day) if d.member == key), None)
            on_leave = pool.roster.on_leave(key, day)
            shift = duty.shift if duty is not None else None
            code = LEAVE_CODE if on_leave else SHIFT_CODES.get(shift, (shift or "?",) * 2)
            cells.append(Cell(day, code, shift, on_leave, tuple(work.get((person.id, day), ()))))
        rows.append(GridRow(person.name, person, cells))
    return rows, pool.unknown_patterns


def team_grid(team: Team, first_day: date, last_day: date) -> Grid:
    """One row per active member, plus the team's work nobody could be given."""
    site = db.session.get(Site, team.site_id)
    assert site is not None
    calendar = site_calendar(site)
    members = list(
        db.session.scalars(
            select(User)
            .join(TeamMembership, TeamMembership.user_id == User.id)
            .where(TeamMembership.team_id == team.id, User.active.is_(True))
            .order_by(TeamMembership.rotation_offset, User.name, User.id)
        )
    )
    rows, unknown = _rows(site, members, [team.id], first_day, last_day, calendar)
    grid = Grid(first_day, last_day, day_heads(calendar, first_day, last_day), rows, unknown)
    unassigned = _unassigned_row(site, team, first_day, last_day)
    if unassigned is not None:
        grid.rows.append(unassigned)
    return grid


def _unassigned_row(site: Site, team: Team, first_day: date, last_day: date) -> GridRow | None:
    start, end = _bounds(site, first_day, last_day)
    rows = db.session.execute(
        select(WorkOrder.due_at, WorkOrder.title).where(
            WorkOrder.team_id == team.id,
            WorkOrder.assignee_id.is_(None),
            WorkOrder.unassigned.is_(True),
            WorkOrder.due_at >= start,
            WorkOrder.due_at < end,
            WorkOrder.status.not_in(HIDDEN_STATUSES),
        )
    ).all()
    if not rows:
        return None
    zone = ZoneInfo(site.timezone)
    by_day: dict[date, list[str]] = defaultdict(list)
    for due_at, title in rows:
        by_day[due_at.astimezone(zone).date()].append(title)
    cells = [
        Cell(day, ("", ""), None, False, tuple(by_day.get(day, ())))
        for day in _days(first_day, last_day)
    ]
    return GridRow("", None, cells)


def person_grid(person: User, site: Site, first_day: date, last_day: date) -> Grid:
    calendar = site_calendar(site)
    team_ids = [m.team_id for m in person.memberships]
    rows, unknown = _rows(site, [person], team_ids, first_day, last_day, calendar)
    return Grid(first_day, last_day, day_heads(calendar, first_day, last_day), rows, unknown)


def home_site(person: User) -> Site | None:
    """The site of the person's first team, for their roster page."""
    for membership in person.memberships:
        site = db.session.get(Site, membership.team.site_id)
        if site is not None:
            return site
    return db.session.scalar(select(Site).order_by(Site.id))


@dataclass(frozen=True)
class TeamDay:
    team: Team | None
    work_orders: list[WorkOrder]


def day_list(site: Site, day: date) -> list[TeamDay]:
    """All work orders of one day at a site, grouped by team (no team last)."""
    start, end = _bounds(site, day, day)
    orders = db.session.scalars(
        select(WorkOrder)
        .options(selectinload(WorkOrder.assignee), selectinload(WorkOrder.team))
        .where(
            WorkOrder.site_id == site.id,
            WorkOrder.due_at >= start,
            WorkOrder.due_at < end,
            WorkOrder.status.not_in(HIDDEN_STATUSES),
        )
        .order_by(WorkOrder.due_at, WorkOrder.id)
    ).all()
    groups: dict[int | None, list[WorkOrder]] = defaultdict(list)
    for order in orders:
        groups[order.team_id].append(order)
    teams = {
        t.id: t
        for t in db.session.scalars(select(Team).where(Team.id.in_([k for k in groups if k])))
    }
    ordered = sorted(groups, key=lambda k: (k is None, teams[k].name if k in teams else ""))
    return [TeamDay(teams.get(k) if k is not None else None, groups[k]) for k in ordered]
