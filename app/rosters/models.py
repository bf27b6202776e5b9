"""Staff leave; rotation comes from the team's shift pattern and each member's offset."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, VersionedMixin
from app.extensions import db
from app.people.models import User, staff_of


class StaffLeave(VersionedMixin, TimestampMixin, db.Model):
    __tablename__ = "staff_leave"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    kind: Mapped[str] = mapped_column(String(32), default="annual")
    note: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()

    @classmethod
    def site_criteria(cls, site_ids: Sequence[int]) -> Any:
        """Leave is seen with the person on leave (see app.access.scoping)."""
        return staff_of(cls.user_id, site_ids)
