"""Work-order state changes and the lists people work from. Services flush; callers commit.

The state machine is one table (`ALLOWED`): which states each action may start
from. Everything else is refused with a `TransitionError` that names the state in
the user's language. Every change a person makes sets `touched` (regeneration
leaves the row alone from then on) and raises `revision` (the iCal SEQUENCE); the
audit log records it because `WorkOrder` is audited.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import Select, and_, or_, select

from app.access.objects import at_site_of
from app.access.roles import can
from app.core import clock
from app.core.i18n import label
from app.core.signals import visits_missed
from app.core.validation import N_, Msg, Problems, StaleEdit, ValidationError, check_version
from app.extensions import db
from app.people.models import Team, TeamMembership, User
from app.workorders.models import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    STATUS_LABELS,
    WorkCompletion,
    WorkOrder,
    WorkOrderKind,
    WorkOrderStatus,
)
from app.workorders.trades import manages_trade_of

S = WorkOrderStatus
MISSABLE = (WorkOrderStatus.PLANNED.value, WorkOrderStatus.ASSIGNED.value)
UPCOMING_DAYS = 7
OVERDUE_LOOKBACK_DAYS = 14
REASON_MAX = 500


class Action(enum.StrEnum):
    START = "start"
    COMPLETE = "complete"
    SKIP = "skip"
    CANCEL = "cancel"
    REASSIGN = "reassign"
    RESCHEDULE = "reschedule"
    MISS = "miss"


# From which states each action is allowed. A missed visit may still be done (late) or
# cancelled; finished, skipped and cancelled work is closed for good.
ALLOWED: dict[Action, frozenset[str]] = {
    Action.START: frozenset({S.PLANNED, S.ASSIGNED, S.MISSED}),
    Action.COMPLETE: frozenset({S.PLANNED, S.ASSIGNED, S.IN_PROGRESS, S.MISSED}),
    Action.SKIP: frozenset({S.PLANNED, S.ASSIGNED, S.IN_PROGRESS}),
    Action.CANCEL: frozenset({S.PLANNED, S.ASSIGNED, S.IN_PROGRESS, S.MISSED}),
    Action.REASSIGN: frozenset({S.PLANNED, S.ASSIGNED, S.IN_PROGRESS}),
    Action.RESCHEDULE: frozenset({S.PLANNED, S.ASSIGNED}),
    Action.MISS: frozenset({S.PLANNED, S.ASSIGNED}),
}

_REFUSALS: dict[Action, str] = {
    Action.START: "A work order that is %(state)s cannot be started.",
    Action.COMPLETE: "A work order that is %(state)s cannot be completed.",
    Action.SKIP: "A work order that is %(state)s cannot be skipped.",
    Action.CANCEL: "A work order that is %(state)s cannot be cancelled.",
    Action.REASSIGN: "A work order that is %(state)s cannot be reassigned.",
    Action.RESCHEDULE: "A work order that is %(state)s cannot be rescheduled.",
    Action.MISS: "A work order that is %(state)s cannot be marked missed.",
}


class TransitionError(Exception):
    """The action is not allowed from the work order's current state."""

    def __init__(self, action: Action, status: str) -> None:
        super().__init__(_REFUSALS[action] % {"state": status})
        self.action = action
        self.status = status

    def message(self) -> str:
        """In the current user's language, e.g. 状态为“已完成”的工单不能开始。"""
        pair = STATUS_LABELS.get(self.status, (self.status, self.status))
        return _(_REFUSALS[self.action], state=label(pair))


class NotYours(Exception):
    """The user may not act on this work order (not theirs, not their team's)."""

    def message(self) -> str:
        return _("This work order is not assigned to you or your team.")


class AlreadyCompleted(StaleEdit):
    """Someone else recorded the completion first; this entry was not saved."""

    def __init__(self, work_order: WorkOrder) -> None:
        super().__init__(WorkOrder.__tablename__, work_order.id, work_order.version)

    def message(self) -> str:
        completion = db.session.scalar(
            select(WorkCompletion).where(WorkCompletion.work_order_id == self.entity_id)
        )
        if completion is None:
            return super().message()
        who = completion.completed_by.name if completion.completed_by else ""
        return _(
            "%(who)s already recorded this work as done at %(when)s. Your entry was not saved.",
            who=who or completion.signature_name,
            when=format_datetime(completion.created_at, "short"),
        )


