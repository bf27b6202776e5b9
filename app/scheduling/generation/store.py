"""Writing rows: dialect-aware inserts, version-guarded updates, and the diff of a replace run."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Row,
    bindparam,
    delete,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.scheduling.generation.results import (
    COMPARED,
    LOOKBACK_DAYS,
    NOT_VISITS,
    REPLACEABLE,
    ROW_BATCH,
    WO_TABLE,
    first_due,
)
from app.workorders.models import WorkOrder, WorkOrderStatus


def insert_statement() -> Any:
    """INSERT ... ON CONFLICT (plan_id, slot) DO NOTHING in the session's dialect."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return pg_insert(WO_TABLE).on_conflict_do_nothing(index_elements=["plan_id", "slot"])
    if dialect == "sqlite":
        return sqlite_insert(WO_TABLE).on_conflict_do_nothing(index_elements=["plan_id", "slot"])
    raise RuntimeError(f"work-order generation supports sqlite and postgresql, not {dialect}")


def insert_rows(rows: list[dict[str, Any]]) -> int:
    """Insert the rows that are not stored yet; returns how many were new.

    PostgreSQL's batched executemany reports no row count (and RETURNING made it
    four times slower), so there the count is the rows offered — all of them
    missing when last read; only a concurrent run can have taken some meanwhile.
    """
    if not rows:
        return 0
    result = db.session.execute(insert_statement(), rows)
    count: int = result.rowcount  # type: ignore[attr-defined]
    return count if count >= 0 else len(rows)


@lru_cache(maxsize=64)
def _update_statement(columns: tuple[str, ...]) -> Any:
    """UPDATE of just `columns`, guarded by version and `touched`.

    Setting only what changed spares SQLite and PostgreSQL the upkeep of indexes on
    columns that did not (a new assignee need not rewrite the due-date indexes).
    """
    return (
        update(WO_TABLE)
        .where(
            WO_TABLE.c.id == bindparam("b_id"),
            WO_TABLE.c.version == bindparam("b_version"),
            WO_TABLE.c.touched.is_(False),
        )
        .values(
            {
                **{name: bindparam(f"v_{name}") for name in columns},
                "version": WO_TABLE.c.version + 1,
                "revision": WO_TABLE.c.revision + 1,
                "updated_at": bindparam("v_updated_at"),
            }
        )
    )


_DELETE = delete(WO_TABLE).where(
    WO_TABLE.c.id == bindparam("b_id"),
    WO_TABLE.c.version == bindparam("b_version"),
    WO_TABLE.c.touched.is_(False),
    or_(*(WO_TABLE.c.status == status for status in REPLACEABLE)),  # no IN: it cannot executemany
)


@dataclass
class StoredSlots:
    """The stored rows of a page's plans, from `since` (the earliest slot a run reaches)."""

    slots: dict[int, set[dt.datetime]] = field(default_factory=dict)
    # missed rows' slots: keys no fresh visit can take. A make-up pulled early keeps its
    # later slot; missed, it holds that slot while the re-plan wants a visit for it after
    # all (see `rows.free_slot`)
    missed: dict[int, set[dt.datetime]] = field(default_factory=dict)
    furthest: dict[int, dt.datetime] = field(default_factory=dict)  # latest visit's slot

    def reaches(self, plan_id: int | None, until: dt.datetime) -> bool:
        """Whether the plan has a visit stored at or past `until`: a nightly run would
        only meet rows already there (every re-plan rewrites the rows it changes)."""
        furthest = self.furthest.get(plan_id) if plan_id is not None else None
        return furthest is not None and furthest >= until


def stored_slots(plan_ids: Sequence[int], since: dt.datetime) -> StoredSlots:
    """Slots already stored, per plan, from `since`, in one query.

    Reading a slot costs far less than offering the row again for ON CONFLICT to
    drop; the conflict clause still settles races with a concurrent run.
    """
    found = StoredSlots()
    if not plan_ids:
        return found
    stmt = select(WO_TABLE.c.plan_id, WO_TABLE.c.slot, WO_TABLE.c.status).where(
        WO_TABLE.c.plan_id.in_(list(plan_ids)),
        WO_TABLE.c.slot >= since,
    )
    for plan_id, slot, status in db.session.execute(stmt):
        found.slots.setdefault(plan_id, set()).add(slot)
        if status == WorkOrderStatus.MISSED.value:
            found.missed.setdefault(plan_id, set()).add(slot)
        if status not in NOT_VISITS:
            known = found.furthest.get(plan_id)
            if known is None or slot > known:
                found.furthest[plan_id] = slot
    return found


def missed_slots(plan_ids: Sequence[int], since: dt.datetime) -> dict[int, set[dt.datetime]]:
    """`StoredSlots.missed` alone, for a replace run (it reads the rows it may change)."""
    if not plan_ids:
        return {}
    stmt = select(WO_TABLE.c.plan_id, WO_TABLE.c.slot).where(
        WO_TABLE.c.plan_id.in_(list(plan_ids)),
        WO_TABLE.c.slot >= since,
        WO_TABLE.c.status == WorkOrderStatus.MISSED.value,
    )
    slots: dict[int, set[dt.datetime]] = {}
    for plan_id, slot in db.session.execute(stmt):
        slots.setdefault(plan_id, set()).add(slot)
    return slots


