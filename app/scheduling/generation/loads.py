"""The site's load ledger for one run: seeded from the stored work of the pool's people.

Least loaded counted per plan sent every plan's first visit to the pool's first member.
A run keeps one `LoadLedger` per site; it starts from the visits already stored for the
people it may assign (from the start of the current ISO week on), and a replace run takes
back each stored row it regenerates before the fresh one is counted. So every visit is
weighed against all of a person's work, whichever plan or run put it there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from app.rosters.services import StaffPool, staff_key
from app.scheduling.generation.results import WO_TABLE
from schedules import LoadLedger


def _minutes(due: dt.datetime, ends: dt.datetime | None) -> int:
    """Working time of a visit, as the engine's assigner records it (at least a minute)."""
    if ends is None:
        return 1
    return max(1, round((ends - due).total_seconds() / 60))


def seed(
    ledger: LoadLedger,
    seeded: set[str],
    site_id: int,
    pool: StaffPool,
    now: dt.datetime,
    zone: ZoneInfo,
) -> None:
    """Add the site's stored visits, from this ISO week on, of `pool`'s people not yet in
    `ledger` (`seeded` lists those that are; a run's pages may bring new people)."""
    people = sorted(int(key) for key in pool.staff if key.isdigit() and key not in seeded)
    if not people:
        return
    seeded.update(staff_key(p) for p in people)
    today = now.astimezone(zone).date()
    week_start = dt.datetime.combine(today - dt.timedelta(days=today.weekday()), dt.time(), zone)
    rows = db.session.execute(
        select(WO_TABLE.c.assignee_id, WO_TABLE.c.due_at, WO_TABLE.c.ends_at).where(
            WO_TABLE.c.site_id == site_id,
            WO_TABLE.c.assignee_id.in_(people),
            WO_TABLE.c.due_at >= week_start,
        )
    )
    for assignee, due, ends in rows:
        record(ledger, zone, assignee, due, ends)


def record(
    ledger: LoadLedger,
    zone: ZoneInfo,
    assignee: int | None,
    due: dt.datetime,
    ends: dt.datetime | None,
    *,
    sign: int = 1,
) -> None:
    """Count (or, with `sign=-1`, take back) one stored visit, on its local day."""
    if assignee is None:
        return
    local = _aware(due).astimezone(zone)
    end = _aware(ends).astimezone(zone) if ends is not None else None
    ledger.add(staff_key(assignee), local, sign * _minutes(local, end))


def take_back(ledger: LoadLedger, seeded: set[str], zone: ZoneInfo, rows: Iterable[Any]) -> None:
    """Take the stored rows a replace run is about to redo out of the ledger (those of
    seeded people: only they were counted)."""
    for row in rows:
        if row.assignee_id is not None and staff_key(row.assignee_id) in seeded:
            record(ledger, zone, row.assignee_id, row.due_at, row.ends_at, sign=-1)


def previous_assignees(rows: Iterable[Any]) -> Mapping[dt.datetime, str | None]:
    """Slot → stored assignee key of a plan's stored rows (what a re-plan keeps if it can)."""
    return {
        row.slot: staff_key(row.assignee_id) if row.assignee_id is not None else None
        for row in rows
    }


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive UTC; PostgreSQL aware instants."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
