"""What stopping a plan costs: the future visits regeneration would delete.

The same rule as `stored_rows` (untouched, still planned or assigned, due after now),
so the number on the confirmation page is the number that goes.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from app.extensions import db
from app.scheduling.generation.results import REPLACEABLE
from app.workorders.models import WorkOrder


def visits_that_go(plan_id: int, now: dt.datetime) -> int:
    """How many future visits of this plan stopping it deletes; done and touched ones stay."""
    stmt = select(func.count()).where(
        WorkOrder.plan_id == plan_id,
        WorkOrder.touched.is_(False),
        WorkOrder.status.in_(REPLACEABLE),
        WorkOrder.due_at > now,
    )
    return int(db.session.scalar(stmt) or 0)
