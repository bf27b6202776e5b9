"""Cached feed bodies and when to rebuild them.

Calendar clients poll every few minutes to hours, and nearly every poll finds nothing
new, so a poll must not rebuild 600 events. Each feed keeps its last body in the
database (shared by all gunicorn workers) with a fingerprint of what it was built
from:

* the feed's rows in the window — count, sum of ids, sum of versions and revisions,
  newest updated_at — one aggregate over an index, which also sees the scheduler's
  Core INSERT/UPDATE/DELETE statements that no ORM event would;
* the feed row itself (settings), the window's days, the base URL;
* a global epoch, raised by a session listener whenever something a feed *shows* but
  that is not a work-order row changes: a plan's checklist, a renamed building or
  person, a role or team membership taken away (the next build re-checks access).

As a last safety net a body older than `MAX_AGE` is rebuilt anyway; rebuilding
unchanged data gives the same bytes, so the ETag and Last-Modified do not move.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, event, func, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, UOWTransaction

from app.equipment.models import Equipment
from app.extensions import db
from app.feeds.models import FeedCache, FeedEpoch, FeedRef
from app.feeds.scopes import Selection, select_rows
from app.people.models import Team, TeamMembership, User
from app.plans.models import Plan
from app.sites.models import Location, Site, SiteMembership
from app.workorders.models import WorkOrder

FORMAT = "1"
"""Raise when the event layout changes, so every cached body is rebuilt once."""
MAX_AGE = timedelta(hours=6)
EPOCH_ID = 1

WATCHED: dict[type, frozenset[str] | None] = {
    Site: frozenset({"name", "timezone"}),
    Location: frozenset({"name", "parent_id", "kind"}),
    Equipment: frozenset({"name", "type_key", "category", "location_id"}),
    Plan: frozenset(
        {
            "name",
            "kind",
            "checklist",
            "notes",
            "catalog_type_key",
            "catalog_task_key",
            "tier_group",
            "equipment_id",
        }
    ),
    Team: frozenset({"name"}),
    User: frozenset({"name", "active"}),  # not last_login_at: a login changes no feed
    TeamMembership: None,  # None: any update or deletion
    SiteMembership: None,
}


def _shown_change(session: Session) -> bool:
    """New rows change no feed (work orders are fingerprinted themselves); edits and
    deletions of what feeds show, or of who may read them, do."""
    for obj in session.deleted:
        if type(obj) in WATCHED:
            return True
    for obj in session.dirty:
        watched = WATCHED.get(type(obj), frozenset())
        if watched is None:
            return True
        state = inspect(obj)
        if any(state.attrs[key].history.has_changes() for key in watched):
            return True
    return False


def epoch_upsert() -> Any:
    """INSERT the epoch row or raise it by one, atomically, in the session's dialect."""
    table = FeedEpoch.__table__
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table).values(id=EPOCH_ID, value=1)
    return stmt.on_conflict_do_update(index_elements=["id"], set_={"value": table.c.value + 1})


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    if _shown_change(session):
        session.connection().execute(epoch_upsert())


def register_listeners() -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


# --- fingerprint and stored bodies -----------------------------------------------------------


@dataclass(frozen=True)
class Validators:
    """What a conditional GET is answered from, without reading the body."""

    fingerprint: str
    etag: str
    changed_at: datetime
    built_at: datetime
    size: int
    events: int


_STORED_COLUMNS = (
    FeedCache.fingerprint, FeedCache.etag, FeedCache.changed_at, FeedCache.built_at,
    FeedCache.size, FeedCache.events,
)  # fmt: skip


@cache
def _check_statement(scope: str) -> Select[Any]:
    """One round trip: the rows' aggregates, the epoch, and the stored body's validators."""
    epoch = select(FeedEpoch.value).where(FeedEpoch.id == EPOCH_ID).scalar_subquery()
    stored = [
        select(column).where(FeedCache.feed_id == bindparam("feed_id")).scalar_subquery()
        for column in _STORED_COLUMNS
    ]
    stmt = select(
        func.count(WorkOrder.id),
        func.coalesce(func.sum(WorkOrder.id), 0),
        func.coalesce(func.sum(WorkOrder.version), 0),
        func.coalesce(func.sum(WorkOrder.revision), 0),
        func.max(WorkOrder.updated_at),
        epoch,
        *stored,
    ).select_from(WorkOrder)
    return select_rows(stmt, scope)


@dataclass(frozen=True)
class Check:
    fingerprint: str  # of what the body would be built from now
    stored: Validators | None  # what was built last time


def check(feed: FeedRef, selection: Selection, *extra: str) -> Check:
    """Hash everything the feed's body depends on, and read the stored validators."""
    row = (
        db.session.connection()
        .execute(_check_statement(selection.scope), {"feed_id": feed.id, **selection.params()})
        .one()
    )
    values, stored = row[:6], row[6:]
    parts = [
        FORMAT, str(feed.id), feed.updated_at.isoformat(), selection.window.start.isoformat(),
        selection.window.end.isoformat(), *(str(v) for v in values), *extra,
    ]  # fmt: skip
    fingerprint = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return Check(fingerprint, Validators(*stored) if stored[0] is not None else None)


_BODY = select(FeedCache.body).where(FeedCache.feed_id == bindparam("feed_id"))


def stored_body(feed_id: int) -> bytes | None:
    body: bytes | None = (
        db.session.connection().execute(_BODY, {"feed_id": feed_id}).scalar_one_or_none()
    )
    return body


def store(feed_id: int, validators: Validators, body: bytes) -> None:
    """Write (or overwrite) a feed's body; two workers racing both write the same bytes."""
    table = FeedCache.__table__
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    values = {
        "feed_id": feed_id,
        "fingerprint": validators.fingerprint,
        "etag": validators.etag,
        "changed_at": validators.changed_at,
        "built_at": validators.built_at,
        "size": validators.size,
        "events": validators.events,
        "body": body,
    }
    stmt = insert(table).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["feed_id"],
        set_={key: stmt.excluded[key] for key in values if key != "feed_id"},
    )
    db.session.execute(stmt)


def sizes(feed_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Last built size in bytes and event count per feed, for the profile page."""
    if not feed_ids:
        return {}
    stmt = select(FeedCache.feed_id, FeedCache.size, FeedCache.events).where(
        FeedCache.feed_id.in_(feed_ids)
    )
    return {feed_id: (size, events) for feed_id, size, events in db.session.execute(stmt).all()}


def is_fresh(validators: Validators | None, fp: str, now: datetime) -> bool:
    return (
        validators is not None
        and validators.fingerprint == fp
        and now - validators.built_at < MAX_AGE
    )
