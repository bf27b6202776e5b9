"""Reads of work orders and their files for pages, named for what they fetch."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.workorders.models import WorkAttachment, WorkOrder


def upcoming_work_of_plans(plan_ids: list[int], now: datetime, limit: int) -> Sequence[WorkOrder]:
    """The next work orders of these plans, soonest first."""
    stmt = (
        select(WorkOrder)
        .where(WorkOrder.plan_id.in_(plan_ids), WorkOrder.due_at >= now)
        .order_by(WorkOrder.due_at)
        .limit(limit)
    )
    return db.session.scalars(stmt).all()


def request_files_of(work_order: WorkOrder) -> Sequence[WorkAttachment]:
    """Files that came with the repair request, not with the completion."""
    stmt = select(WorkAttachment).where(
        WorkAttachment.work_order_id == work_order.id,
        WorkAttachment.completion_id.is_(None),
    )
    return db.session.scalars(stmt).all()
