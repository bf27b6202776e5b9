"""Tier chains: a higher tier replaces the nearest lower-tier visit (one visit, not two).

Example (TSG T5002): half-monthly ⊂ quarterly ⊂ half-yearly ⊂ annual. When the
quarterly rule falls due on 1 April, the half-monthly visit closest to it becomes
the quarterly visit and carries the half-monthly and quarterly items; its slot stays
the half-monthly slot, so the work-order key does not change.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from schedules.calendar import WorkCalendar
from schedules.holiday_policy import day_params
from schedules.plans import Plan, Tier
from schedules.reasons import Reason, ReasonCode

PULL_PART = 3
"""A slot past a tier's ceiling by up to a third of the merge reach still takes the tier: the
engine moves that visit back to the ceiling, which keeps the tier nearer its own date than
the visit two weeks before would."""

_ONE_DAY = dt.timedelta(days=1)


@dataclass(slots=True)
class Candidate:
    """A slot on its way to becoming an occurrence (internal to the engine)."""

    slot: dt.datetime
    tier_index: int = 0
    reasons: tuple[Reason, ...] = ()
    latest: tuple[dt.date, int] | None = None  # (last day, tier ceiling) its tiers allow


def merge_tiers(
    plan: Plan,
    base: list[dt.datetime],
    higher: list[list[dt.datetime]],
    since: Sequence[dt.datetime | None] = (),
) -> list[Candidate]:
    """Candidates in slot order; `higher[i]` holds the instances of tier i + 1.

    A tier instance goes to the base slot nearest to it (ties go to the earlier one)
    within the tier's `merge_within_days`; with none that close it stands alone. A tier
    with a ceiling of its own takes the nearest slot that keeps it within the ceiling
    after its last visit (`since[i]`, when tier i + 1 or a higher one was last done or
    planned, then the slots chosen here): the nearest alone let a quarterly visit drift
    with the half-monthly grid, 100 days after the one before. Instances of several
    tiers at one time go together to one slot, the ceilings of all of them kept. A slot
    already behind the last visit keeps its instance: that visit was missed (the tier is
    not done), and the engine makes the tier up at once (`owed_by_now`); moved on to the
    next slot instead, it waited two weeks for it.
    """
    candidates = [Candidate(slot) for slot in base]
    standalone: list[Candidate] = []
    last = [*since, *([None] * (len(higher) - len(since)))]
    together: dict[dt.datetime, list[int]] = {}
    for offset, instances in enumerate(higher):
        for instance in instances:
            together.setdefault(instance, []).append(offset)
    for instance in sorted(together):
        offsets = together[instance]
        top = max(offsets) + 1
        reach = dt.timedelta(days=plan.tiers[top].merge_within_days)
        latest = _ceiling_day(plan, last, top)
        target = _nearest(base, instance, reach, latest[0] if latest else None)
        reasons = tuple(
            Reason.of(
                ReasonCode.TIER_MERGED,
                tier_slot=instance.date().isoformat(),
                **tier_names(plan.tiers[offset + 1]),
            )
            for offset in sorted(offsets)
        )
        if target is None:
            standalone.append(Candidate(instance, top, latest=latest))
            placed = instance
        else:
            chosen = candidates[target]
            chosen.tier_index = max(chosen.tier_index, top)
            chosen.reasons += reasons
            if latest is not None and (chosen.latest is None or latest < chosen.latest):
                chosen.latest = latest  # a holiday move or a near-miss is pulled back to it
            placed = base[target]
        for offset in range(top):
            previous = last[offset]
            last[offset] = placed if previous is None else max(previous, placed)
    if standalone:
        candidates = sorted(candidates + standalone, key=lambda c: c.slot)
    return candidates


def _ceiling_day(
    plan: Plan, last: list[dt.datetime | None], top: int
) -> tuple[dt.date, int] | None:
    """The last day a visit carrying tiers 1..top may fall on by their own ceilings, with
    the ceiling that sets it."""
    days = [
        (previous.date() + dt.timedelta(days=tier.ceiling_days), tier.ceiling_days)
        for tier, previous in zip(plan.tiers[1 : top + 1], last, strict=False)
        if tier.ceiling_days and previous is not None
    ]
    return min(days, default=None)


def tier_names(tier: Tier) -> dict[str, str]:
    """The reason parameters that name a tier in both languages."""
    return {
        "tier": tier.key,
        "tier_zh": tier.name_zh or tier.key,
        "tier_en": tier.name_en or tier.key,
    }


def _nearest(
    base: list[dt.datetime], instance: dt.datetime, reach: dt.timedelta, ceiling: dt.date | None
) -> int | None:
    """The nearest slot within reach, preferring those not much past `ceiling`."""
    first = bisect.bisect_left(base, instance - reach)
    last = bisect.bisect_right(base, instance + reach)
    near = [i for i in range(first, last) if abs(base[i] - instance) <= reach]
    if ceiling is not None:  # a slot a few days past it is pulled back by the engine
        ceiling += reach / PULL_PART
    kept = [i for i in near if ceiling is not None and base[i].date() <= ceiling]
    kept = kept or near
    return min(kept, key=lambda i: (abs(base[i] - instance), base[i]), default=None)


def owed_by_now(merged: list[Candidate], done: dt.datetime) -> Candidate | None:
    """The highest tier no visit has done whose visit is behind the last one (`done`): it
    was missed, and is made up at once (`made_up_day`)."""
    owed = [c for c in merged if c.slot <= done and c.tier_index]
    return max(owed, key=lambda c: c.tier_index, default=None)


def made_up_day(
    previous: dt.date | None,
    not_before: dt.date | None,
    day: dt.date,
    acceptable: Callable[[dt.date], bool],
) -> dt.date | None:
    """The first working day before `day` a missed visit's tier items may be made up on:
    after the missed visit and not in the past. A 工程主管 sends someone the next working
    day; waiting for the next half-monthly visit left the quarterly items two weeks late,
    and the next quarterly visit, on its own date, came 70 days after them."""
    bounds = [b for b in (previous and previous + _ONE_DAY, not_before) if b is not None]
    first = max(bounds, default=day)
    while first < day:
        if acceptable(first):
            return first
        first += _ONE_DAY
    return None


def made_up_reason(
    plan: Plan, missed: Candidate, slot_day: dt.date, moved: dt.date, calendar: WorkCalendar
) -> Reason:
    """Why the visit carrying a missed visit's tier items moved earlier."""
    return Reason.of(
        ReasonCode.TIER_MADE_UP,
        to=moved.isoformat(),
        tier_slot=missed.slot.date().isoformat(),
        **tier_names(plan.tiers[missed.tier_index]),
        **day_params("from", slot_day, calendar),
    )


def tier_keys_up_to(plan: Plan, tier_index: int) -> tuple[str, ...]:
    return tuple(t.key for t in plan.tiers[: tier_index + 1])