def require(action: Action, work_order: WorkOrder) -> None:
    if work_order.status not in ALLOWED[action]:
        if action is Action.COMPLETE and work_order.status in FINISHED_STATUSES:
            raise AlreadyCompleted(work_order)
        raise TransitionError(action, work_order.status)


def touch(work_order: WorkOrder) -> None:
    """A person changed it: regeneration keeps its hands off, calendars see a new SEQUENCE."""
    work_order.touched = True
    work_order.revision = (work_order.revision or 0) + 1


# --- who may act -----------------------------------------------------------------------------


def team_ids_of(user: User) -> list[int]:
    stmt = select(TeamMembership.team_id).where(TeamMembership.user_id == user.id)
    return list(db.session.scalars(stmt))


def may_manage(user: User) -> bool:
    return can(user.roles, "work.manage")


def may_view_all(user: User) -> bool:
    return can(user.roles, "work.view") or may_manage(user)


def is_mine(user: User, work_order: WorkOrder) -> bool:
    """Assigned to the user, or to one of their teams without a person yet."""
    if work_order.assignee_id == user.id:
        return True
    if work_order.assignee_id is None and work_order.team_id is not None:
        return work_order.team_id in team_ids_of(user)
    return False


def may_work_on(user: User, work_order: WorkOrder) -> bool:
    """Its own people, and the leads of its trade (a security lead never an elevator visit)."""
    user = at_site_of(user, work_order)  # type: ignore[assignment]  # roles held at its site
    return (
        manages_trade_of(user, work_order)
        or is_mine(user, work_order)
        or _in_crew(user, work_order)
    )


def may_view(user: User, work_order: WorkOrder) -> bool:
    at_site = at_site_of(user, work_order)  # roles held at the work order's site
    return may_view_all(at_site) or may_work_on(at_site, work_order)  # type: ignore[arg-type]


def _in_crew(user: User, work_order: WorkOrder) -> bool:
    completion = work_order.completion
    return completion is not None and any(m.get("user_id") == user.id for m in completion.crew)


def check_may_work_on(user: User, work_order: WorkOrder) -> None:
    if not may_work_on(user, work_order):
        raise NotYours()


# --- the transitions -------------------------------------------------------------------------


def start(work_order: WorkOrder, user: User, version: int | None) -> WorkOrder:
    """The technician is on site; a missed visit may still be started (it will be late)."""
    check_may_work_on(user, work_order)
    require(Action.START, work_order)
    check_version(work_order, version)
    work_order.status = S.IN_PROGRESS.value
    work_order.started_at = clock.utcnow()
    if work_order.assignee_id is None and not may_manage(at_site_of(user, work_order)):  # type: ignore[arg-type]
        work_order.assignee_id = user.id
    touch(work_order)
    db.session.flush()
    return work_order


def clean_reason(field: str, reason: str, missing: Msg) -> str:
    """A required reason, trimmed; refused when empty or too long."""
    text = reason.strip()
    if not text:
        raise ValidationError({field: missing})
    if len(text) > REASON_MAX:
        raise ValidationError({field: N_("At most %(n)d characters.", n=REASON_MAX)})
    return text


def skip(work_order: WorkOrder, user: User, version: int | None, reason: str) -> WorkOrder:
    """Not done on purpose (area closed, equipment out of service): the reason is required."""
    check_may_work_on(user, work_order)
    require(Action.SKIP, work_order)
    check_version(work_order, version)
    work_order.skip_reason = clean_reason("reason", reason, N_("Say why it is skipped."))
    work_order.status = S.SKIPPED.value
    touch(work_order)
    db.session.flush()
    return work_order