_STORED_KEYS = ("id", "plan_id", "version", "touched")
_DIFFED = ("slot", *COMPARED)
"""What a stored row is compared on; it comes last in the row, after `_STORED_KEYS`."""
_fresh_values = operator.itemgetter(*_DIFFED)
_BINDS = {name: f"v_{name}" for name in _DIFFED}


def stored_rows(
    plan_ids: Sequence[int], now: dt.datetime
) -> tuple[dict[int, list[Row[Any]]], dict[int, set[dt.datetime]]]:
    """Per plan: the future rows nobody touched (the only ones regeneration may change),
    and the slots of recent rows it must leave alone (touched, worked on, or already due).
    """
    if not plan_ids:
        return {}, {}
    stmt = select(*(WO_TABLE.c[c] for c in (*_STORED_KEYS, *_DIFFED))).where(
        WO_TABLE.c.plan_id.in_(list(plan_ids)),
        WO_TABLE.c.due_at > now - dt.timedelta(days=LOOKBACK_DAYS + 1),
    ).order_by(WO_TABLE.c.plan_id, WO_TABLE.c.slot)  # fmt: skip
    replaceable: dict[int, list[Row[Any]]] = {}
    kept: dict[int, set[dt.datetime]] = {}
    for row in db.session.execute(stmt):
        if (
            not row.touched
            and row.status in REPLACEABLE
            and first_due(row.due_at, row.reasons) > now
        ):
            replaceable.setdefault(row.plan_id, []).append(row)
        else:
            kept.setdefault(row.plan_id, set()).add(row.slot)
    return replaceable, kept


@dataclass
class Changes:
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: dict[tuple[str, ...], list[dict[str, Any]]] = field(default_factory=dict)
    deletes: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0

    def diff(
        self,
        fresh: Iterable[dict[str, Any]],
        stored: Iterable[Row[Any]],
        zone: ZoneInfo,
        kept_slots: set[dt.datetime],
        missed: Container[dt.datetime] = frozenset(),
    ) -> None:
        """Match fresh rows to stored ones and plan the writes.

        Same slot: update what differs. Otherwise a row on the same local day is
        taken as the same visit (the plan's time of day changed): a row a person has
        (touched, started, done) absorbs it — no second visit that day — and an
        untouched one is updated in place, slot included, so its id (the feed's UID)
        survives. Stored rows left over are deleted, fresh ones left over inserted.
        A `missed` row absorbs nothing: its visit is owed, and comes under the next key.
        """
        by_slot = {row.slot: row for row in stored}
        unmatched = []
        for new in fresh:
            old = by_slot.pop(new["slot"], None)
            if old is not None:
                self._update(old, new)
            elif new["slot"] not in kept_slots:
                unmatched.append(new)
        kept_days: dict[dt.date, int] = {}
        for slot in kept_slots:
            if slot in missed:
                continue
            day = slot.astimezone(zone).date()
            kept_days[day] = kept_days.get(day, 0) + 1
        for new in fresh:
            if new["slot"] in kept_slots and new["slot"] not in missed:  # this very visit
                kept_days[new["slot"].astimezone(zone).date()] -= 1
        same_day: dict[dt.date, list[Row[Any]]] = {}
        for old in by_slot.values():
            same_day.setdefault(old.slot.astimezone(zone).date(), []).append(old)
        for new in unmatched:
            day = new["slot"].astimezone(zone).date()
            candidates = same_day.get(day)
            if kept_days.get(day, 0) > 0:
                kept_days[day] -= 1
            elif candidates:
                self._update(candidates.pop(0), new)
            else:
                self.inserts.append(new)
        self.retire(old for rows in same_day.values() for old in rows)

    def _update(self, old: Row[Any], new: dict[str, Any]) -> None:
        """Plan an UPDATE of the columns that differ (compared by position: 365 rows of
        17 columns add up when a daily plan is edited)."""
        differs = map(operator.ne, old[len(_STORED_KEYS) :], _fresh_values(new))
        changed = tuple(compress(_DIFFED, differs))
        if not changed:
            self.unchanged += 1
            return
        params = {_BINDS[name]: new[name] for name in changed}
        params.update(b_id=old.id, b_version=old.version, v_updated_at=new["updated_at"])
        self.updates.setdefault(changed, []).append(params)

    def retire(self, stored: Iterable[Row[Any]]) -> None:
        self.deletes.extend({"b_id": r.id, "b_version": r.version} for r in stored)

    def apply(self) -> tuple[int, int, int]:
        updated = deleted = 0
        for columns, params in self.updates.items():
            result = db.session.execute(_update_statement(columns), params)
            updated += max(result.rowcount, 0)  # type: ignore[attr-defined]
        if self.deletes:
            deleted = max(db.session.execute(_DELETE, self.deletes).rowcount, 0)  # type: ignore[attr-defined]
        inserted = 0
        for start in range(0, len(self.inserts), ROW_BATCH):
            inserted += insert_rows(self.inserts[start : start + ROW_BATCH])
        return inserted, updated, deleted


def expire_loaded_work_orders() -> None:
    """Core writes bypass the identity map: make loaded work orders re-read their row."""
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, WorkOrder):
            db.session.expire(obj)
