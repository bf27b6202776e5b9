"""Work orders: the stored occurrences that feeds, sheets and phones read.

Planned rows are keyed by (plan, slot) — the unshifted rule instance — so
generation can be repeated, or resumed after a crash, without duplicates.
Corrective rows (维修) have no plan; they point at the visit and checklist item
that raised them, and that pair is unique, so one failure makes one job.

A completion is its own row, unique per work order: whoever saves second is
refused instead of overwriting. Completions and their files are records: the
database refuses to delete a work order that has one, and statutory records
(elevator visits, contractors' statutory tests) refuse deletion in the ORM too.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    select,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from app.contractors.models import Contractor
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


class Priority(enum.StrEnum):
    """How soon corrective work must be done; the SLA hours are in `corrective.SLA_HOURS`."""

    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"


class AttachmentKind(enum.StrEnum):
    PHOTO = "photo"
    SIGNATURE = "signature"
    REPORT = "report"


OPEN_STATUSES = frozenset(
    {WorkOrderStatus.PLANNED, WorkOrderStatus.ASSIGNED, WorkOrderStatus.IN_PROGRESS}
)
FINISHED_STATUSES = frozenset({WorkOrderStatus.DONE, WorkOrderStatus.DONE_LATE})

STATUS_LABELS: dict[str, tuple[str, str]] = {
    WorkOrderStatus.PLANNED: ("待执行", "Planned"),
    WorkOrderStatus.ASSIGNED: ("已派工", "Assigned"),
    WorkOrderStatus.IN_PROGRESS: ("进行中", "In progress"),
    WorkOrderStatus.DONE: ("已完成", "Done"),
    WorkOrderStatus.DONE_LATE: ("逾期完成", "Done late"),
    WorkOrderStatus.SKIPPED: ("已跳过", "Skipped"),
    WorkOrderStatus.MISSED: ("已漏检", "Missed"),
    WorkOrderStatus.CANCELLED: ("已取消", "Cancelled"),
}
KIND_LABELS: dict[str, tuple[str, str]] = {
    WorkOrderKind.PLANNED: ("计划", "Planned"),
    WorkOrderKind.CORRECTIVE: ("维修", "Corrective"),
}
PRIORITY_LABELS: dict[str, tuple[str, str]] = {
    Priority.URGENT: ("紧急", "Urgent"),
    Priority.HIGH: ("高", "High"),
    Priority.NORMAL: ("一般", "Normal"),
}


class RecordKept(Exception):
    """Someone tried to delete a record the law (or the house rules) says to keep."""


class WorkOrder(VersionedMixin, TimestampMixin, db.Model):
    __tablename__ = "work_order"
    __site_scoped__ = "site_id"  # see app.access.scoping
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("plan_id", "slot"),
        Index("ix_work_order_site_due", "site_id", "due_at"),
        Index("ix_work_order_assignee_due", "assignee_id", "due_at"),
        Index("ix_work_order_status_window", "status", "window_end"),
        UniqueConstraint("source_work_order_id", "source_item_key"),
        Index("ix_work_order_team_due", "team_id", "due_at"),
        # Feeds make event UIDs from the id: SQLite must never hand a deleted row's id
        # (regeneration deletes rows) to a new visit. PostgreSQL sequences never reuse.
        {"sqlite_autoincrement": True},
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
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why a person skipped it (the engine's holiday skips explain themselves in `reasons`).
    skip_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Corrective work: how urgent, who was asked (a contractor has no user account), what
    # is wrong, and which visit and checklist item found it.
    priority: Mapped[str | None] = mapped_column(String(16))
    contractor_id: Mapped[int | None] = mapped_column(
        ForeignKey("contractor.id", ondelete="SET NULL")
    )
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    source_work_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_order.id", ondelete="SET NULL"), index=True
    )
    source_item_key: Mapped[str | None] = mapped_column(String(64))
    # The asset is out of service until this job is done: the period counts as downtime.
    equipment_down: Mapped[bool] = mapped_column(default=False, server_default=false())

    plan: Mapped[Plan | None] = relationship()
    site: Mapped[Site] = relationship()
    equipment: Mapped[Equipment | None] = relationship()
    location: Mapped[Location | None] = relationship()
    assignee: Mapped[User | None] = relationship()
    team: Mapped[Team | None] = relationship()
    contractor: Mapped[Contractor | None] = relationship()
    source: Mapped[WorkOrder | None] = relationship(remote_side=[id])
    # passive_deletes="all": the ORM never nulls a record's link; deleting is refused instead.
    completion: Mapped[WorkCompletion | None] = relationship(
        back_populates="work_order", uselist=False, passive_deletes="all"
    )

    @property
    def is_corrective(self) -> bool:
        return self.kind == WorkOrderKind.CORRECTIVE

    def __str__(self) -> str:
        return self.title


def _of_work_in(work_order_id: Any, site_ids: Sequence[int]) -> Any:
    return work_order_id.in_(select(WorkOrder.id).where(WorkOrder.site_id.in_(site_ids)))


class WorkCompletion(VersionedMixin, TimestampMixin, db.Model):
    """What was done on one visit: answers, times, crew, signature and statutory fields.

    `answers` is a snapshot of each checklist item with its result, so a later edit
    of the plan or catalog never changes what a record says was checked.
    """

    __tablename__ = "work_completion"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(
        ForeignKey("work_order.id", ondelete="RESTRICT"), unique=True
    )
    completed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    late: Mapped[bool] = mapped_column(default=False)
    answers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    # [{"user_id": 3, "name": "王师傅"}, {"user_id": null, "name": "外委 李工"}]
    crew: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    signature_name: Mapped[str] = mapped_column(String(100), default="")
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Corrective work.
    cause: Mapped[str] = mapped_column(Text, default="")
    parts_used: Mapped[str] = mapped_column(Text, default="")
    # Statutory records (TSG T5002: maintenance unit, technicians, the user's safety
    # manager's signature; contractors' statutory tests: the report and its number).
    statutory: Mapped[bool] = mapped_column(default=False)
    maintenance_unit: Mapped[str] = mapped_column(String(200), default="")
    safety_manager_name: Mapped[str] = mapped_column(String(100), default="")
    safety_manager_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    report_number: Mapped[str] = mapped_column(String(100), default="")
    # Entered by a lead from a returned paper sheet ("all done except ...").
    from_paper: Mapped[bool] = mapped_column(default=False)

    work_order: Mapped[WorkOrder] = relationship(back_populates="completion")

    @classmethod
    def site_criteria(cls, site_ids: Sequence[int]) -> Any:
        """A record is seen with its work order (see app.access.scoping)."""
        return _of_work_in(cls.work_order_id, site_ids)

    completed_by: Mapped[User | None] = relationship()
    attachments: Mapped[list[WorkAttachment]] = relationship(
        back_populates="completion", order_by="WorkAttachment.id", passive_deletes="all"
    )

    @property
    def failed_answers(self) -> list[dict[str, Any]]:
        return [a for a in self.answers if a.get("result") == "fail"]


class WorkAttachment(TimestampMixin, db.Model):
    """A photo, signature image or report file; the bytes live under ROUNDS_UPLOAD_DIR."""

    __tablename__ = "work_attachment"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(
        ForeignKey("work_order.id", ondelete="RESTRICT"), index=True
    )
    completion_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_completion.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16), default=AttachmentKind.PHOTO.value)
    item_key: Mapped[str | None] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(200), default="")
    stored_path: Mapped[str] = mapped_column(String(300), unique=True)
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    work_order: Mapped[WorkOrder] = relationship()
    completion: Mapped[WorkCompletion | None] = relationship(back_populates="attachments")

    @classmethod
    def site_criteria(cls, site_ids: Sequence[int]) -> Any:
        """A photo or signature is seen with its work order (see app.access.scoping)."""
        return _of_work_in(cls.work_order_id, site_ids)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


@event.listens_for(WorkCompletion, "before_delete")
def _keep_completion(mapper: Mapper[Any], connection: Any, target: WorkCompletion) -> None:
    if target.statutory:
        raise RecordKept(f"work completion {target.id} is a statutory record and is kept")


@event.listens_for(WorkOrder, "before_delete")
def _keep_completed_work(mapper: Mapper[Any], connection: Any, target: WorkOrder) -> None:
    if target.completion is not None:
        raise RecordKept(f"work order {target.id} has a completion record and is kept")


@event.listens_for(WorkAttachment, "before_delete")
def _keep_attachment(mapper: Mapper[Any], connection: Any, target: WorkAttachment) -> None:
    if target.completion_id is not None:
        raise RecordKept(f"attachment {target.id} belongs to a completion record and is kept")
