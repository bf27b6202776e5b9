"""Levelling first visits: spread new plans' start days so the first weeks carry even work.

Applying a programme to a whole building creates a hundred plans at once. Started
on the same day, every monthly and yearly task falls due that day and again on the
same day each period. Each plan's first visit may fall on any day of its first
period without changing how often it runs; this picks, greedily, the day that keeps
the busiest day of the window lowest.

Plain data in, offsets out: no calendar objects, no database.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

WINDOW_DAYS = 28
"""Four weeks: the span whose days are levelled (a period longer than this is placed once)."""


@dataclass(frozen=True, slots=True)
class LevelItem:
    """One plan (or one tier chain) to place: visits every `period_days`, each worth `weight`.

    `workdays_only`: its visits are moved off rest days anyway, so it is only placed on
    working days (placing it on a Sunday would pile it onto Monday).
    """

    key: str
    period_days: int
    weight: int = 1
    workdays_only: bool = True


def visits_in_window(offset: int, period_days: int, window_days: int = WINDOW_DAYS) -> range:
    """The window's day numbers a plan starting on day `offset` visits."""
    return range(offset, window_days, max(1, period_days))


def level_starts(
    items: Sequence[LevelItem],
    rest_days: Collection[int] = (),
    window_days: int = WINDOW_DAYS,
    fixed_load: Sequence[int] = (),
) -> dict[str, int]:
    """Day offset (0 = the first day) of each item's first visit.

    The most frequent work is placed first, as it has the fewest choices; each item
    goes to the candidate day whose visits meet the least load so far (earliest day on
    a tie, so the result is deterministic). An offset is always below the item's
    period, so nothing waits longer than one period for its first visit. `fixed_load` is
    work already pinned to each day (e.g. from last-done dates), levelled around.
    """
    load = [*fixed_load[:window_days], *[0] * max(0, window_days - len(fixed_load))]
    offsets: dict[str, int] = {}
    order = sorted(items, key=lambda i: (max(1, i.period_days), -i.weight, i.key))
    for item in order:
        period = max(1, item.period_days)
        candidates = [
            day
            for day in range(min(period, window_days))
            if not (item.workdays_only and day in rest_days)
        ] or [0]
        best = min(candidates, key=lambda day: (_peak(load, day, period, item.weight), day))
        for day in visits_in_window(best, period, window_days):
            load[day] += item.weight
        offsets[item.key] = best
    return offsets


def _peak(load: list[int], offset: int, period: int, weight: int) -> tuple[int, int]:
    """The busiest day this placement touches, then the total it meets (lower is better)."""
    days = visits_in_window(offset, period, len(load))
    touched = [load[day] for day in days]
    return (max(touched, default=0) + weight, sum(touched))
