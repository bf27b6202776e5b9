"""What a plan promises and how the past year kept it, from the stored work orders.

The plan page shows each promise beside the worst the records show, e.g.
"最长间隔 15 天：过去一年最大 14 天", so a supervisor sees a statutory rule held (or
broken) without counting rows. A visit is a completed work order, on the day it was
really done; the time since the last one counts too, since an overdue visit is a gap
already.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.equipment.models import Equipment
from app.extensions import db
from app.plans.models import Plan, PlanKind
from app.scheduling.mapping import facts_of, implied_ceiling
from app.workorders.models import FINISHED_STATUSES, WorkOrder
from schedules import Period, RuleError

LOOKBACK = dt.timedelta(days=365)
LEDGER_REACH = dt.timedelta(days=61)
"""TSG T7001: an inspection may be applied for up to 2 months before its due date."""


class PromiseKind(StrEnum):
    CEILING = "ceiling"  # at most `limit` days between visits
    EACH_WEEK = "each_week"  # a visit in every ISO week
    EACH_MONTH = "each_month"  # a visit in every calendar month
    STATUTORY_DATE = "statutory_date"  # a visit on or before the ledger's legal date


@dataclass(frozen=True)
class Promise:
    """One promise and the record: `worst` is the longest gap (days) or periods missed.

    `worst` is None when the past year holds too few visits to judge. For
    STATUTORY_DATE, `legal_date` is the ledger's date and `planned` the visit meeting it.
    """

    kind: PromiseKind
    limit: int = 0
    worst: int | None = None
    legal_date: dt.date | None = None
    planned: dt.date | None = None

    @property
    def kept(self) -> bool:
        if self.kind is PromiseKind.STATUTORY_DATE:
            return self.planned is not None
        if self.worst is None:
            return True
        return self.worst <= self.limit


def plan_promises(plan: Plan, siblings: Sequence[Plan], now: dt.datetime) -> list[Promise]:
    """The promises `plan` holds, each with what the past year's records show."""
    zone = ZoneInfo(plan.site.timezone)
    plan_ids = [plan.id, *(p.id for p in siblings)]
    today = now.astimezone(zone).date()
    promises = _interval_promises(plan, siblings, _visit_days(plan_ids, now, zone), today)
    ledger = _ledger_promise(plan, plan_ids, now, zone)
    return [*promises, *([ledger] if ledger else [])]


def _interval_promises(
    plan: Plan, siblings: Sequence[Plan], visits: list[dt.date], today: dt.date
) -> list[Promise]:
    explicit = [p.ceiling_days for p in (plan, *siblings) if p.ceiling_days]
    try:
        ceiling, period = (min(explicit), None) if explicit else implied_ceiling(facts_of(plan))
    except (RuleError, ValueError):
        return []
    if ceiling:
        return [Promise(PromiseKind.CEILING, ceiling, _longest_gap(visits, today))]
    if period is not None:
        kind = PromiseKind.EACH_WEEK if period is Period.ISO_WEEK else PromiseKind.EACH_MONTH
        return [Promise(kind, 0, _periods_missed(visits, period, plan.starts_on, today))]
    return []


def _visit_days(plan_ids: list[int], now: dt.datetime, zone: ZoneInfo) -> list[dt.date]:
    """Local days of the visits done in the past year, in order."""
    done = db.session.scalars(
        select(WorkOrder.completed_at).where(
            WorkOrder.plan_id.in_(plan_ids),
            WorkOrder.status.in_([s.value for s in FINISHED_STATUSES]),
            WorkOrder.completed_at >= now - LOOKBACK,
            WorkOrder.completed_at <= now,
        )
    ).all()
    return sorted({at.astimezone(zone).date() for at in done if at is not None})


def _longest_gap(visits: list[dt.date], today: dt.date) -> int | None:
    if not visits:
        return None
    gaps = [(b - a).days for a, b in pairwise([*visits, today])]
    return max(gaps) if gaps else None


def _periods_missed(
    visits: list[dt.date], period: Period, starts_on: dt.date, today: dt.date
) -> int | None:
    """Whole periods of the past year, since the first visit, that hold no visit."""
    if not visits:
        return None
    first = max(visits[0], starts_on, today - LOOKBACK)
    held = {period.of(day) for day in visits}
    missed, day = 0, period.bounds(first)[0]
    while True:
        _start, last = period.bounds(day)
        if last >= today:
            return missed
        missed += period.of(day) not in held
        day = last + dt.timedelta(days=1)


def _ledger_promise(
    plan: Plan, plan_ids: list[int], now: dt.datetime, zone: ZoneInfo
) -> Promise | None:
    """An inspection's next visit on or before the ledger's 下次法定检验."""
    if plan.kind != PlanKind.INSPECTION.value or plan.equipment_id is None:
        return None
    legal = db.session.scalar(
        select(Equipment.next_inspection_on).where(Equipment.id == plan.equipment_id)
    )
    if legal is None or legal < now.astimezone(zone).date():
        return None
    due = db.session.scalars(
        select(WorkOrder.due_at)
        .where(
            WorkOrder.plan_id.in_(plan_ids),
            WorkOrder.status.not_in(["skipped", "cancelled", "missed"]),
            WorkOrder.due_at >= now - LOOKBACK,
        )
        .order_by(WorkOrder.due_at)
    ).all()
    days = [at.astimezone(zone).date() for at in due]
    meeting = [d for d in days if legal - LEDGER_REACH <= d <= legal]
    return Promise(PromiseKind.STATUTORY_DATE, legal_date=legal, planned=max(meeting, default=None))
