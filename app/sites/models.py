"""Sites (物业项目) and their location trees."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, VersionedMixin
from app.extensions import db

SERVICE_LEVELS: dict[int, tuple[str, str]] = {
    1: ("一级", "Level 1"),
    2: ("二级", "Level 2"),
    3: ("三级", "Level 3"),
}


class Site(VersionedMixin, TimestampMixin, db.Model):
    """A managed property; the unit that owns time zone, calendar and service level."""

    __tablename__ = "site"
    __audited__ = True
    __table_args__ = (CheckConstraint("service_level IN (1, 2, 3)", name="service_level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(400), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    service_level: Mapped[int] = mapped_column(default=2)

    locations: Mapped[list[Location]] = relationship(
        back_populates="site", cascade="all, delete-orphan", order_by="Location.sort_key"
    )

    @classmethod
    def site_criteria(cls, site_ids: Sequence[int]) -> Any:
        """A site is visible to the members of that site (see app.access.scoping)."""
        return cls.id.in_(site_ids)

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class SiteMembership(db.Model):
    """A user's role at one site, or at every site (`site_id` NULL, company level).

    Which rows a user sees follows from these (app.access.scoping), and what they may do
    with a row follows from the role they hold at that row's site: one person can be the
    engineering supervisor of one site and a viewer at another. A user holds one row per
    role and site; a NULL role keeps staff without any role on a site's staff list.
    Audited because granting a site grants its data.
    """

    __tablename__ = "site_membership"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("user_id", "site_id", "role"),
        # NULLs are distinct in a unique constraint: one company-level row per role, too
        Index(
            "uq_site_membership_company_role",
            "user_id",
            "role",
            unique=True,
            sqlite_where=text("site_id IS NULL"),
            postgresql_where=text("site_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    site_id: Mapped[int | None] = mapped_column(
        ForeignKey("site.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str | None] = mapped_column(String(32))

    site: Mapped[Site | None] = relationship()


class Location(VersionedMixin, TimestampMixin, db.Model):
    """A building, floor, room or area; parents form the tree shown as 1号楼/3F/配电房."""

    __tablename__ = "location"
    __site_scoped__ = "site_id"  # see app.access.scoping
    __audited__ = True
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    sort_key: Mapped[str] = mapped_column(String(64), default="")

    site: Mapped[Site] = relationship(back_populates="locations")
    parent: Mapped[Location | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Location]] = relationship(
        back_populates="parent", order_by="Location.sort_key"
    )

    @property
    def ancestry(self) -> list[Location]:
        """From the building down to this location."""
        chain: list[Location] = []
        node: Location | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    @property
    def path(self) -> str:
        return "/".join(loc.name for loc in self.ancestry)

    def __str__(self) -> str:
        return self.path
