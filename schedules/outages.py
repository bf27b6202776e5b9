"""Staggering planned outages so a building never loses all its lifts at once.

Tasks that take equipment out of service (catalog `outage: lift | power | water`) are
generated plan by plan, so every lift of a building used to be out at the same
minute. `stagger_outages` takes one building's (or a site's) planned outages and
moves the later of two clashing ones to after the earlier ends, within its window
and working hours, or to the next acceptable day in its window; failing that, to the
latest earlier acceptable day its window allows, and only then past its window's end
(each as far as the caller allows: `earliest_start`, `overrun_end`); each move says why.

Clashes: two outages of the same kind in one building overlap and either
* is a power or water outage (two of those never overlap), or
* takes out the fire lift together with another lift, or
* leaves the building with no lift in service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from schedules.reasons import Reason, ReasonCode

LIFT = "lift"


@dataclass(frozen=True, slots=True)
class Outage:
    """One planned visit that takes equipment out of service; times are aware."""

    key: str  # the caller's id, e.g. "plan key|slot"
    building: str
    kind: str  # "lift", "power", "water"
    start: dt.datetime
    end: dt.datetime
    latest_end: dt.datetime  # the visit's window end: it may not finish later
    label: str = ""  # what the reason names, e.g. "3号梯"
    fire_lift: bool = False
    # How early it may start when no later time in its window is free (its window start,
    # not before now); None: never earlier than planned.
    earliest_start: dt.datetime | None = None
    # How late it may end when nothing in its window is free (a plan's first visit has
    # no period to keep yet); None: never past `latest_end`.
    overrun_end: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Staggered:
    """Where an outage goes; `reasons` is empty when it stays put."""

    outage: Outage
    start: dt.datetime
    end: dt.datetime
    reasons: tuple[Reason, ...] = ()

    @property
    def moved(self) -> bool:
        return self.start != self.outage.start


def stagger_outages(
    outages: Iterable[Outage],
    lifts_per_building: Mapping[str, int],
    *,
    acceptable_day: Callable[[dt.date], bool] = lambda _: True,
    day_ends: dt.time = dt.time(18),
    fixed: Iterable[Outage] = (),
) -> list[Staggered]:
    """Placements of `outages` in start order; earlier outages keep their time, later
    ones yield. Of outages that start together, the one with the least room in its
    window goes first: a flexible one yields to it, instead of leaving it no slot (an
    unresolved overlap that a later regenerate of the flexible one would then undo).
    `fixed` outages stay where they are whatever their time (visits already stored that
    this run keeps): the others yield to them too, and are all returned."""
    placed = [Staggered(o, o.start, o.end) for o in fixed]
    moving: list[Staggered] = []
    for outage in sorted(outages, key=lambda o: (o.start, o.latest_end - o.end, o.key)):
        staggered = _place(outage, placed, lifts_per_building, acceptable_day, day_ends)
        placed.append(staggered)
        moving.append(staggered)
    return moving


def _place(
    outage: Outage,
    placed: list[Staggered],
    lifts: Mapping[str, int],
    acceptable_day: Callable[[dt.date], bool],
    day_ends: dt.time,
) -> Staggered:
    """Later in its window first, then earlier, then past its window: a visit pulled up
    to its window's end (a ceiling's last day) has no later room, and left in place it
    would overlap."""
    start = _later_start(outage, outage.latest_end, placed, lifts, acceptable_day, day_ends)
    if start is None:
        start = _earlier_start(outage, placed, lifts, acceptable_day, day_ends)
    if start is None and outage.overrun_end is not None:
        start = _later_start(outage, outage.overrun_end, placed, lifts, acceptable_day, day_ends)
    if start is None:
        return Staggered(outage, outage.start, outage.end, (_unresolved(outage),))
    length = outage.end - outage.start
    if start == outage.start:
        return Staggered(outage, start, start + length)
    reason = Reason.of(
        ReasonCode.OUTAGE_STAGGERED,
        **{"from": outage.start.isoformat(timespec="minutes")},
        to=start.isoformat(timespec="minutes"),
        kind=outage.kind,
        building=outage.building,
    )
    return Staggered(outage, start, start + length, (reason,))


def _later_start(
    outage: Outage,
    until: dt.datetime,
    placed: list[Staggered],
    lifts: Mapping[str, int],
    acceptable_day: Callable[[dt.date], bool],
    day_ends: dt.time,
) -> dt.datetime | None:
    """The first free start from its planned one on, ending by `until`."""
    length = outage.end - outage.start
    start = outage.start
    while start + length <= until:
        clashes = [p for p in placed if _clash(outage, start, start + length, p, placed, lifts)]
        if not clashes:
            return start
        start = max(p.end for p in clashes)
        closing = dt.datetime.combine(start.date(), day_ends, start.tzinfo)
        if start + length > closing or not acceptable_day(start.date()):
            start = _next_day(start, outage.start.timetz(), acceptable_day, until)
    return None


def _earlier_start(
    outage: Outage,
    placed: list[Staggered],
    lifts: Mapping[str, int],
    acceptable_day: Callable[[dt.date], bool],
    day_ends: dt.time,
) -> dt.datetime | None:
    """A free start on the latest acceptable day before the planned one, at its time of
    day or after what it clashes with there, not before `earliest_start`."""
    earliest = outage.earliest_start
    if earliest is None:
        return None
    length = outage.end - outage.start
    day = outage.start.date() - dt.timedelta(days=1)
    while day >= earliest.date():
        start = dt.datetime.combine(day, outage.start.time(), outage.start.tzinfo)
        closing = min(dt.datetime.combine(day, day_ends, start.tzinfo), outage.latest_end)
        while acceptable_day(day) and earliest <= start and start + length <= closing:
            clashes = [p for p in placed if _clash(outage, start, start + length, p, placed, lifts)]
            if not clashes:
                return start
            start = max(p.end for p in clashes)
        day -= dt.timedelta(days=1)
    return None


def _next_day(
    after: dt.datetime,
    time_of_day: dt.time,
    acceptable_day: Callable[[dt.date], bool],
    latest: dt.datetime,
) -> dt.datetime:
    day = after.date() + dt.timedelta(days=1)
    while not acceptable_day(day) and day <= latest.date():
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, time_of_day.replace(tzinfo=None), after.tzinfo)


def _clash(
    outage: Outage,
    start: dt.datetime,
    end: dt.datetime,
    other: Staggered,
    placed: list[Staggered],
    lifts: Mapping[str, int],
) -> bool:
    """Would `outage` at [start, end) break a rule together with `other`?"""
    mine = other.outage
    if mine.building != outage.building or mine.kind != outage.kind:
        return False
    if not (start < other.end and other.start < end):
        return False
    if outage.kind != LIFT or outage.fire_lift or mine.fire_lift:
        return True
    out_at_once = 1 + sum(
        1
        for p in placed
        if p.outage.building == outage.building
        and p.outage.kind == LIFT
        and p.start < end
        and start < p.end
    )
    return out_at_once >= lifts.get(outage.building, 1)


def _unresolved(outage: Outage) -> Reason:
    return Reason.of(
        ReasonCode.OUTAGE_UNRESOLVED,
        kind=outage.kind,
        building=outage.building,
        at=outage.start.isoformat(timespec="minutes"),
    )
