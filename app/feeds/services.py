"""Feed links: issue, regenerate, revoke, find by token, and serve (cached) bodies.

A link is a capability: `/feeds/<token>/<slug>.ics`. The token is 144 bits of an HMAC
of a random per-link salt under the server's key, stored only as its sha256: the owner
can be shown their link again (one link per calendar, not a new one per tap), while
the database alone reveals none. It reads the one feed its row names and nothing
else. Services flush; views and the CLI commit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, select

from app.access.scoping import scope_of, scoped_to
from app.core import clock
from app.core.validation import N_, Problems, ValidationError
from app.extensions import db
from app.feeds import cache
from app.feeds.build import (
    Built,
    base_url,
    build_feed,
    build_plan,
    feed_locale,
    feed_timezone,
    uid_domain,
)
from app.feeds.models import CalendarFeed, FeedRef, FeedScope
from app.feeds.scopes import (
    SLUG_MAX,
    Selection,
    Target,
    TargetError,
    load,
    location_subtree,
    may_read,
    needs_locations,
    resolve,
    target_slug,
    window_for,
)
from app.people.models import User
from app.plans.models import Plan
from app.sites.models import Site

log = logging.getLogger(__name__)

TOKEN_BYTES = 18  # 144 bits, 24 URL-safe characters
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{22,64}")
URL_MAX = 255
"""Google Calendar silently refuses subscription URLs of 256 characters or more."""
DEFAULT_DAYS_BACK = 30
DEFAULT_DAYS_AHEAD = 90
DAYS_BACK_MAX = 90
DAYS_AHEAD_MAX = 366
ALARM_CHOICES = (5, 10, 15, 30, 60, 120, 1440)
SIZE_WARNING = 700 * 1024
"""Google drops events from feeds near 1 MB; warn well before (tech-notes §1.11)."""


class FeedError(ValidationError):
    """A feed cannot be issued or changed as asked; one message per field."""


@dataclass(frozen=True)
class Issued:
    """A feed's link in clear, for its owner's eyes only."""

    feed: CalendarFeed
    url: str
    webcal: str


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_salt() -> str:
    return secrets.token_hex(16)


def _derive_token(salt: str) -> str:
    """The link's secret: HMAC of the salt under the server key, cut to TOKEN_BYTES."""
    key = hashlib.sha256(b"rounds-feed-token:" + str(current_app.config["SECRET_KEY"]).encode())
    digest = hmac.new(key.digest(), salt.encode(), hashlib.sha256).digest()[:TOKEN_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _rekey(feed: CalendarFeed) -> str:
    """A fresh salt and its token for this feed; the previous link stops working."""
    feed.token_salt = _new_salt()
    raw = _derive_token(feed.token_salt)
    feed.token_hash = hash_token(raw)
    return raw


def current_link(feed: CalendarFeed) -> Issued | None:
    """The feed's live link again, or None when it cannot be rebuilt (made before salts,
    or the server key changed since): then only a new link can be shown."""
    if feed.token_salt is None:
        return None
    raw = _derive_token(feed.token_salt)
    if not hmac.compare_digest(hash_token(raw), feed.token_hash):
        return None
    return _issued(feed, raw)


def feed_url(raw: str, slug: str) -> str:
    return f"{base_url()}/feeds/{raw}/{slug}.ics"


def webcal_url(url: str) -> str:
    """The same address under webcal://, which opens the phone's subscribe dialog."""
    return "webcal://" + url.split("://", 1)[1]


def _issued(feed: CalendarFeed, raw: str) -> Issued:
    url = feed_url(raw, feed.slug)
    return Issued(feed, url, webcal_url(url))


def _fit_slug(slug: str) -> str:
    """Shorten the readable name until the whole URL stays under Google's limit."""
    room = URL_MAX - len(feed_url("x" * len(secrets.token_urlsafe(TOKEN_BYTES)), ""))
    slug = slug[: min(SLUG_MAX, room)].strip("-")
    if room < 4 or not slug:
        raise FeedError({"code": N_("ROUNDS_BASE_URL is too long for a calendar link.")})
    return slug


def _check_settings(
    problems: Problems, days_back: int | None, days_ahead: int | None, alarm_minutes: int | None
) -> tuple[int, int, int | None]:
    back = DEFAULT_DAYS_BACK if days_back is None else days_back
    ahead = DEFAULT_DAYS_AHEAD if days_ahead is None else days_ahead
    if not 0 <= back <= DAYS_BACK_MAX:
        problems.add("days_back", N_("Between 0 and %(n)d days.", n=DAYS_BACK_MAX))
    if not 1 <= ahead <= DAYS_AHEAD_MAX:
        problems.add("days_ahead", N_("Between 1 and %(n)d days.", n=DAYS_AHEAD_MAX))
    if alarm_minutes is not None and alarm_minutes not in ALARM_CHOICES:
        problems.add("alarm_minutes", N_("Choose one of the offered reminders."))
    return back, ahead, alarm_minutes


def _target(problems: Problems, owner: User, scope: str, code: str | None) -> Target | None:
    try:
        kind = FeedScope(scope)
    except ValueError:
        problems.add("scope", N_("Choose one of the offered feeds."))
        return None
    try:
        target = resolve(kind, code, owner)
    except TargetError as exc:
        problems.add("code", exc.msg)
        return None
    if not may_read(owner, target):
        problems.add("code", N_("You may not subscribe to this calendar."))
        return None
    return target


def issue_feed(
    owner: User,
    scope: str,
    code: str | None = None,
    *,
    days_back: int | None = None,
    days_ahead: int | None = None,
    alarm_minutes: int | None = None,
) -> Issued:
    """The link to one scope + target the owner may read; the same checks for the profile
    page and `rounds feeds issue`. Every bad field is reported at once. Asking again for a
    calendar the owner already has a link to gives that link (settings unchanged), so
    repeated taps never leave several live links to one calendar."""
    problems = Problems()
    target = _target(problems, owner, scope, (code or "").strip() or None)
    back, ahead, alarm = _check_settings(problems, days_back, days_ahead, alarm_minutes)
    problems.raise_if_any(FeedError)
    assert target is not None
    existing = _existing_feed(owner, target)
    if existing is not None:
        return current_link(existing) or _issued(existing, _rekey(existing))
    feed = CalendarFeed(
        user_id=owner.id,
        scope=target.scope.value,
        target_id=target.id,
        site_id=target.site_id,
        slug=_fit_slug(target_slug(target)),
        days_back=back,
        days_ahead=ahead,
        alarm_minutes=alarm,
        locale=feed_locale(owner.locale),
    )
    raw = _rekey(feed)
    db.session.add(feed)
    db.session.flush()
    return _issued(feed, raw)


def _existing_feed(owner: User, target: Target) -> CalendarFeed | None:
    """The owner's live link to this very calendar, if they have one."""
    stmt = (
        select(CalendarFeed)
        .where(
            CalendarFeed.user_id == owner.id,
            CalendarFeed.scope == target.scope.value,
            CalendarFeed.target_id == target.id,
            CalendarFeed.revoked_at.is_(None),
        )
        .order_by(CalendarFeed.id)
        .limit(1)
    )
    return db.session.scalar(stmt)


def _own_feed(owner: User, feed_id: int) -> CalendarFeed:
    feed = db.session.get(CalendarFeed, feed_id)
    if feed is None or feed.user_id != owner.id or feed.revoked_at is not None:
        raise FeedError({"feed": N_("No such calendar link.")})
    return feed


def regenerate_feed(owner: User, feed_id: int) -> Issued:
    """A new token for the same feed: the old link stops working, subscribers re-subscribe."""
    feed = _own_feed(owner, feed_id)
    raw = _rekey(feed)
    db.session.flush()
    return _issued(feed, raw)


def own_link(owner: User, feed_id: int) -> Issued | None:
    """One of the owner's live links, shown again (its QR code, the card on 我的工作)."""
    return current_link(_own_feed(owner, feed_id))


@dataclass(frozen=True)
class SubscriptionCard:
    """One calendar the person may subscribe to from 我的工作, and their link if they have one."""

    scope: str
    code: str
    name: str
    link: Issued | None
    has_feed: bool  # a live link exists even when it cannot be shown again (renew it)


def subscription_cards(owner: User, choices: list[tuple[str, str, str]]) -> list[SubscriptionCard]:
    """For each (scope, code, name) choice: the owner's existing link to it, if any."""
    cards = []
    for scope, code, name in choices:
        try:
            target = resolve(FeedScope(scope), code, owner)
        except (TargetError, ValueError):
            continue
        feed = _existing_feed(owner, target)
        link = current_link(feed) if feed is not None else None
        cards.append(SubscriptionCard(scope, code, name, link, feed is not None))
    return cards


def revoke_feed(owner: User, feed_id: int) -> CalendarFeed:
    """The link answers 404 from now on."""
    feed = _own_feed(owner, feed_id)
    feed.revoked_at = clock.utcnow()
    db.session.flush()
    return feed


def revoke_user_feeds(user: User) -> int:
    """Every link of one person stops working (they left, or lost their phone)."""
    feeds = user_feeds(user)
    now = clock.utcnow()
    for feed in feeds:
        feed.revoked_at = now
    db.session.flush()
    return len(feeds)


def user_feeds(user: User) -> list[CalendarFeed]:
    """The person's working links, oldest first."""
    stmt = (
        select(CalendarFeed)
        .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.created_at, CalendarFeed.id)
    )
    return list(db.session.scalars(stmt))


