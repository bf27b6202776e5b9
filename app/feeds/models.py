"""Subscribed calendar feeds, their cached bodies and the epoch that invalidates them.

A feed row *is* the grant: its secret token (stored only as a sha256 hash) reads
that one scope + target and nothing else. Cached bodies live in the database so
every gunicorn worker (and every host) shares them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, UTCDateTime
from app.extensions import db
from app.people.models import User
from app.sites.models import Site


class FeedScope(enum.StrEnum):
    PERSON = "person"
    TEAM = "team"
    SITE = "site"
    EQUIPMENT = "equipment"
    LOCATION = "location"
    BUILDING = "building"  # public: planned disruptions for residents, no staff names


class CalendarFeed(TimestampMixin, db.Model):
    """One subscription link: who asked for it, what it shows and how."""

    __tablename__ = "calendar_feed"
    __audited__ = True
    __audit_exclude__ = frozenset({"token_hash", "token_salt"})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[str] = mapped_column(String(16))
    # The person, team, site, equipment or location shown; which table depends on `scope`.
    target_id: Mapped[int] = mapped_column()
    # The target's site (None for a person): its time zone frames the window and the events.
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    # The readable last path element; fixed at issue so renames never break a subscription.
    slug: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The token is HMAC(server key, salt): the owner can be shown the link again, the
    # database alone reveals none. None on links made before this existed.
    token_salt: Mapped[str | None] = mapped_column(String(32))
    days_back: Mapped[int] = mapped_column(default=30)
    days_ahead: Mapped[int] = mapped_column(default=90)
    alarm_minutes: Mapped[int | None] = mapped_column()
    locale: Mapped[str] = mapped_column(String(8), default="zh")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    site: Mapped[Site | None] = relationship()


@dataclass(frozen=True)
class FeedRef:
    """What serving a feed needs from its row (and its site's zone), read as plain columns:
    the hot path builds no ORM objects."""

    id: int
    user_id: int
    scope: str
    target_id: int
    site_id: int | None
    slug: str
    days_back: int
    days_ahead: int
    alarm_minutes: int | None
    locale: str
    created_at: datetime
    updated_at: datetime
    site_timezone: str | None


class FeedCache(db.Model):
    """The last body built for a feed, with the fingerprint of the rows it was built from.

    `changed_at` (the HTTP Last-Modified) only moves when the body's hash changes, so a
    row leaving the feed moves it too, while a rebuild with the same result does not.
    """

    __tablename__ = "calendar_feed_cache"

    feed_id: Mapped[int] = mapped_column(
        ForeignKey("calendar_feed.id", ondelete="CASCADE"), primary_key=True
    )
    fingerprint: Mapped[str] = mapped_column(String(64))
    etag: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime)
    size: Mapped[int] = mapped_column()
    events: Mapped[int] = mapped_column()
    body: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class FeedEpoch(db.Model):
    """One counter, raised in the same transaction as any edit a feed shows but that does not
    touch a work-order row (a plan's checklist, a renamed building, a role taken away)."""

    __tablename__ = "calendar_feed_epoch"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)
