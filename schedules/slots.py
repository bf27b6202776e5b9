"""Nominal slots of a plan: rule instances after age bands, seasons and anchoring.

Slots are naive wall times. They depend only on the plan and the last visit, never
on holidays or rosters, which is what makes (plan, slot) a stable row key.
"""

from __future__ import annotations

import datetime as dt

from dateutil import rrule as du

from schedules.plans import Anchor, LastVisit, Plan
from schedules.recurrence import RecurrenceRule, expand, parse_rule
from schedules.seasons import SeasonWindow, in_any_season
from schedules.wallclock import to_wall


def base_slots(
    plan: Plan,
    start: dt.datetime,
    end: dt.datetime,
    last_visit: LastVisit | None,
    *,
    drop_done: bool = True,
) -> list[dt.datetime]:
    """Base-tier slots in [start, end), after the last visit, in season, before `ends`.

    With `drop_done=False` the slots up to the last visit stay in: tier chains merge
    against the whole grid first, so a tier instance beside a visit already done is
    counted as done with it instead of jumping to the next visit.
    """
    if plan.ends is not None and plan.ends < end:
        end = plan.ends + dt.timedelta(microseconds=1)
    anchored = season_anchored(plan)
    reach = start - _A_YEAR if anchored else start  # an anchored slot moves up to a year on
    slots: list[dt.datetime] = []
    for rule, dtstart, seg_start, seg_end in _segments(plan, reach, end, last_visit):
        slots.extend(expand(rule, dtstart, seg_start, seg_end))
    if anchored:
        slots = [s for s in map(lambda s: _into_season(s, plan.seasons), slots) if start <= s < end]
    if last_visit is not None and drop_done:
        done = done_up_to(last_visit, plan)
        slots = [s for s in slots if s > done]
    if plan.seasons and not anchored:
        slots = [s for s in slots if in_any_season(s.date(), plan.seasons)]
    return slots


def season_anchored(plan: Plan) -> bool:
    """A yearly (or rarer) plan with season windows is done inside a window every year.

    Filtering its slots by season, as for frequent work, would drop every visit of a
    plan started outside the window: its one slot a year never falls inside.
    """
    if not plan.seasons:
        return False
    rules = [parse_rule(b.rule) for b in plan.age_bands] or [plan.parsed_rule]
    return all(_at_most_yearly(rule) for rule in rules)


def season_of(slot: dt.datetime, plan: Plan) -> SeasonWindow | None:
    """The window a slot lies in (the first, if windows overlap)."""
    return next((w for w in plan.seasons if w.contains(slot.date())), None)


def _at_most_yearly(rule: RecurrenceRule) -> bool:
    if rule.freq == du.YEARLY:
        return True
    return rule.freq == du.MONTHLY and rule.interval % 12 == 0 and len(rule.bymonthday) <= 1


def _into_season(slot: dt.datetime, seasons: tuple[SeasonWindow, ...]) -> dt.datetime:
    """The slot itself when in season, else the next window's anchor day at its time."""
    if in_any_season(slot.date(), seasons):
        return slot
    day = min(window.next_anchor(slot.date()) for window in seasons)
    return dt.datetime.combine(day, slot.time())


_A_YEAR = dt.timedelta(days=366)


def tier_slots(
    plan: Plan, tier_index: int, start: dt.datetime, end: dt.datetime
) -> list[dt.datetime]:
    """Instances of a higher tier's own rule, anchored at the plan start."""
    if plan.ends is not None and plan.ends < end:
        end = plan.ends + dt.timedelta(microseconds=1)
    rule = parse_rule(plan.tiers[tier_index].rule)
    slots = list(expand(rule, plan.starts, start, end))
    if plan.seasons:
        slots = [s for s in slots if in_any_season(s.date(), plan.seasons)]
    return slots


def done_up_to(last_visit: LastVisit, plan: Plan) -> dt.datetime:
    """Rule instances at or before this wall time count as done."""
    if last_visit.slot is not None:
        return to_wall(last_visit.slot, plan.timezone)
    day = to_wall(last_visit.at, plan.timezone).date()
    return dt.datetime.combine(day, dt.time.max)


def _segments(
    plan: Plan, start: dt.datetime, end: dt.datetime, last_visit: LastVisit | None
) -> list[tuple[RecurrenceRule, dt.datetime, dt.datetime, dt.datetime]]:
    """(rule, dtstart, from, to) pieces: one per age band active inside [start, end)."""
    dtstart = plan.starts
    if plan.anchor is Anchor.COMPLETION and last_visit is not None:
        done_day = done_up_to(last_visit, plan).date()
        dtstart = dt.datetime.combine(done_day, plan.time_of_day)
    if not plan.age_bands:
        return [(plan.parsed_rule, dtstart, start, end)]
    assert plan.commissioned is not None
    bands = sorted(plan.age_bands, key=lambda b: b.min_age_years)
    pieces = []
    for index, band in enumerate(bands):
        band_from = _anniversary(plan.commissioned, band.min_age_years, plan.time_of_day)
        band_to = (
            _anniversary(plan.commissioned, bands[index + 1].min_age_years, plan.time_of_day)
            if index + 1 < len(bands)
            else end
        )
        seg_start, seg_end = max(start, band_from), min(end, band_to)
        if seg_start < seg_end:
            pieces.append((parse_rule(band.rule), max(dtstart, band_from), seg_start, seg_end))
    return pieces


def _anniversary(commissioned: dt.date, years: int, time_of_day: dt.time) -> dt.datetime:
    """The day the asset turns `years` old (29 Feb → 28 Feb in common years)."""
    try:
        day = commissioned.replace(year=commissioned.year + years)
    except ValueError:
        day = commissioned.replace(year=commissioned.year + years, day=28)
    return dt.datetime.combine(day, time_of_day)
