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
    if plan.statutory_due is not None:
        slots = _from_statutory_due(plan, slots, reach, end)
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
    rules = [parse_rule(b.rule) for b in plan.age_bands if b.rule] or [plan.parsed_rule]
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
    """(rule, dtstart, from, to) pieces: one per age band active inside [start, end).

    A band's grid starts on the anniversary that opens it (TSG T7001 years count from
    the asset, not from whenever the plan was entered); nothing falls before the plan
    start or, for a completion anchor, before the last visit's day. A band with an
    empty rule holds no visits and ends the band before it.
    """
    dtstart = plan.starts
    if plan.statutory_due is not None and not plan.age_bands:
        dtstart = dt.datetime.combine(plan.statutory_due, plan.time_of_day)
    completed: dt.datetime | None = None
    if plan.anchor is Anchor.COMPLETION and last_visit is not None:
        done_day = done_up_to(last_visit, plan).date()
        completed = dtstart = dt.datetime.combine(done_day, plan.time_of_day)
    if not plan.age_bands:
        return [(plan.parsed_rule, dtstart, start, end)]
    assert plan.commissioned is not None
    reference = plan.commissioned
    if plan.statutory_due is not None:
        reference = ledger_phased(reference, plan.statutory_due)
    bands = sorted(plan.age_bands, key=lambda b: b.min_age_years)
    pieces = []
    for index, band in enumerate(bands):
        band_from = _anniversary(reference, band.min_age_years, plan.time_of_day)
        band_to = (
            _anniversary(reference, bands[index + 1].min_age_years, plan.time_of_day)
            if index + 1 < len(bands)
            else end
        )
        seg_start = max(start, band_from, plan.starts)
        seg_end = min(end, band_to)
        if band.rule and seg_start < seg_end:
            phase = band_from if completed is None else max(completed, band_from)
            pieces.append((parse_rule(band.rule), phase, seg_start, seg_end))
    return pieces


def _from_statutory_due(
    plan: Plan, slots: list[dt.datetime], start: dt.datetime, end: dt.datetime
) -> list[dt.datetime]:
    """The ledger's legal date wins: a visit on it, none in the year before it.

    A slot of that year would be the same inspection early (the ledger says it is
    still due); earlier slots stay, as the history of inspections done.
    """
    assert plan.statutory_due is not None
    due = dt.datetime.combine(plan.statutory_due, plan.time_of_day)
    year_before = plan.statutory_due - _A_YEAR
    kept = [s for s in slots if not year_before < s.date() <= plan.statutory_due]
    if start <= due < end:
        kept.append(due)
    return sorted(kept)


def ledger_phased(reference: dt.date, due: dt.date) -> dt.date:
    """The day nearest `reference` on the month and day of the ledger's legal date.

    TSG T7001 counts inspection years from the supervisory-inspection month, which the
    ledger's 下次法定检验 shows and the commissioning date only approximates; the
    asset's age bands (and its self-test years) are phased on that day.
    """
    years = range(reference.year - 1, reference.year + 2)
    candidates = [_on_month_day(year, due) for year in years]
    return min(candidates, key=lambda day: (abs((day - reference).days), day))


def _on_month_day(year: int, like: dt.date) -> dt.date:
    try:
        return like.replace(year=year)
    except ValueError:  # 29 Feb in a common year
        return like.replace(year=year, day=28)


def _anniversary(commissioned: dt.date, years: int, time_of_day: dt.time) -> dt.datetime:
    """The day the asset turns `years` old (29 Feb → 28 Feb in common years)."""
    try:
        day = commissioned.replace(year=commissioned.year + years)
    except ValueError:
        day = commissioned.replace(year=commissioned.year + years, day=28)
    return dt.datetime.combine(day, time_of_day)