def cancel(work_order: WorkOrder, user: User, version: int | None, reason: str) -> WorkOrder:
    """A supervisor withdraws the work (duplicate repair request, asset retired)."""
    if not manages_trade_of(user, work_order):
        raise NotYours()
    require(Action.CANCEL, work_order)
    check_version(work_order, version)
    work_order.skip_reason = clean_reason("reason", reason, N_("Say why it is cancelled."))
    work_order.status = S.CANCELLED.value
    touch(work_order)
    db.session.flush()
    return work_order


def reassign(
    work_order: WorkOrder,
    user: User,
    version: int | None,
    assignee_id: int | None,
    team_id: int | None,
) -> WorkOrder:
    """Give the work to another person and/or team; work already started stays started."""
    if not manages_trade_of(user, work_order):
        raise NotYours()
    require(Action.REASSIGN, work_order)
    check_version(work_order, version)
    problems = Problems()
    team = db.session.get(Team, team_id) if team_id is not None else None
    if team_id is not None and (team is None or team.site_id != work_order.site_id):
        problems.add("team_id", N_("Pick a team of this site."))
    assignee = db.session.get(User, assignee_id) if assignee_id is not None else None
    if assignee_id is not None and (assignee is None or not assignee.active):
        problems.add("assignee_id", N_("Pick an active member of staff."))
    elif assignee is not None and team is not None and team.id not in team_ids_of(assignee):
        problems.add(
            "assignee_id",
            N_("%(name)s is not in the team %(team)s.", name=assignee.name, team=team.name),
        )
    if assignee_id is None and team_id is None:
        problems.add("assignee_id", N_("Pick a person or a team."))
    problems.raise_if_any()
    work_order.assignee_id = assignee.id if assignee else None
    work_order.team_id = team.id if team else work_order.team_id
    work_order.unassigned = False
    if work_order.status != S.IN_PROGRESS:
        work_order.status = (S.ASSIGNED if assignee else S.PLANNED).value
    touch(work_order)
    db.session.flush()
    return work_order


@dataclass(frozen=True)
class Neighbours:
    """The visits of the same plan before and after one, as local dates."""

    previous: date | None
    following: date | None


def _visit_day(row: WorkOrder, tz: ZoneInfo) -> date:
    return (row.completed_at or row.due_at).astimezone(tz).date()


def neighbours(work_order: WorkOrder, tz: ZoneInfo) -> Neighbours:
    """The nearest real visits (not skipped or cancelled) of the plan around this one."""
    if work_order.plan_id is None or work_order.slot is None:
        return Neighbours(None, None)
    counted = ~WorkOrder.status.in_((S.SKIPPED.value, S.CANCELLED.value))
    same_plan = and_(WorkOrder.plan_id == work_order.plan_id, WorkOrder.id != work_order.id)
    before = db.session.scalar(
        select(WorkOrder)
        .where(same_plan, counted, WorkOrder.slot < work_order.slot)
        .order_by(WorkOrder.slot.desc())
        .limit(1)
    )
    after = db.session.scalar(
        select(WorkOrder)
        .where(same_plan, counted, WorkOrder.slot > work_order.slot)
        .order_by(WorkOrder.slot)
        .limit(1)
    )
    return Neighbours(
        _visit_day(before, tz) if before is not None else None,
        _visit_day(after, tz) if after is not None else None,
    )


