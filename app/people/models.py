"""Staff, teams, roles and licences."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint, or_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, UTCDateTime, VersionedMixin
from app.extensions import db
from app.sites.models import SiteMembership

TEAM_KINDS: dict[str, tuple[str, str]] = {
    "engineering": ("工程部", "Engineering"),
    "cleaning": ("保洁部", "Cleaning"),
    "greening": ("绿化部", "Greening"),
    "security": ("秩序维护部", "Security"),
    "customer_service": ("客服部", "Customer service"),
}


class User(VersionedMixin, TimestampMixin, UserMixin, db.Model):
    """A member of staff; those with a password can log in."""

    __tablename__ = "user_account"
    __audited__ = True
    __audit_exclude__ = frozenset(
        {"password_hash", "failed_logins", "locked_until", "last_login_at", "session_version"}
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(32), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of every session and remember cookie; bumping it logs the user out everywhere.
    # Separate from `version` so logging out never makes an admin's open edit stale.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    memberships: Mapped[list[TeamMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    licences: Mapped[list[Licence]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Licence.expires_on"
    )
    site_memberships: Mapped[list[SiteMembership]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[str]:
        """Every role the user holds at any site: which pages they may open at all."""
        return frozenset(m.role for m in self.site_memberships if m.role is not None)

    def roles_at(self, site_id: int | None) -> frozenset[str]:
        """The roles that decide what the user may do with a row of `site_id`.

        Those held at that site plus those held at every site. A company-wide row
        (`site_id` None, such as a contractor) answers to every role the user holds.
        """
        if site_id is None:
            return self.roles
        return frozenset(
            m.role
            for m in self.site_memberships
            if m.role is not None and m.site_id in (None, site_id)
        )

    def sites_granting(self, wanted: frozenset[str]) -> frozenset[int] | None:
        """The sites where the user holds one of `wanted` roles; None: every site."""
        held = [m.site_id for m in self.site_memberships if m.role in wanted]
        if None in held:
            return None
        return frozenset(i for i in held if i is not None)

    @property
    def visible_site_ids(self) -> frozenset[int] | None:
        """The sites this user may see; None for company-level users who see every site."""
        ids = [m.site_id for m in self.site_memberships]
        if None in ids:
            return None
        return frozenset(i for i in ids if i is not None)

    @classmethod
    def site_criteria(cls, site_ids: Sequence[int]) -> Any:
        """Staff of a site: its members, its teams' members, and company-level users."""
        return staff_of(cls.id, site_ids)

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.active

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and remember cookie: id and session version.

        A cookie carrying an older session version no longer loads the user, which is how
        logout, a password change and deactivation end every session (`end_sessions`).
        """
        return f"{self.id}:{self.session_version}"

    @property
    def teams(self) -> list[Team]:
        return [m.team for m in self.memberships]

    def __str__(self) -> str:
        return self.name


def staff_of(user_id: Any, site_ids: Sequence[int]) -> Any:
    """`user_id` is one of the sites' staff (see `User.site_criteria`)."""
    members = select(SiteMembership.user_id).where(
        or_(SiteMembership.site_id.is_(None), SiteMembership.site_id.in_(site_ids))
    )
    in_teams = (
        select(TeamMembership.user_id)
        .join(Team, Team.id == TeamMembership.team_id)
        .where(Team.site_id.in_(site_ids))
    )
    return or_(user_id.in_(members), user_id.in_(in_teams))


class Team(VersionedMixin, TimestampMixin, db.Model):
    """A team of one site: engineering, cleaning, greening, security or customer service."""

    __tablename__ = "team"
    __site_scoped__ = "site_id"  # see app.access.scoping
    __audited__ = True
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(32))
    shift_pattern: Mapped[str | None] = mapped_column(String(64))

    memberships: Mapped[list[TeamMembership]] = relationship(
        back_populates="team", cascade="all, delete-orphan"
    )

    @property
    def members(self) -> list[User]:
        return [m.user for m in self.memberships]

    def __str__(self) -> str:
        return self.name


class TeamMembership(db.Model):
    """Who is in which team, and who leads it; audited so roster disputes can be traced."""

    __tablename__ = "team_membership"
    __audited__ = True

    team_id: Mapped[int] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    is_lead: Mapped[bool] = mapped_column(default=False)
    rotation_offset: Mapped[int] = mapped_column(default=0)

    team: Mapped[Team] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")


class Licence(VersionedMixin, TimestampMixin, db.Model):
    """A certificate such as 电工证 or 特种设备作业人员证; assignment checks its expiry."""

    __tablename__ = "licence"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(64))
    number: Mapped[str] = mapped_column(String(64), default="")
    issued_on: Mapped[date | None]
    expires_on: Mapped[date | None]

    user: Mapped[User] = relationship(back_populates="licences")

    @classmethod
    def site_criteria(cls, site_ids: Sequence[int]) -> Any:
        """A licence is seen with its holder (see app.access.scoping)."""
        return staff_of(cls.user_id, site_ids)

    def valid_on(self, day: date) -> bool:
        return self.expires_on is None or day <= self.expires_on


class ApiToken(TimestampMixin, db.Model):
    """A per-user bearer token for the JSON API; only its hash is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class LoginThrottle(db.Model):
    """Failed logins of one source (`ip:…`), or of one source for one account (`pair:…`).

    Kept in the database so every worker process sees the same counts. A pair row also
    remembers when that source last logged in to that account: such a known source is
    not slowed down when the account is being guessed at from elsewhere.
    """

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    trusted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
