"""A repair request (报修) and the corrective work order it became.

The reference number (BX-7K3M-Q9TD-2WXA, random) is what the caller writes down; it is
unique, and the public status page looks it up without showing staff names.
"""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import User
from app.sites.models import Location, Site
from app.workorders.models import WorkOrder


class Channel(enum.StrEnum):
    DESK = "desk"  # 前台 / 客服, logged in
    QR = "qr"  # a resident scanned the asset's label
    API = "api"


CHANNEL_LABELS: dict[str, tuple[str, str]] = {
    Channel.DESK: ("前台", "Front desk"),
    Channel.QR: ("扫码报修", "QR code"),
    Channel.API: ("接口", "API"),
}


class RepairRequest(TimestampMixin, db.Model):
    __tablename__ = "repair_request"
    __site_scoped__ = "site_id"  # see app.access.scoping
    __audited__ = True
    __table_args__ = (Index("ix_repair_request_client_created", "client_key", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="RESTRICT"), index=True)
    equipment_id: Mapped[int | None] = mapped_column(
        ForeignKey("equipment.id", ondelete="SET NULL"), index=True
    )
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id", ondelete="SET NULL"))
    place: Mapped[str] = mapped_column(String(200), default="")
    reporter_name: Mapped[str] = mapped_column(String(100), default="")
    reporter_phone: Mapped[str] = mapped_column(String(32), default="")
    description: Mapped[str] = mapped_column(Text)
    urgency: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # A keyed hash of the sender's IP, only for the public page's rate limit.
    client_key: Mapped[str | None] = mapped_column(String(64))
    work_order_id: Mapped[int] = mapped_column(
        ForeignKey("work_order.id", ondelete="RESTRICT"), unique=True
    )

    site: Mapped[Site] = relationship()
    equipment: Mapped[Equipment | None] = relationship()
    location: Mapped[Location | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    work_order: Mapped[WorkOrder] = relationship()

    def __str__(self) -> str:
        return self.reference
