"""A carried tier is done once: by whichever of the missed visit and its carrier is done first.

A missed lift visit that carried quarterly (or rarer) items hands them to a later visit
(`receivers.visits_missed`), but the missed row stays open: the technician may still
complete it late. Both rows then named the same items, and a 工程主管 saw the quarterly
maintenance done twice a day apart (1号客梯 季度 07-11 and 07-12). The first of the two
to be completed is the tier's visit; the other, still open, keeps only the items not
done yet. A row whose due time has passed is left alone by re-planning, so this is
settled here, on the rows themselves, and not by the next re-plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from app.plans.models import Plan
from app.workorders.checklist import own_tiers
from app.workorders.models import WorkOrder, WorkOrderStatus
from schedules import Reason, ReasonCode, Tier
from schedules.tiers import tier_names

CARRY_REACH = dt.timedelta(days=120)
"""How far apart a missed visit and the visit carrying its items may be: beyond the longest
tier ceiling (a quarterly tier's 99 days), a carry chain is not followed."""
STILL_OPEN = (
    WorkOrderStatus.PLANNED.value,
    WorkOrderStatus.ASSIGNED.value,
    WorkOrderStatus.MISSED.value,
)
NOT_VISITS = (WorkOrderStatus.SKIPPED.value, WorkOrderStatus.CANCELLED.value)
_TIER_CODES = (ReasonCode.TIER_CARRIED.value, ReasonCode.TIER_MERGED.value)


def settle_carried_tiers(completed: Iterable[WorkOrder]) -> None:
    """The open rows sharing a just-completed visit's carried tiers give them up (flushes).

    A missed row keeps its `includes` (what was planned there, a promise the schedule
    kept) and shows only its base items (`own_tiers`) until it is completed late, when it
    records just those; a planned carrier drops the tiers outright.
    """
    for row in completed:
        if row.plan_id is None or row.slot is None:
            continue
        if own_tiers(row) != list(row.includes or ()):  # done late after its carrier
            _keep_own(row)
            continue
        if len(row.includes or ()) < 2:
            continue
        for other in _carry_linked(row, _neighbours(row)):
            if _shares_tiers(other, row):
                _done_elsewhere(other, row)
    db.session.flush()


def _shares_tiers(other: WorkOrder, done: WorkOrder) -> bool:
    """Still open, carrying only tiers `done` did, and not told so already."""
    includes = list(other.includes or ())
    return (
        other.status in STILL_OPEN
        and 1 < len(includes) <= len(done.includes)
        and own_tiers(other) == includes
    )


def _neighbours(row: WorkOrder) -> list[WorkOrder]:
    assert row.slot is not None
    return list(
        db.session.scalars(
            select(WorkOrder).where(
                WorkOrder.plan_id == row.plan_id,
                WorkOrder.id != row.id,
                WorkOrder.status.not_in(NOT_VISITS),
                WorkOrder.slot >= row.slot - CARRY_REACH,
                WorkOrder.slot <= row.slot + CARRY_REACH,
            )
        )
    )


def _carry_linked(row: WorkOrder, neighbours: Sequence[WorkOrder]) -> list[WorkOrder]:
    """The rows joined to `row` by carried tiers, either way and along a chain of carries
    (a missed visit whose carrier was missed too).

    Two rows are joined when one carries from the other's slot day, or when both stand
    for the same tier instance (merged into one, carried by the other): two make-up
    visits of one missed quarterly maintenance name its tier slot, not each other.
    """
    zone = ZoneInfo(row.site.timezone if row.site is not None else "Asia/Shanghai")
    rows = {n.id: n for n in neighbours}
    rows[row.id] = row
    keys = {r.id: _tier_instances(r, zone) for r in rows.values()}
    found: dict[int, WorkOrder] = {}
    todo = [row]
    while todo:
        current = todo.pop()
        for other in rows.values():
            if other.id == row.id or other.id in found:
                continue
            if keys[other.id] & keys[current.id]:
                found[other.id] = other
                todo.append(other)
    return list(found.values())


def _tier_instances(row: WorkOrder, zone: ZoneInfo) -> set[dt.date]:
    """The days a row stands for: its own slot day, the tier slots merged into it, and
    the slot days of the missed visits whose items it carries."""
    assert row.slot is not None
    days = {row.slot.astimezone(zone).date()}
    for reason in row.reasons or ():
        if reason.get("code") in _TIER_CODES:
            slot = (reason.get("params") or {}).get("tier_slot")
            if slot:
                days.add(dt.date.fromisoformat(str(slot)))
    return days


def _done_elsewhere(row: WorkOrder, done: WorkOrder) -> None:
    """`row` shows only its base items now, and says which visit did the rest."""
    top, base = str(row.includes[-1]), str(row.includes[0])
    reasons = list(row.reasons or ())
    if row.status != WorkOrderStatus.MISSED.value:  # a missed row keeps what was planned
        reasons = [r for r in reasons if r.get("code") not in _TIER_CODES]
        _keep_own(row)
    row.reasons = [*reasons, _done_reason(done, top)]
    row.title = _base_title(row.title, top, base)
    row.revision += 1


def _keep_own(row: WorkOrder) -> None:
    """The row records only its base tier (its `includes` hold two or more)."""
    base = str(row.includes[0])
    row.includes = [base]
    row.tier = base


def _done_reason(done: WorkOrder, top: str) -> dict[str, object]:
    tier = db.session.get(Plan, int(top)) if top.isdigit() else None
    name = tier.name if tier is not None else top
    names = tier_names(Tier(top, name_zh=name, name_en=name))
    zone = ZoneInfo(done.site.timezone if done.site is not None else "Asia/Shanghai")
    when = done.completed_at or done.due_at
    return Reason.of(
        ReasonCode.TIER_DONE_ELSEWHERE, done_on=when.astimezone(zone).date().isoformat(), **names
    ).to_json()


def _base_title(title: str, top: str, base: str | None) -> str:
    """The work order's title names its tier's plan first (`mapping.title`): swap in the
    base plan's name."""
    names = {
        str(p.id): p.name
        for p in db.session.scalars(
            select(Plan).where(Plan.id.in_([int(k) for k in (top, base) if k and k.isdigit()]))
        )
    }
    old, new = names.get(top), names.get(base or "")
    if old and new and title.startswith(old):
        return new + title[len(old) :]
    return title
