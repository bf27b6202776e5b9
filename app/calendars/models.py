"""Working-day overrides per site (or for all sites) on top of the holiday libraries.

An admin enters next year's State Council notice the day it is published;
these rows win over `chinese_calendar` and `holidays`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin
from app.extensions import db
from app.sites.models import Site


class CalendarOverride(TimestampMixin, db.Model):
    __tablename__ = "calendar_override"
    __site_scoped__ = "site_id"  # see app.access.scoping
    __audited__ = True
    __table_args__ = (UniqueConstraint("site_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    day: Mapped[date]
    kind: Mapped[str] = mapped_column(String(16))  # "holiday" or "workday"
    note: Mapped[str] = mapped_column(String(200), default="")

    site: Mapped[Site | None] = relationship()


class CalendarYear(TimestampMixin, db.Model):
    """A year whose official notice has been entered in full, so it is no longer provisional."""

    __tablename__ = "calendar_year"
    __audited__ = True

    year: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(200), default="")