def describe(feed: CalendarFeed) -> Target | None:
    return load(feed.scope, feed.target_id)


# --- serving ---------------------------------------------------------------------------------


_FIND = (
    select(
        CalendarFeed.id, CalendarFeed.user_id, CalendarFeed.scope, CalendarFeed.target_id,
        CalendarFeed.site_id, CalendarFeed.slug, CalendarFeed.days_back, CalendarFeed.days_ahead,
        CalendarFeed.alarm_minutes, CalendarFeed.locale, CalendarFeed.created_at,
        CalendarFeed.updated_at, Site.timezone,
    )
    .join(User, User.id == CalendarFeed.user_id)
    .outerjoin(Site, Site.id == CalendarFeed.site_id)
    .where(
        CalendarFeed.token_hash == bindparam("token_hash"),
        CalendarFeed.revoked_at.is_(None),
        User.active.is_(True),
    )
)  # fmt: skip


def find_feed(raw: str, slug: str) -> FeedRef | None:
    """The feed a token opens, if the token is live, its owner active and the name its own."""
    if not TOKEN_PATTERN.fullmatch(raw):
        return None
    row = db.session.connection().execute(_FIND, {"token_hash": hash_token(raw)}).first()
    if row is None:
        return None
    feed = FeedRef(*row)
    return feed if feed.slug == slug else None


