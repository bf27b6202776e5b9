"""Helpers shared by the scheduling tests (kept out of conftest so tests can import them)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from app.plans.models import Plan
from app.workorders.models import WorkOrder

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YEAR_2026 = dt.datetime(2026, 1, 1, tzinfo=SHANGHAI)

ELEVATOR_TIERS = (
    ("电梯半月保养", "FREQ=DAILY;INTERVAL=15", 1),
    ("电梯季度保养", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15", 2),
    ("电梯半年保养", "FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=15", 3),
    ("电梯年度保养", "FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=15", 4),
)


def work_orders(plan: Plan | None = None) -> list[WorkOrder]:
    stmt = select(WorkOrder).order_by(WorkOrder.plan_id, WorkOrder.slot)
    if plan is not None:
        stmt = stmt.where(WorkOrder.plan_id == plan.id)
    return list(db.session.scalars(stmt))


def snapshot() -> list[tuple[Any, ...]]:
    """Every stored work order minus ids and timestamps, to compare two runs."""
    return [
        (
            w.plan_id,
            w.slot,
            w.due_at,
            w.window_start,
            w.window_end,
            w.status,
            w.tier,
            tuple(w.includes),
            w.assignee_id,
            w.team_id,
            w.unassigned,
            repr(w.reasons),
            w.title,
            w.revision,
        )
        for w in work_orders()
    ]


def local_days(rows: list[WorkOrder]) -> list[dt.date]:
    return [w.due_at.astimezone(SHANGHAI).date() for w in rows]
