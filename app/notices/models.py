"""Warnings for supervisors: licences, qualifications, warranties and inspections running out."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import TimestampMixin, UTCDateTime
from app.extensions import db


class Notice(TimestampMixin, db.Model):
    """One warning per (kind, record, date), so a nightly job can re-run without repeats."""

    __tablename__ = "notice"
    __site_scoped__ = "site_id"  # see app.access.scoping
    __table_args__ = (UniqueConstraint("kind", "entity_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int]
    due_on: Mapped[date]
    subject: Mapped[str] = mapped_column(String(300))
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