def reschedule(
    work_order: WorkOrder, user: User, version: int | None, due_at: datetime
) -> WorkOrder:
    """Move a visit inside its window; refused if the plan's ceiling would be broken."""
    if not manages_trade_of(user, work_order):
        raise NotYours()
    require(Action.RESCHEDULE, work_order)
    check_version(work_order, version)
    if due_at.tzinfo is None:
        raise ValueError("reschedule() needs an aware datetime")
    tz = ZoneInfo(work_order.site.timezone)
    if not work_order.window_start <= due_at <= work_order.window_end:
        raise ValidationError(
            {
                "due_at": N_(
                    "Pick a time inside the window %(start)s – %(end)s.",
                    start=f"{work_order.window_start.astimezone(tz):%Y-%m-%d %H:%M}",
                    end=f"{work_order.window_end.astimezone(tz):%Y-%m-%d %H:%M}",
                )
            }
        )
    ceiling = work_order.plan.ceiling_days if work_order.plan is not None else None
    if ceiling:
        near = neighbours(work_order, tz)
        day = due_at.astimezone(tz).date()
        if near.previous is not None and (day - near.previous).days > ceiling:
            raise ValidationError(
                {
                    "due_at": N_(
                        "Refused: %(days)d days after the previous visit on %(day)s, "
                        "more than the plan's ceiling of %(ceiling)d days.",
                        days=(day - near.previous).days,
                        day=near.previous.isoformat(),
                        ceiling=ceiling,
                    )
                }
            )
        if near.following is not None and (near.following - day).days > ceiling:
            raise ValidationError(
                {
                    "due_at": N_(
                        "Refused: %(days)d days before the next visit on %(day)s, "
                        "more than the plan's ceiling of %(ceiling)d days.",
                        days=(near.following - day).days,
                        day=near.following.isoformat(),
                        ceiling=ceiling,
                    )
                }
            )
    length = work_order.ends_at - work_order.due_at
    work_order.due_at = due_at
    work_order.ends_at = due_at + length
    touch(work_order)
    db.session.flush()
    return work_order


def mark_missed(now: datetime, batch_size: int = 500) -> int:
    """Open planned work whose window has closed becomes `missed`; returns how many.

    Rows already started stay in progress: someone is on it. Corrective work past its
    SLA stays open (it still has to be repaired) and shows as overdue instead.
    `visits_missed` tells the scheduler, in this transaction: a missed visit that carried
    quarterly or rarer tier items hands them to the next visit, already stored or not.
    """
    stmt = (
        select(WorkOrder)
        .where(
            WorkOrder.status.in_(MISSABLE),
            WorkOrder.window_end < now,
            WorkOrder.kind == WorkOrderKind.PLANNED.value,
        )
        .order_by(WorkOrder.id)
        .limit(batch_size)
    )
    total = 0
    while rows := db.session.scalars(stmt).all():
        for row in rows:
            row.status = WorkOrderStatus.MISSED.value
            row.revision += 1
        db.session.flush()
        visits_missed.send(None, work_orders=rows)
        total += len(rows)
    return total


# --- lists -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MyWork:
    overdue: Sequence[WorkOrder]
    today: Sequence[WorkOrder]
    upcoming: Sequence[WorkOrder]

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.today or self.upcoming)


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=tz)
    return start, start + timedelta(days=1)


def _visible_to(user: User) -> object:
    teams = team_ids_of(user)
    mine = WorkOrder.assignee_id == user.id
    if not teams:
        return mine
    return or_(mine, and_(WorkOrder.assignee_id.is_(None), WorkOrder.team_id.in_(teams)))


SECTIONS = ("overdue", "today", "upcoming", "open")


def my_work_query(user: User, section: str, tz_name: str) -> Select[tuple[WorkOrder]]:
    """One section of a user's work: overdue, today, the next week, or everything open.

    Overdue also lists visits missed in the last two weeks: they can still be done late.
    """
    tz = ZoneInfo(tz_name)
    today_start, tomorrow = day_bounds(clock.local_today(tz_name), tz)
    open_now = WorkOrder.status.in_([s.value for s in OPEN_STATUSES])
    stmt = select(WorkOrder).where(_visible_to(user)).order_by(WorkOrder.due_at, WorkOrder.id)  # type: ignore[arg-type]
    if section == "overdue":
        recently_missed = and_(
            WorkOrder.status == S.MISSED.value,
            WorkOrder.due_at >= today_start - timedelta(days=OVERDUE_LOOKBACK_DAYS),
        )
        return stmt.where(or_(open_now, recently_missed), WorkOrder.due_at < today_start)
    if section == "today":
        return stmt.where(open_now, WorkOrder.due_at >= today_start, WorkOrder.due_at < tomorrow)
    if section == "upcoming":
        return stmt.where(
            open_now,
            WorkOrder.due_at >= tomorrow,
            WorkOrder.due_at < tomorrow + timedelta(days=UPCOMING_DAYS),
        )
    return stmt.where(open_now)


