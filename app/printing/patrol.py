"""The patrol sheet (巡更记录表) of a security team for one shift: rounds × checkpoints.

Each route of the shift is a table: one row per round (its planned start), one
column per checkpoint with the planned time printed small and room to write the
time the guard got there, then exceptions and initials. Rounds are the stored
patrol work orders whose due time falls inside the shift.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from app.calendars.services import site_calendar
from app.core.validation import N_
from app.extensions import db
from app.people.models import Team
from app.plans.models import Plan, PlanKind
from app.printing.checklist import DONE, NOT_ON_PAPER, SHEET_PATH, leads_of
from app.printing.sheet import Field, PrintInputError, SheetHead, Signature, app_url, local_clock
from app.printing.tasks import TaskNames
from app.printing.words import Locale, Words, day_marker, day_text, pick
from app.sites.models import Site
from app.workorders.models import WorkOrder
from app.workorders.trades import OnPaper
from schedules import PRESETS, Shift
from schedules.wallclock import localize, zone

ALL_DAY = Shift("day", "全天", "all day", datetime.min.time(), 24)
"""The one 'shift' of a team without a rotation pattern."""


@dataclass(frozen=True)
class Checkpoint:
    name: str
    offset_minutes: int


@dataclass(frozen=True)
class Round:
    number: int
    starts: str  # HH:MM
    times: tuple[str, ...]  # planned time at each checkpoint
    done: bool = False


@dataclass(frozen=True)
class RouteTable:
    name: str
    place: str
    checkpoints: tuple[Checkpoint, ...]
    rounds: tuple[Round, ...]


@dataclass(frozen=True)
class ShiftSection:
    title: str  # 早班 07:00–15:00
    routes: tuple[RouteTable, ...]


@dataclass(frozen=True)
class PatrolSheet:
    locale: Locale
    head: SheetHead
    shifts: tuple[ShiftSection, ...]
    signatures: tuple[Signature, ...]
    kind: str = "patrol"


def team_shifts(team: Team) -> tuple[Shift, ...]:
    pattern = PRESETS.get(team.shift_pattern or "")
    return pattern.shifts if pattern is not None else (ALL_DAY,)


def patrol_sheet(
    site: Site,
    team: Team,
    day: date,
    *,
    locale: Locale,
    shift: str | None = None,
    on_paper: OnPaper | None = None,
) -> PatrolSheet:
    """Every shift of the team's pattern on `day`, or just `shift` (a shift key), with
    the rounds `on_paper` lets the printing user see (None: the CLI, all of them)."""
    if team.site_id != site.id:
        raise PrintInputError({"team": N_("This team belongs to another site.")})
    shifts = team_shifts(team)
    if shift is not None:
        shifts = tuple(s for s in shifts if s.key == shift)
        if not shifts:
            keys = ", ".join(s.key for s in team_shifts(team))
            raise PrintInputError(
                {
                    "shift": N_(
                        "Team %(team)s has no shift %(shift)s (it has: %(keys)s).",
                        team=team.code,
                        shift=shift,
                        keys=keys,
                    )
                }
            )
    t = Words(locale)
    names = TaskNames(locale)
    sections = tuple(_section(site, team, day, s, names, locale, on_paper) for s in shifts)
    when = day_text(day, locale)
    shift_names = "、".join(pick((s.name_zh, s.name_en), locale) for s in shifts)
    fields = [
        Field(t("site"), site.name),
        Field(t("team"), team.name),
        Field(t("shift"), shift_names),
        Field(t("date"), when),
    ]
    leads = leads_of([team.id])
    if leads:
        fields.insert(2, Field(t("lead"), "、".join(leads)))
    return PatrolSheet(
        locale=locale,
        head=SheetHead(
            title=t("patrol.title"),
            id_line=f"{site.name} · {team.name} · {shift_names} · {when}",
            fields=tuple(fields),
            marker=day_marker(site_calendar(site), day, locale),
            qr_url=app_url(
                SHEET_PATH, site=site.id, team=team.id, day=day.isoformat(), shift=shift
            ),
            qr_caption=t("scan_to_fill"),
        ),
        shifts=sections,
        signatures=(
            Signature(t("sign.guard")),
            Signature(t("sign.handover")),
            Signature(t("sign.lead")),
        ),
    )


def _window(site: Site, day: date, shift: Shift) -> tuple[datetime, datetime]:
    start = localize(datetime.combine(day, shift.start), zone(site.timezone), site.timezone)
    return start, start + shift.duration


def _section(
    site: Site,
    team: Team,
    day: date,
    shift: Shift,
    names: TaskNames,
    locale: Locale,
    on_paper: OnPaper | None,
) -> ShiftSection:
    start, end = _window(site, day, shift)
    orders = db.session.scalars(
        select(WorkOrder)
        .join(Plan, Plan.id == WorkOrder.plan_id)
        .options(selectinload(WorkOrder.plan))
        .where(
            WorkOrder.site_id == site.id,
            Plan.kind == PlanKind.PATROL.value,
            WorkOrder.due_at >= start,
            WorkOrder.due_at < end,
            WorkOrder.status.not_in(NOT_ON_PAPER),
            or_(
                WorkOrder.team_id == team.id,
                and_(WorkOrder.team_id.is_(None), Plan.team_id == team.id),
            ),
        )
        .order_by(WorkOrder.plan_id, WorkOrder.due_at)
    ).all()
    if on_paper is not None:
        orders = [order for order in orders if on_paper(order)]
    by_plan: dict[int, list[WorkOrder]] = defaultdict(list)
    for order in orders:
        by_plan[order.plan_id or 0].append(order)
    routes = tuple(_route(members, names, site.timezone, locale) for members in by_plan.values())
    end_local = end.astimezone(ZoneInfo(site.timezone))
    title = f"{pick((shift.name_zh, shift.name_en), locale)} {shift.start:%H:%M}–{end_local:%H:%M}"
    return ShiftSection(title, routes)


def _route(orders: list[WorkOrder], names: TaskNames, timezone: str, locale: Locale) -> RouteTable:
    plan = orders[0].plan
    checkpoints = tuple(_checkpoints(plan.checklist if plan else [], locale))
    rounds = []
    for number, order in enumerate(orders, start=1):
        offsets = [c.offset_minutes for c in checkpoints] or [0]
        rounds.append(
            Round(
                number=number,
                starts=local_clock(order.due_at, timezone),
                times=tuple(
                    local_clock(order.due_at + timedelta(minutes=m), timezone) for m in offsets
                ),
                done=order.status in DONE,
            )
        )
    place = plan.location.name if plan is not None and plan.location is not None else ""
    return RouteTable(names.name(plan, orders[0].title), place, checkpoints, tuple(rounds))


def _checkpoints(checklist: list[dict[str, Any]], locale: Locale) -> list[Checkpoint]:
    return [
        Checkpoint(pick(entry.get("names") or {}, locale), int(entry.get("offset_minutes") or 0))
        for entry in checklist
        if entry.get("kind") == "checkpoint"
    ]
