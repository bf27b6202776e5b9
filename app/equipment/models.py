"""The equipment ledger (设备台账)."""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.contractors.models import Contractor
from app.core.db import TimestampMixin, VersionedMixin
from app.extensions import db
from app.people.models import Team
from app.sites.models import Location, Site


class EquipmentStatus(enum.StrEnum):
    IN_SERVICE = "in_service"
    FAULT = "fault"
    STANDBY = "standby"
    RETIRED = "retired"


class Criticality(enum.StrEnum):
    """How much an outage hurts residents or breaks the law; drives priorities."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


STATUS_LABELS: dict[EquipmentStatus, tuple[str, str]] = {
    EquipmentStatus.IN_SERVICE: ("在用", "In service"),
    EquipmentStatus.FAULT: ("故障", "Fault"),
    EquipmentStatus.STANDBY: ("备用", "Standby"),
    EquipmentStatus.RETIRED: ("报废", "Retired"),
}
CRITICALITY_LABELS: dict[Criticality, tuple[str, str]] = {
    Criticality.HIGH: ("高", "High"),
    Criticality.MEDIUM: ("中", "Medium"),
    Criticality.LOW: ("低", "Low"),
}


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class Equipment(VersionedMixin, TimestampMixin, db.Model):
    """One asset; the asset code is what is painted on the plant and printed on its QR label."""

    __tablename__ = "equipment"
    __audited__ = True
    __table_args__ = (UniqueConstraint("site_id", "asset_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="RESTRICT"), index=True)
    asset_code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32), index=True)
    type_key: Mapped[str | None] = mapped_column(String(64))
    location_id: Mapped[int | None] = mapped_column(
        ForeignKey("location.id", ondelete="SET NULL"), index=True
    )
    manufacturer: Mapped[str] = mapped_column(String(200), default="")
    model: Mapped[str] = mapped_column(String(200), default="")
    serial_number: Mapped[str] = mapped_column(String(200), default="")
    installed_on: Mapped[date | None]
    commissioned_on: Mapped[date | None]
    warranty_until: Mapped[date | None]
    status: Mapped[EquipmentStatus] = mapped_column(
        _enum(EquipmentStatus), default=EquipmentStatus.IN_SERVICE, index=True
    )
    criticality: Mapped[Criticality] = mapped_column(_enum(Criticality), default=Criticality.MEDIUM)
    maintainer_team_id: Mapped[int | None] = mapped_column(
        ForeignKey("team.id", ondelete="SET NULL")
    )
    maintainer_contractor_id: Mapped[int | None] = mapped_column(
        ForeignKey("contractor.id", ondelete="SET NULL")
    )
    registration_number: Mapped[str] = mapped_column(String(64), default="")
    """使用登记证号: the registration certificate number of special equipment (梯11沪A0001(18))."""
    registration_code: Mapped[str] = mapped_column(String(20), default="", server_default="")
    """注册代码: the 20-digit code of the equipment in the special-equipment register."""
    next_inspection_on: Mapped[date | None]
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")

    site: Mapped[Site] = relationship()
    location: Mapped[Location | None] = relationship()
    maintainer_team: Mapped[Team | None] = relationship()
    maintainer_contractor: Mapped[Contractor | None] = relationship()

    @property
    def maintainer(self) -> Team | Contractor | None:
        return self.maintainer_contractor or self.maintainer_team

    def __str__(self) -> str:
        return f"{self.asset_code} {self.name}"