def my_work(user: User, tz_name: str, limit: int = 100) -> MyWork:
    """Overdue, today's and the next week's work of a user and their teams' unassigned work."""

    def section(name: str) -> list[WorkOrder]:
        return list(db.session.scalars(my_work_query(user, name, tz_name).limit(limit)))

    return MyWork(overdue=section("overdue"), today=section("today"), upcoming=section("upcoming"))


@dataclass
class BoardFilter:
    site_id: int | None = None
    team_id: int | None = None
    day: date | None = None
    kind: str | None = None
    state: str = "open"  # open | overdue | finished | all
    plan_id: int | None = None
    equipment_id: int | None = None
    assignee_id: int | None = None
    statuses: tuple[str, ...] = ()  # exact statuses, besides `state`
    first_day: date | None = None  # due from this local day …
    last_day: date | None = None  # … to this one, inclusive


def board_query(flt: BoardFilter, tz_name: str) -> Select[tuple[WorkOrder]]:
    """Work orders for supervisors: open, overdue or finished, by site, team, plan,
    equipment, assignee, status, kind, day or a span of days."""
    tz = ZoneInfo(tz_name)
    stmt = select(WorkOrder)
    for column, wanted in (
        (WorkOrder.site_id, flt.site_id),
        (WorkOrder.team_id, flt.team_id),
        (WorkOrder.plan_id, flt.plan_id),
        (WorkOrder.equipment_id, flt.equipment_id),
        (WorkOrder.assignee_id, flt.assignee_id),
    ):
        if wanted is not None:
            stmt = stmt.where(column == wanted)
    if flt.kind:
        stmt = stmt.where(WorkOrder.kind == flt.kind)
    if flt.statuses:
        stmt = stmt.where(WorkOrder.status.in_(flt.statuses))
    if flt.day is not None:
        start, end = day_bounds(flt.day, tz)
        stmt = stmt.where(WorkOrder.due_at >= start, WorkOrder.due_at < end)
    if flt.first_day is not None:
        stmt = stmt.where(WorkOrder.due_at >= day_bounds(flt.first_day, tz)[0])
    if flt.last_day is not None:
        stmt = stmt.where(WorkOrder.due_at < day_bounds(flt.last_day, tz)[1])
    open_values = [s.value for s in OPEN_STATUSES]
    if flt.state == "open":
        stmt = stmt.where(WorkOrder.status.in_(open_values))
    elif flt.state == "overdue":
        stmt = stmt.where(
            or_(
                and_(WorkOrder.status.in_(open_values), WorkOrder.window_end < clock.utcnow()),
                WorkOrder.status == S.MISSED.value,
            )
        )
    elif flt.state == "finished":
        stmt = stmt.where(WorkOrder.status.in_([s.value for s in FINISHED_STATUSES]))
    return stmt.order_by(WorkOrder.due_at, WorkOrder.id)


def correctives_of(work_order: WorkOrder) -> list[WorkOrder]:
    """Corrective jobs this visit raised."""
    stmt = (
        select(WorkOrder)
        .where(WorkOrder.source_work_order_id == work_order.id)
        .order_by(WorkOrder.id)
    )
    return list(db.session.scalars(stmt))


def is_overdue(work_order: WorkOrder) -> bool:
    """Still open after its window (corrective: after its SLA due time)."""
    return work_order.status in OPEN_STATUSES and work_order.window_end < clock.utcnow()


LIKELY_START_HOURS = 4


def likely_start(work_order: WorkOrder) -> datetime:
    """When the work most likely began, to prefill the form: when it was started, else its
    due time if that passed within the last hours, else now (a phone user rarely types)."""
    now = clock.utcnow().replace(second=0, microsecond=0)
    if work_order.started_at is not None:
        return work_order.started_at
    if now - timedelta(hours=LIKELY_START_HOURS) <= work_order.due_at <= now:
        return work_order.due_at
    return now
