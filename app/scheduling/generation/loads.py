"""The site's load ledger for one run: seeded from the stored work of the pool's people.

Least loaded counted per plan sent every plan's first visit to the pool's first member.
A run keeps one `LoadLedger` per site; it starts from the visits already stored for the
people it may assign (from the start of the current ISO week on), and a replace run takes
back each stored row it regenerates before the fresh one is counted. So every visit is
weighed against all of a person's work, whichever plan or run put it there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
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
    keys = {person: staff_key(person) for person in people}
    for assignee, due, ends in rows:  # a year of a pool's visits: keep the loop lean
        minutes = 1 if ends is None else max(1, round((ends - due).total_seconds() / 60))
        ledger.add(keys[assignee], _aware(due).astimezone(zone), minutes)


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


class Previous:
    """Who had each stored visit a replace run redoes, looked up by the fresh visit's slot.

    A fresh visit on a stored slot is that row; one without (the plan's time or rule
    changed) takes, like `Changes.diff`, the first stored row of the same local day
    not taken yet, so the row updated in place keeps its person or says why not.
    """

    def __init__(self, rows: Iterable[Any], zone: ZoneInfo) -> None:
        self._zone = zone
        self._by_slot: dict[dt.datetime, str | None] = {}
        self._by_day: dict[dt.date, list[dt.datetime]] = {}
        for row in sorted(rows, key=lambda r: r.slot):
            key = staff_key(row.assignee_id) if row.assignee_id is not None else None
            self._by_slot[row.slot] = key
            self._by_day.setdefault(row.slot.astimezone(zone).date(), []).append(row.slot)

    def get(self, slot: dt.datetime) -> str | None:
        day = self._by_day.get(slot.astimezone(self._zone).date())
        if slot in self._by_slot:
            if day is not None and slot in day:
                day.remove(slot)
            return self._by_slot[slot]
        if not day:
            return None
        return self._by_slot[day.pop(0)]


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive UTC; PostgreSQL aware instants."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
