"""Contractors (外委单位): elevator maintenance, fire technical service, testing bodies."""

from __future__ import annotations

from datetime import date

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import TimestampMixin, VersionedMixin
from app.extensions import db


class Contractor(VersionedMixin, TimestampMixin, db.Model):
    __tablename__ = "contractor"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    qualification: Mapped[str] = mapped_column(String(200), default="")
    licence_number: Mapped[str] = mapped_column(String(100), default="")
    licence_expires_on: Mapped[date | None]
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    contact_phone: Mapped[str] = mapped_column(String(32), default="")
    contract_start: Mapped[date | None]
    contract_end: Mapped[date | None]
    scope: Mapped[str] = mapped_column(Text, default="")

    def __str__(self) -> str:
        return self.name
