"""Work-order state changes. Services flush; callers commit."""

from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.workorders.models import WorkOrder, WorkOrderStatus

MISSABLE = (WorkOrderStatus.PLANNED.value, WorkOrderStatus.ASSIGNED.value)


def mark_missed(now: datetime, batch_size: int = 500) -> int:
    """Open planned work whose window has closed becomes `missed`; returns how many.

    Rows already started stay in progress: someone is on it.
    """
    stmt = (
        select(WorkOrder)
        .where(WorkOrder.status.in_(MISSABLE), WorkOrder.window_end < now)
        .order_by(WorkOrder.id)
        .limit(batch_size)
    )
    total = 0
    while rows := db.session.scalars(stmt).all():
        for row in rows:
            row.status = WorkOrderStatus.MISSED.value
            row.revision += 1
        db.session.flush()
        total += len(rows)
    return total
