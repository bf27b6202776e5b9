"""Work orders: the stored occurrences that feeds, sheets and phones read.

Planned rows are keyed by (plan, slot) — the unshifted rule instance — so
generation can be repeated, or resumed after a crash, without duplicates.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, UTCDateTime, VersionedMixin
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Team, User
from app.plans.models import Plan
from app.sites.models import Location, Site


class WorkOrderStatus(enum.StrEnum):
    PLANNED = "planned"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DONE_LATE = "done_late"
    SKIPPED = "skipped"
    MISSED = "missed"
    CANCELLED = "cancelled"


class WorkOrderKind(enum.StrEnum):
    PLANNED = "planned"
    CORRECTIVE = "corrective"


OPEN_STATUSES = frozenset(
    {WorkOrderStatus.PLANNED, WorkOrderStatus.ASSIGNED, WorkOrderStatus.IN_PROGRESS}
)


class WorkOrder(VersionedMixin, TimestampMixin, db.Model):
    __tablename__ = "work_order"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("plan_id", "slot"),
        Index("ix_work_order_site_due", "site_id", "due_at"),
        Index("ix_work_order_assignee_due", "assignee_id", "due_at"),
        Index("ix_work_order_status_window", "status", "window_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default=WorkOrderKind.PLANNED.value)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    slot: Mapped[datetime | None] = mapped_column(UTCDateTime)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    equipment_id: Mapped[int | None] = mapped_column(
        ForeignKey("equipment.id", ondelete="CASCADE"), index=True
    )
    location_id: Mapped[int | None] = mapped_column(
        ForeignKey("location.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    tier: Mapped[str | None] = mapped_column(String(64))
    includes: Mapped[list[str]] = mapped_column(JSON, default=list)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default=WorkOrderStatus.PLANNED.value)
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    unassigned: Mapped[bool] = mapped_column(default=False)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    provisional_calendar: Mapped[bool] = mapped_column(default=False)
    # When the visit was actually done: completion-anchored plans and ceilings count from it.
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Started, completed or edited by a person: regeneration never touches it again.
    touched: Mapped[bool] = mapped_column(default=False)
    # Rises on every user-visible change; the iCal SEQUENCE.
    revision: Mapped[int] = mapped_column(default=0)

    plan: Mapped[Plan | None] = relationship()
    site: Mapped[Site] = relationship()
    equipment: Mapped[Equipment | None] = relationship()
    location: Mapped[Location | None] = relationship()
    assignee: Mapped[User | None] = relationship()
    team: Mapped[Team | None] = relationship()

    def __str__(self) -> str:
        return self.title
