"""Tier chains: a higher tier replaces the nearest lower-tier visit (one visit, not two).

Example (TSG T5002): half-monthly ⊂ quarterly ⊂ half-yearly ⊂ annual. When the
quarterly rule falls due on 1 April, the half-monthly visit closest to it becomes
the quarterly visit and carries the half-monthly and quarterly items; its slot stays
the half-monthly slot, so the work-order key does not change.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

from schedules.plans import Plan, Tier
from schedules.reasons import Reason, ReasonCode


@dataclass(slots=True)
class Candidate:
    """A slot on its way to becoming an occurrence (internal to the engine)."""

    slot: dt.datetime
    tier_index: int = 0
    reasons: tuple[Reason, ...] = ()


def merge_tiers(
    plan: Plan, base: list[dt.datetime], higher: list[list[dt.datetime]]
) -> list[Candidate]:
    """Candidates in slot order; `higher[i]` holds the instances of tier i + 1.

    A tier instance goes to the base slot nearest to it (ties go to the earlier one)
    within the tier's `merge_within_days`; with none that close it stands alone.
    """
    candidates = [Candidate(slot) for slot in base]
    standalone: list[Candidate] = []
    for offset, instances in enumerate(higher):
        tier_index = offset + 1
        tier = plan.tiers[tier_index]
        reach = dt.timedelta(days=tier.merge_within_days)
        for instance in instances:
            target = _nearest(base, instance, reach)
            reason = Reason.of(
                ReasonCode.TIER_MERGED, tier_slot=instance.date().isoformat(), **tier_names(tier)
            )
            if target is None:
                standalone.append(Candidate(instance, tier_index))
                continue
            chosen = candidates[target]
            chosen.tier_index = max(chosen.tier_index, tier_index)
            chosen.reasons += (reason,)
    if standalone:
        candidates = sorted(candidates + standalone, key=lambda c: c.slot)
    return candidates


def tier_names(tier: Tier) -> dict[str, str]:
    """The reason parameters that name a tier in both languages."""
    return {
        "tier": tier.key,
        "tier_zh": tier.name_zh or tier.key,
        "tier_en": tier.name_en or tier.key,
    }


def _nearest(base: list[dt.datetime], instance: dt.datetime, reach: dt.timedelta) -> int | None:
    position = bisect.bisect_left(base, instance)
    best: int | None = None
    for index in (position - 1, position):
        if 0 <= index < len(base):
            distance = abs(base[index] - instance)
            if distance <= reach and (best is None or distance < abs(base[best] - instance)):
                best = index
    return best


def tier_keys_up_to(plan: Plan, tier_index: int) -> tuple[str, ...]:
    return tuple(t.key for t in plan.tiers[: tier_index + 1])