def selection_of(feed: FeedRef, timezone: str) -> Selection:
    """The feed's rows today: whole local days from `days_back` ago to `days_ahead` on."""
    window = window_for(timezone, clock.local_today(timezone), feed.days_back, feed.days_ahead)
    locations = (
        location_subtree(feed.site_id, feed.target_id)
        if needs_locations(feed.scope) and feed.site_id is not None
        else ()
    )
    return Selection(feed.scope, feed.target_id, window, locations)


@dataclass(frozen=True)
class FeedState:
    """Validators for a conditional GET, and the body when a rebuild just made it."""

    feed_id: int
    etag: str
    changed_at: datetime
    size: int
    body: bytes | None


def _ceil_second(value: datetime) -> datetime:
    whole = value.replace(microsecond=0)
    return whole if whole == value else whole + timedelta(seconds=1)


def _changed_at(
    old: cache.Validators | None, etag: str, newest: datetime, now: datetime
) -> datetime:
    """Last-Modified: kept while the bytes are the same, and otherwise strictly later than
    before — also when the change was a row *leaving* the feed, which max(updated_at)
    alone would miss."""
    if old is not None and old.etag == etag:
        return old.changed_at
    moved = _ceil_second(newest)
    if old is None:
        return moved
    return max(moved, now.replace(microsecond=0), old.changed_at + timedelta(seconds=1))


def current_state(feed: FeedRef) -> FeedState | None:
    """The feed's validators; rebuilds (and stores) the body when its rows changed.

    None when the target is gone or the owner may no longer read it (rights changes
    raise the cache epoch, so the check runs on the next request after one).
    """
    timezone = feed_timezone(feed.site_timezone)
    selection = selection_of(feed, timezone)
    checked = cache.check(feed, selection, base_url(), uid_domain(), timezone)
    fp, old = checked.fingerprint, checked.stored
    now = clock.utcnow()
    if old is not None and cache.is_fresh(old, fp, now):
        return FeedState(feed.id, old.etag, old.changed_at, old.size, None)
    target = load(feed.scope, feed.target_id)
    owner = db.session.get(User, feed.user_id)
    if target is None or owner is None or not may_read(owner, target):
        return None
    with scoped_to(scope_of(owner)):  # a feed shows only its owner's sites, like Rounds
        built = build_feed(feed, target, selection, timezone)
    etag = hashlib.sha256(built.body).hexdigest()
    changed = _changed_at(old, etag, built.last_updated or feed.created_at, now)
    size = len(built.body)
    cache.store(feed.id, cache.Validators(fp, etag, changed, now, size, built.events), built.body)
    if size > SIZE_WARNING:
        log.warning("calendar feed %s is %d KB (%d events)", feed.id, size // 1024, built.events)
    return FeedState(feed.id, etag, changed, size, built.body)


def cached_body(feed_id: int) -> bytes:
    return cache.stored_body(feed_id) or b""


def feed_sizes(feeds: list[CalendarFeed]) -> dict[int, tuple[int, int]]:
    return cache.sizes([feed.id for feed in feeds])


def plan_calendar(plan_id: int, english: bool) -> tuple[Plan, Built] | None:
    """A plan's future visits as a one-off .ics download."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        return None
    return plan, build_plan(plan, clock.utcnow(), "en" if english else "zh")
