"""The scheduling engine: expand one plan into occurrences over a date range.

Pipeline per plan, in slot order:

1. nominal slots from the rule (age bands, seasons, completion anchor: `slots`);
2. tier merge: a higher tier replaces the nearest lower-tier visit (`tiers`);
3. holiday policy moves or skips visits on non-working days (`holiday_policy`);
4. a visit that would land on or before the previous one merges into it;
5. the ceiling: no two consecutive visits more than `ceiling_days` apart, counted
   from the previous planned visit or from `last_visit` (late or not). When a
   holiday move would breach it the visit moves earlier, to the latest allowed
   working day; a visit the policy skipped is kept instead when skipping would
   breach; when the rule itself leaves too long a gap the visit moves earlier, within
   its window or by up to a third of the ceiling, and only beyond that is an extra
   visit inserted. If no working day fits, the ceiling wins over the holiday policy,
   with a reason. A dropped visit hands its tier items to the next visit;
6. optional assignment to staff (`assignment`).

Only slots in [start, end) are returned, but the ceiling chain is simulated from
`last_visit` (or from a short look-back before `start`) so that regenerating an
overlapping range gives the same answers. Pass the last completed or already
stored visit as `last_visit` for exact continuity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from dateutil import rrule as du

from schedules.calendar import WorkCalendar
from schedules.holiday_policy import apply_policy, day_params
from schedules.occurrences import Occurrence, Status
from schedules.periods import Period
from schedules.plans import Anchor, HolidayPolicy, LastVisit, Plan
from schedules.reasons import Reason, ReasonCode
from schedules.recurrence import clamps_month_end
from schedules.seasons import SeasonWindow, season_breaks_between
from schedules.slots import base_slots, done_up_to, season_anchored, season_of, tier_slots
from schedules.tiers import (
    Candidate,
    made_up_day,
    made_up_reason,
    merge_tiers,
    owed_by_now,
    tier_keys_up_to,
    tier_names,
)
from schedules.wallclock import to_wall, transition_days, zone

_ONE_DAY = dt.timedelta(days=1)
_A_YEAR = dt.timedelta(days=366)
_TICK = dt.timedelta(microseconds=1)
_NUDGE = dt.timedelta(seconds=1)  # a slot moved off a taken key, as extra visits are
CEILING_PULL_PART = 3
"""A rule visit just past the ceiling moves earlier by up to 1/3 of it, not further:
dragging it further would drag every later visit along, so an extra visit is
inserted instead."""
_DAY_END = dt.time(23, 59, 59)
HOLIDAY_LOOKBACK = dt.timedelta(days=31)
"""Without a ceiling, how far back same-day merging is replayed for continuity."""
TIER_MEMORY = dt.timedelta(days=2 * 366)
"""Counting tiers by period, how far before the range an instance no visit covered may still
be owed: a quarterly instance whose visit was missed weeks before the range starts (the next
visits were missed too, or the run starts at the horizon) is carried, not forgotten."""


@dataclass(frozen=True, slots=True)
class Assignment:
    """Who does a visit: a person, a whole team, or nobody (with reasons)."""

    assignee: str | None = None
    team: str | None = None
    reasons: tuple[Reason, ...] = ()

    @property
    def unassigned(self) -> bool:
        return self.assignee is None and self.team is None


class Assigner(Protocol):
    """Anything that picks staff for a visit; see `schedules.assignment`."""

    def assign(self, due: dt.datetime, ends: dt.datetime) -> Assignment: ...


def generate(
    plan: Plan,
    calendar: WorkCalendar,
    start: dt.date | dt.datetime,
    end: dt.date | dt.datetime,
    *,
    last_visit: LastVisit | None = None,
    assigner: Assigner | None = None,
    not_before: dt.datetime | None = None,
) -> Iterator[Occurrence]:
    """Occurrences of `plan` whose slot lies in [start, end), in slot order.

    Dates mean midnight in the plan's zone. Deterministic: the same arguments
    always give the same occurrences. `not_before` (the caller's now) is a day no
    visit is pulled back before for a tier's ceiling, and a time no visit still ahead
    is pulled back before for the plan's ceiling: the app never stores a visit due in
    the past, so one moved there would be lost.
    """
    run = _Run(plan, calendar, to_plan_wall(start, plan), to_plan_wall(end, plan), last_visit)
    if not_before is not None:
        run.now = to_plan_wall(not_before, plan)
        run.not_before = run.now.date() + _ONE_DAY
    for occurrence in run.occurrences():
        if assigner is not None and occurrence.status is Status.PLANNED:
            yield _with_assignment(occurrence, assigner.assign(occurrence.due, occurrence.ends))
        else:
            yield occurrence


def generate_batches(
    requests: Iterable[tuple[Plan, LastVisit | None]],
    calendar: WorkCalendar,
    start: dt.date | dt.datetime,
    end: dt.date | dt.datetime,
    *,
    batch_size: int = 5000,
) -> Iterator[list[tuple[str, Occurrence]]]:
    """(plan key, occurrence) rows in lists of about `batch_size`, for bulk inserts."""
    batch: list[tuple[str, Occurrence]] = []
    for plan, last_visit in requests:
        for occurrence in generate(plan, calendar, start, end, last_visit=last_visit):
            batch.append((plan.key, occurrence))
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def to_plan_wall(value: dt.date | dt.datetime, plan: Plan) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return to_wall(value, plan.timezone)
    return dt.datetime.combine(value, dt.time())


def _with_assignment(occurrence: Occurrence, assignment: Assignment) -> Occurrence:
    return Occurrence(
        slot=occurrence.slot,
        due=occurrence.due,
        ends=occurrence.ends,
        window_start=occurrence.window_start,
        window_end=occurrence.window_end,
        status=occurrence.status,
        tier=occurrence.tier,
        includes=occurrence.includes,
        reasons=occurrence.reasons + assignment.reasons,
        extra=occurrence.extra,
        provisional_calendar=occurrence.provisional_calendar,
        assignee=assignment.assignee,
        team=assignment.team,
        unassigned=assignment.unassigned,
    )


_Pending = tuple[Candidate, list[Reason]]


_HOLIDAY_CODES = (ReasonCode.HOLIDAY_MOVED, ReasonCode.HOLIDAY_SKIPPED, ReasonCode.NO_WORKDAY_FOUND)
_MOVE_CODES = (*_HOLIDAY_CODES, ReasonCode.CEILING_MOVED_EARLIER, ReasonCode.CEILING_OVER_HOLIDAY)


def _nearest_within(
    day: dt.date, first: dt.date, last: dt.date, acceptable: Callable[[dt.date], bool]
) -> dt.date | None:
    """The acceptable day in [first, last] closest to `day`; ties go earlier."""
    for distance in range((last - first).days + 1):
        for candidate in (day - dt.timedelta(days=distance), day + dt.timedelta(days=distance)):
            if first <= candidate <= last and acceptable(candidate):
                return candidate
    return None


def _clamped_day(plan: Plan, last_visit: LastVisit | None) -> int:
    """The month day a clamped rule wants (29–31), or 0 when nothing is clamped."""
    if plan.age_bands or not clamps_month_end(plan.parsed_rule, plan.starts):
        return 0
    if plan.anchor is Anchor.COMPLETION and last_visit is not None:
        day = done_up_to(last_visit, plan).day
        return day if day >= 29 else 0
    return plan.starts.day


def _window_edge(wall: dt.datetime, plan: Plan, *, first: bool) -> dt.datetime:
    """Midnight starting (or just ending) the season window instance holding `wall`;
    `wall` itself when it lies in no window."""
    window = season_of(wall, plan)
    if window is None:
        return wall
    bounds = window.around(wall.date())
    if first:
        return dt.datetime.combine(bounds[0], dt.time())
    return dt.datetime.combine(bounds[1] + _ONE_DAY, dt.time())


def _deadline_policy(plan: Plan) -> HolidayPolicy:
    """A plan following a legal date (下次法定检验) meets it: holidays move it earlier.

    Moving a statutory inspection to the next working day, or skipping it, would put
    it after the date the law sets.
    """
    if plan.statutory_due is None or plan.holiday_policy is HolidayPolicy.IGNORE:
        return plan.holiday_policy
    return HolidayPolicy.PREVIOUS


def _half_gap(instances: list[dt.datetime], position: int) -> dt.timedelta:
    """Half the way from an instance to the one before it (or after, for the first)."""
    if position > 0:
        return (instances[position] - instances[position - 1]) / 2
    if len(instances) > 1:
        return (instances[1] - instances[0]) / 2
    return dt.timedelta(0)


def _clamped(slot: dt.datetime, wanted_day: int) -> Reason:
    return Reason.of(ReasonCode.MONTH_END_CLAMPED, day=wanted_day, to=slot.date().isoformat())


def _inside_period(
    period: Period,
    day: dt.date,
    due_wall: dt.datetime,
    window_start: dt.datetime,
    window_end: dt.datetime,
) -> tuple[dt.datetime, dt.datetime]:
    """A period-bound visit's window, kept inside the ISO week or month it is due in.

    Done early it would count for the period before; done late, for the next one: a
    Sunday slot kept on Friday had a window to Monday, so a weekly test done on that
    Monday was on time and its own week had none.
    """
    opens, closes = period.bounds(day)
    window_start = max(window_start, min(dt.datetime.combine(opens, dt.time()), due_wall))
    window_end = max(min(window_end, dt.datetime.combine(closes, _DAY_END)), due_wall)
    return window_start, window_end


class _Localizer:
    """Naive wall time → aware, paying the DST gap check only on transition days."""

    def __init__(self, zone_name: str, first_year: int, last_year: int) -> None:
        self.tz = zone(zone_name)
        self.days = frozenset().union(
            *(transition_days(zone_name, y) for y in range(first_year, last_year + 1))
        )

        self.origin = dt.datetime(first_year, 1, 1)
        self.aware_origin = self.origin.replace(tzinfo=self.tz)

    def __call__(self, wall: dt.datetime) -> dt.datetime:
        # Aware + timedelta is wall-clock arithmetic in Python and ~10× cheaper
        # than datetime.replace(tzinfo=...).
        aware = self.aware_origin + (wall - self.origin)
        if self.days and wall.date() in self.days:
            return aware.astimezone(dt.UTC).astimezone(self.tz)
        return aware


class _Run:
    """State of one `generate` call: the ceiling chain walks candidates in order."""

    def __init__(
        self,
        plan: Plan,
        calendar: WorkCalendar,
        start: dt.datetime,
        end: dt.datetime,
        last_visit: LastVisit | None,
    ) -> None:
        self.plan = plan
        self.calendar = calendar
        self.start = start
        self.end = end
        self.last_visit = last_visit
        self.ceiling = dt.timedelta(days=plan.ceiling_days) if plan.ceiling_days else None
        self.ceiling_pull = max(
            plan.tolerance_before, dt.timedelta(days=(plan.ceiling_days or 0) // CEILING_PULL_PART)
        )
        self.time_of_day = plan.time_of_day
        self.localize = _Localizer(plan.timezone, start.year - 1, end.year + 1)
        self.provisional: dict[int, bool] = {}
        self.prev_day: dt.date | None = None
        self.prev_due: dt.datetime | None = None
        self.prev_slot: dt.datetime | None = None
        self.uses_calendar = plan.holiday_policy is not HolidayPolicy.IGNORE
        self.holiday_policy = _deadline_policy(plan)
        rule = plan.parsed_rule
        self.sub_daily = rule.freq > du.DAILY or len(rule.byhour) * max(1, len(rule.byminute)) > 1
        self.rule_slots: set[dt.datetime] = set()
        self.tier_keys = [tier_keys_up_to(plan, i) for i in range(len(plan.tiers))] or [()]
        self.carried: Candidate | None = None  # a dropped visit whose tier items are owed
        self.missed: Candidate | None = None  # the carried one, when its visit was missed
        self.clamp_day = _clamped_day(plan, last_visit)
        self.season_anchored = season_anchored(plan)
        # frequent seasonal work under a holiday policy keeps one visit in every window
        self.keeps_seasons = (
            bool(plan.seasons)
            and self.uses_calendar
            and not (self.season_anchored or self.sub_daily)
        )
        self.first_moved: tuple[dt.datetime, dt.date] | None = None  # (slot, day) see below
        taken = last_visit.row_slot if last_visit is not None else None
        self.taken_slot = to_wall(taken, plan.timezone) if taken is not None else None
        self.not_before: dt.date | None = None  # see `generate`
        self.now: dt.datetime | None = None  # the caller's now, on the plan's wall clock
        self.tier_pull = dt.timedelta(
            days=max((t.merge_within_days for t in plan.tiers), default=0)
        )

    # --- candidates ----------------------------------------------------------------------

    def _candidates(self) -> list[Candidate]:
        plan = self.plan
        chain_start = self.start
        if self.last_visit is not None:
            done = to_wall(self.last_visit.at, plan.timezone)
            self.prev_day, self.prev_due = done.date(), done
            chain_start = min(chain_start, done)
        elif self.ceiling is not None:
            chain_start -= 2 * self.ceiling
        elif self.uses_calendar:
            chain_start -= HOLIDAY_LOOKBACK
        chain_end = self.end + (self.ceiling or dt.timedelta(0))
        if self.ceiling is not None:
            chain_end = self._past_next_slots(chain_end)
        if self.keeps_seasons:  # the whole window decides whether its last slot is kept
            chain_start = min(chain_start, _window_edge(self.start, plan, first=True))
            chain_end = max(chain_end, _window_edge(self.end - _TICK, plan, first=False))
        if not plan.tiers[1:]:
            slots = base_slots(plan, chain_start, chain_end, self.last_visit)
            return [Candidate(slot) for slot in slots]
        reach = dt.timedelta(days=max(t.merge_within_days for t in plan.tiers[1:]))
        base = base_slots(
            plan, chain_start - 2 * reach, chain_end + 2 * reach, self.last_visit, drop_done=False
        )
        by_period = self.last_visit is not None and self.last_visit.tiers_done is not None
        since = self._tier_memory(chain_start - reach) if by_period else chain_start - reach
        higher = [
            tier_slots(plan, index, since, chain_end + reach) for index in range(1, len(plan.tiers))
        ]
        if by_period:
            higher = self._not_yet_done(higher)
        merged = merge_tiers(plan, base, higher, self._tiers_last_done())
        if self.last_visit is not None:  # slots up to the last visit are done, by period too:
            if by_period:  # re-planning one would collide with its stored row and be lost
                self.carried = self.missed = owed_by_now(merged, done_up_to(self.last_visit, plan))
            else:
                self.carried = self._owed_by_last_visit(merged, chain_start)
            chain_start = max(chain_start, done_up_to(self.last_visit, plan) + _TICK)
        return [c for c in merged if chain_start <= c.slot < chain_end]

    def _first_visit_moved(self, candidates: list[Candidate]) -> tuple[dt.datetime, dt.date] | None:
        """The first slot, when it fell earlier on the day the plan was applied: it moves to
        the next working day, unless the rule's own next visit is no later than that.

        Without this a programme applied at 17:09 for 09:00 got its first visit one period
        later (a tank cleaning six months out). Only a fresh plan (no last visit) and only
        daily-or-rarer rules: patrol rounds simply start with the next round.
        """
        applied = self.plan.applied
        if applied is None or self.last_visit is not None or self.sub_daily:
            return None
        for index, candidate in enumerate(candidates):
            slot = candidate.slot
            if slot > applied or slot.date() > applied.date():
                return None  # (a slot at the very minute is past: only later ones are stored)
            if slot < self.plan.starts or slot.date() != applied.date():
                continue
            day = self._next_acceptable(applied.date() + _ONE_DAY)
            following = candidates[index + 1 : index + 2]
            if following and following[0].slot.date() <= day:
                return None
            return slot, day
        return None

    def _earliest_day(self, slot: dt.datetime) -> dt.date:
        """The first day a fresh plan's visit at this slot's time may be due: not before
        the moment the plan was applied (the app stores no visit due before it). Plans
        with a last visit, or never applied, are not bounded (`date.min`)."""
        applied = self.plan.applied
        if applied is None or self.last_visit is not None or self.sub_daily:
            return dt.date.min
        if slot.time() > applied.time():
            return applied.date()
        return applied.date() + _ONE_DAY

    def _moved_before_applied(self, slot: dt.datetime, day: dt.date | None) -> bool:
        """A slot after the moment of applying that the holiday policy moved before it
        (slots already past then are `_first_visit_moved`'s; season windows keep theirs)."""
        if day is None or self.season_anchored:
            return False
        return day < self._earliest_day(slot) <= slot.date()

    def _not_before_applied(
        self, slot_day: dt.date, earliest: dt.date, reasons: list[Reason]
    ) -> dt.date:
        """A holiday moved a fresh plan's visit to before the plan was applied (a lift
        plan applied on New Year's Day at 08:38 for 09:00, the nearest working day the
        31st): it goes to the first working day from then on instead. Left on the 31st,
        the visit was never stored, and a 15-day ceiling counting from it put the first
        real visit two weeks late."""
        moved = self._next_acceptable(earliest)
        reasons[:] = [r for r in reasons if r.code not in _HOLIDAY_CODES]
        reasons.append(
            Reason.of(
                ReasonCode.HOLIDAY_MOVED,
                to=moved.isoformat(),
                **day_params("from", slot_day, self.calendar),
            )
        )
        return moved

    def _next_acceptable(self, day: dt.date) -> dt.date:
        if not self.uses_calendar:
            return day
        found = self.calendar.next_workday(day, not_after=day + dt.timedelta(days=30))
        return found or day

    def _owed_by_last_visit(
        self, merged: list[Candidate], chain_start: dt.datetime
    ) -> Candidate | None:
        """The tier the next visit owes, having merged against the whole grid first.

        A tier that went with the last visit is done, not due again at the next one,
        unless that visit did not cover it. Visits between its slot and its late
        completion were swallowed by it; their tier items are owed too.
        """
        assert self.last_visit is not None
        done = done_up_to(self.last_visit, self.plan)
        owed = [c for c in merged if done < c.slot < chain_start and c.tier_index]
        own = [c for c in merged if c.slot <= done][-1:]  # the last visit's own slot,
        if (  # if it has one on the grid (an extra visit has not)
            own
            and own[0].slot.date() == done.date()
            and own[0].tier_index > self._tier_rank(self.last_visit.tier)
        ):
            owed += own
        return max(owed, key=lambda c: c.tier_index, default=None)

    def _past_next_slots(self, after: dt.datetime) -> dt.datetime:
        """Just past the rule's next two slots after `after`.

        Whether a skipped visit near the range's end is kept for the ceiling depends on
        the next visit; with it in the chain, that decision does not change when the
        horizon is later extended, so a row stored as skipped is never needed after all.
        """
        for reach in (max(62, 2 * (self.plan.ceiling_days or 0)), 800):
            ahead = base_slots(self.plan, after, after + dt.timedelta(days=reach), self.last_visit)
            if len(ahead) >= 2:
                return ahead[1] + _TICK
        return after

    def _not_yet_done(self, higher: list[list[dt.datetime]]) -> list[list[dt.datetime]]:
        """Tier instances no visit has covered: counted by period, not by grid slot.

        An instance is covered by a visit of its tier or a higher one done (or planned)
        nearer to it than to the instance before (or at least within its merge reach),
        however the grid has moved since, so a completion-anchored grid cannot hand the
        same annual items to a later visit, and a visit its ceiling pulled weeks early
        still counts for it.
        """
        assert self.last_visit is not None and self.last_visit.tiers_done is not None
        done = {
            key: to_wall(at, self.plan.timezone) for key, at in self.last_visit.tiers_done.items()
        }
        tiers = self.plan.tiers
        kept: list[list[dt.datetime]] = []
        for offset, instances in enumerate(higher):
            index = offset + 1
            covered = max((done[t.key] for t in tiers[index:] if t.key in done), default=None)
            if covered is None:
                kept.append(instances)
                continue
            reach = dt.timedelta(days=tiers[index].merge_within_days)
            kept.append(
                [
                    instance
                    for position, instance in enumerate(instances)
                    if covered < instance - max(reach, _half_gap(instances, position))
                ]
            )
        return kept

    def _tiers_last_done(self) -> list[dt.datetime | None]:
        """Per higher tier, when a visit carrying it (or a higher tier) was last done or
        planned, as far as the last visit tells: where its own ceiling counts from."""
        last_visit = self.last_visit
        tiers = self.plan.tiers
        if last_visit is None:
            return []
        zone_name = self.plan.timezone
        if last_visit.tiers_done is None:
            rank = self._tier_rank(last_visit.tier)
            at = to_wall(last_visit.at, zone_name)
            return [at if index <= rank else None for index in range(1, len(tiers))]
        done = {key: to_wall(at, zone_name) for key, at in last_visit.tiers_done.items()}
        return [
            max((done[t.key] for t in tiers[index:] if t.key in done), default=None)
            for index in range(1, len(tiers))
        ]

    def _tier_memory(self, since: dt.datetime) -> dt.datetime:
        """From when an instance no visit covered is still owed: back to the oldest tier
        the history names (the chain ran then), at most `TIER_MEMORY`. Instances of a plan
        applied after its start date, which never had a visit, are not owed."""
        assert self.last_visit is not None and self.last_visit.tiers_done is not None
        known = [to_wall(at, self.plan.timezone) for at in self.last_visit.tiers_done.values()]
        if not known:
            return since
        return max(since - TIER_MEMORY, min(min(known), since))

    def _tier_rank(self, key: str | None) -> int:
        keys = [t.key for t in self.plan.tiers]
        return keys.index(key) if key in keys else 0

    # --- the chain -----------------------------------------------------------------------

    def occurrences(self) -> Iterator[Occurrence]:
        plan = self.plan
        independent = (
            self.ceiling is None
            and not plan.tiers
            and not self.uses_calendar
            and plan.each_period is None
        )
        if independent and (plan.applied is None or plan.applied < plan.starts):
            return self._independent_occurrences()
        return self._chained_occurrences()

    def _independent_occurrences(self) -> Iterator[Occurrence]:
        """Fast path: no ceiling, no tiers, no calendar: every slot is its own visit."""
        plan = self.plan
        localize = self.localize
        before, duration = plan.tolerance_before, plan.duration
        window_end = self._window_end
        slots = base_slots(plan, self.start, self.end, self.last_visit)
        if self.clamp_day or self.season_anchored:  # rare: the slot itself needs explaining
            yield from self._explained(slots)
            return
        for slot in slots:
            aware = localize(slot)
            yield Occurrence(
                aware,
                aware,
                aware + duration,
                localize(slot - before) if before else aware,
                localize(window_end(slot, slot, None)),
            )

    def _explained(self, slots: list[dt.datetime]) -> Iterator[Occurrence]:
        """The fast path's occurrences for clamped month ends and season-anchored rules."""
        plan, localize = self.plan, self.localize
        for slot in slots:
            aware = localize(slot)
            yield Occurrence(
                aware,
                aware,
                aware + plan.duration,
                localize(slot - plan.tolerance_before),
                localize(self._window_end(slot, slot, None)),
                reasons=self._rule_reasons(slot),
            )

    def _chained_occurrences(self) -> Iterator[Occurrence]:
        """General path: each visit depends on the one before (merges, ceiling)."""
        pending: _Pending | None = None  # a skipped visit the ceiling may still need
        plan = self.plan
        candidates = self._candidates()
        self.first_moved = self._first_visit_moved(candidates)
        self.rule_slots = {c.slot for c in candidates} if self.ceiling is not None else set()
        is_workday = self.calendar.is_workday if self.uses_calendar else None
        period_last = (  # the last slot of each period decides whether it keeps a visit
            {plan.each_period.of(c.slot.date()): c.slot for c in candidates}
            if plan.each_period is not None and self.uses_calendar
            else {}
        )
        season_last = self._season_last(candidates)
        for candidate in candidates:
            slot = candidate.slot
            slot_day = slot.date()
            reasons = list(candidate.reasons)
            if plan.seasons and self._season_break(slot_day):
                if (occurrence := self._skipped(pending)) is not None:
                    yield occurrence
                pending = None
                self.prev_day = self.prev_due = self.prev_slot = None
            if is_workday is None or is_workday(slot_day):
                day = slot_day  # the common case, without building a policy result
            else:
                day, policy_reason = apply_policy(self.holiday_policy, slot_day, self.calendar)
                if policy_reason is not None:
                    reasons.append(policy_reason)
            if self.season_anchored and day != slot_day:
                day = self._kept_in_season(slot, day, reasons)
            elif self.keeps_seasons:
                if day is not None and day != slot_day:
                    day = self._kept_in_season(slot, day, reasons)
                if slot in season_last:
                    day = self._kept_in_window(season_last[slot], slot_day, day, reasons)
            if self.first_moved is not None and slot == self.first_moved[0]:
                day = self._moved_first(slot, day, reasons)
            elif self._moved_before_applied(slot, day):
                day = self._not_before_applied(slot_day, self._earliest_day(slot), reasons)
            if (
                day is not None
                and self.prev_due is not None
                and dt.datetime.combine(day, slot.time()) <= self.prev_due
            ):
                kept = self.prev_slot or self.prev_due
                reasons.append(
                    Reason.of(ReasonCode.SAME_DAY_MERGED, kept_slot=kept.date().isoformat())
                )
                day = None
            if plan.each_period is not None and slot == period_last.get(
                plan.each_period.of(slot_day)
            ):
                day = self._kept_in_period(plan.each_period, slot, day, reasons)
            if day is None and self.ceiling is not None and self.prev_day is None:
                day = self._first_kept(slot_day, reasons)
            limit: dt.date | None = None
            while self.ceiling is not None and self.prev_day is not None:
                limit = self.prev_day + self.ceiling
                if (day if day is not None else slot_day) <= limit:
                    break
                if pending is not None:
                    if (occurrence := self._revive(*pending, limit)) is not None:
                        yield occurrence
                    pending = None
                    continue
                if slot_day <= limit:
                    day = self._earlier_within(slot, day, limit, reasons)
                    break
                moved = self._pull_into_window(slot, limit)
                if moved is not None:
                    reasons.append(self._ceiling_reason(slot_day, moved))
                    day = moved
                    break
                if (occurrence := self._extra(limit)) is not None:
                    yield occurrence
            latest = self._latest_for(candidate)
            if day is not None and latest is not None and day > latest[0]:
                day = self._within_tier_ceiling(slot_day, day, latest, reasons)
            if (occurrence := self._skipped(pending)) is not None:
                yield occurrence
            pending = None
            if day is None:
                pending = (candidate, reasons)
            elif (occurrence := self._planned(candidate, day, reasons, limit)) is not None:
                yield occurrence
        if (occurrence := self._skipped(pending)) is not None:
            yield occurrence

    def _first_kept(self, slot_day: dt.date, reasons: list[Reason]) -> dt.date | None:
        """With no visit before it, a ceiling has nothing to count from, so a skipped visit
        is kept on the next working day: a fortnightly rule that always falls on a Saturday
        was otherwise skipped for ever under the skip policy, its 15-day ceiling unheard."""
        assert self.ceiling is not None
        if any(r.code is ReasonCode.SAME_DAY_MERGED for r in reasons):
            return None
        day = self.calendar.next_workday(slot_day, not_after=slot_day + self.ceiling)
        if day is None:
            return None
        reasons.append(
            Reason.of(
                ReasonCode.CEILING_KEPT_SKIPPED,
                to=day.isoformat(),
                ceiling_days=self.plan.ceiling_days,
                **day_params("from", slot_day, self.calendar),
            )
        )
        return day

    def _kept_in_season(
        self, slot: dt.datetime, day: dt.date | None, reasons: list[Reason]
    ) -> dt.date | None:
        """A season-anchored visit the holiday policy skipped or moved out of its window
        goes to the nearest working day inside the window instead: under the skip policy
        a pre-season check anchored on a Sunday was otherwise not done that year at all."""
        window = season_of(slot, self.plan)
        if window is None or (day is not None and window.contains(day)):
            return day
        slot_day = slot.date()
        first = last = slot_day
        while window.contains(first - _ONE_DAY) and slot_day - first < _A_YEAR:
            first -= _ONE_DAY
        while window.contains(last + _ONE_DAY) and last - slot_day < _A_YEAR:
            last += _ONE_DAY
        kept = _nearest_within(slot_day, first, last, self._acceptable)
        if kept is None:  # no working day in the whole window: the season wins
            return slot_day
        reasons[:] = [r for r in reasons if r.code not in _HOLIDAY_CODES]
        reasons.append(
            Reason.of(
                ReasonCode.HOLIDAY_MOVED,
                to=kept.isoformat(),
                **day_params("from", slot_day, self.calendar),
            )
        )
        return kept

    def _season_last(self, candidates: list[Candidate]) -> dict[dt.datetime, SeasonWindow]:
        """The last slot of each window instance, with its window (frequent seasonal work)."""
        if not self.keeps_seasons:
            return {}
        last: dict[tuple[SeasonWindow, dt.date], dt.datetime] = {}
        for candidate in candidates:
            window = season_of(candidate.slot, self.plan)
            if window is not None:
                last[(window, window.around(candidate.slot.date())[0])] = candidate.slot
        return {slot: window for (window, _), slot in last.items()}

    def _kept_in_window(
        self, window: SeasonWindow, slot_day: dt.date, day: dt.date | None, reasons: list[Reason]
    ) -> dt.date | None:
        """A window's last slot, when no visit is in the window yet and the holiday policy
        dropped it or moved it out: the nearest working day inside the window instead.

        Under the skip policy monthly spraying on the 4th (Qingming, Labour Day) or summer
        mowing on the start's weekday lost its whole season: the season is the promise.
        """
        first, last = window.around(slot_day)
        if day is not None and first <= day <= last:
            return day
        if self.prev_day is not None and first <= self.prev_day <= last:
            return day
        if self.prev_day is not None:
            first = max(first, self.prev_day + _ONE_DAY)
        kept = _nearest_within(slot_day, first, last, self._acceptable)
        reasons[:] = [r for r in reasons if r.code not in _HOLIDAY_CODES]
        if kept is None:  # no working day left in the window: the season wins
            kept = slot_day
        reasons.append(
            Reason.of(
                ReasonCode.SEASON_KEPT,
                window=str(window),
                to=kept.isoformat(),
                **day_params("from", slot_day, self.calendar),
            )
        )
        return kept

    def _moved_first(
        self, slot: dt.datetime, day: dt.date | None, reasons: list[Reason]
    ) -> dt.date:
        """The first visit, its time already past when the plan was applied (see above)."""
        assert self.first_moved is not None and self.plan.applied is not None
        applied = self.plan.applied
        if day is not None and dt.datetime.combine(day, slot.time()) > applied:
            return day  # the holiday policy already moved it past the moment of applying
        moved = self.first_moved[1]
        reasons[:] = [r for r in reasons if r.code not in _HOLIDAY_CODES]
        reasons.append(
            Reason.of(
                ReasonCode.FIRST_VISIT_MOVED,
                applied=f"{applied:%Y-%m-%d %H:%M}",
                time=f"{slot:%H:%M}",
                to=moved.isoformat(),
            )
        )
        return moved

    def _kept_in_period(
        self, period: Period, slot: dt.datetime, day: dt.date | None, reasons: list[Reason]
    ) -> dt.date | None:
        """The period's last slot: if no visit is in its period yet and the holiday
        policy moved it out or dropped it, the nearest working day inside instead
        (or the slot's own day when the whole period is a holiday).

        A fresh plan's period counts from when it was applied: a day before that would
        be a visit the plan never had. When no working day of the period is left after
        applying, the plan did not exist for its working days and the policy's day stands
        (the next working day), rather than a visit on the weekend or holiday left."""
        slot_day = slot.date()
        key = period.of(slot_day)
        if day is not None and period.of(day) == key:
            return day
        if self.prev_day is not None and period.of(self.prev_day) == key:
            return day
        first, last = period.bounds(slot_day)
        if self.prev_day is not None:
            first = max(first, self.prev_day + _ONE_DAY)
        earliest = self._earliest_day(slot)
        if first > last or earliest > last:
            return day
        kept = _nearest_within(slot_day, max(first, earliest), last, self._acceptable)
        if kept is None and earliest > first:
            return day
        reasons[:] = [r for r in reasons if r.code not in _HOLIDAY_CODES]
        if kept is None:  # the whole period is a holiday: the law wins, on the day itself
            kept = min(max(slot_day, first), last)
        reasons.append(
            Reason.of(
                ReasonCode.PERIOD_KEPT,
                period=period.value,
                to=kept.isoformat(),
                **day_params("from", slot_day, self.calendar),
            )
        )
        return kept

    def _season_break(self, slot_day: dt.date) -> bool:
        if not self.plan.seasons or self.prev_day is None or self.ceiling is None:
            return False
        if slot_day - self.prev_day <= self.ceiling:
            return False
        return season_breaks_between(self.prev_day, slot_day, self.plan.seasons)

    def _acceptable(self, day: dt.date) -> bool:
        return not self.uses_calendar or self.calendar.is_workday(day)

    def _latest_acceptable(self, first: dt.date, last: dt.date) -> dt.date | None:
        day = last
        while day >= first:
            if self._acceptable(day):
                return day
            day -= _ONE_DAY
        return None

    def _earlier_within(
        self, slot: dt.datetime, moved: dt.date | None, limit: dt.date, reasons: list[Reason]
    ) -> dt.date:
        """A holiday move (to `moved`) breached the ceiling: latest allowed working day
        instead."""
        slot_day = slot.date()
        first = self._first_allowed(moved or slot_day, slot.time())
        day = self._latest_acceptable(first, limit)
        if day is not None:
            reasons[:] = [r for r in reasons if r.code is not ReasonCode.HOLIDAY_MOVED]
            reasons.append(self._ceiling_reason(slot_day, day))
            return day
        day = max(min(slot_day, limit), first)
        reasons[:] = [r for r in reasons if r.code is not ReasonCode.HOLIDAY_MOVED]
        reasons.append(self._over_holiday(day))
        return day

    def _first_allowed(self, natural: dt.date, at: dt.time) -> dt.date:
        """The first day a visit may be pulled back to for the ceiling: after the visit
        before it, and, when it is still ahead of the caller's now, not into the past.

        A lift's last day by its 15-day ceiling was a Monday made a holiday by a notice
        imported on Friday afternoon; pulled back to Friday 09:00, already past, the
        visit was never stored, and the next came 26 days after the last (soak seed 6).
        It stays on the Monday instead: the ceiling wins over the holiday."""
        assert self.prev_day is not None
        first = self.prev_day + _ONE_DAY
        if self.now is not None:
            ahead = self.now.date() + (_ONE_DAY if at <= self.now.time() else dt.timedelta(0))
            if natural >= ahead:
                first = max(first, ahead)
        return first

    def _latest_for(self, candidate: Candidate) -> tuple[dt.date, int] | None:
        """The last day this visit may fall on by its tiers' ceilings, owed ones included."""
        found = [c.latest for c in (candidate, self.carried) if c is not None and c.latest]
        return min(found, default=None)

    def _within_tier_ceiling(
        self, slot_day: dt.date, day: dt.date, latest: tuple[dt.date, int], reasons: list[Reason]
    ) -> dt.date:
        """A visit carrying a tier past the tier's own ceiling moves earlier, by at most the
        tier's merge reach, after the visit before and not into the past. When the ceiling
        has already passed (the visit carrying the tier was missed), the first working day
        that is allowed: two more weeks would leave the tier 15 days further behind."""
        last_day, ceiling_days = latest
        earliest = max(
            (b for b in (self.prev_day and self.prev_day + _ONE_DAY, self.not_before) if b),
            default=None,
        )
        first = (
            slot_day - self.tier_pull
            if earliest is None
            else max(slot_day - self.tier_pull, earliest)
        )
        if first > last_day:
            if earliest is None or earliest > last_day + dt.timedelta(days=ceiling_days):
                return day
            soonest = _nearest_within(earliest, earliest, day - _ONE_DAY, self._acceptable)
            if soonest is None:
                return day
            reasons[:] = [r for r in reasons if r.code not in _HOLIDAY_CODES]
            reasons.append(self._tier_reason(slot_day, soonest, ceiling_days))
            return soonest
        moved = self._latest_acceptable(first, last_day)
        reasons[:] = [r for r in reasons if r.code not in _HOLIDAY_CODES]
        if moved is None:  # no working day in reach: the ceiling wins, as the plan's does
            reasons.append(
                Reason.of(
                    ReasonCode.CEILING_OVER_HOLIDAY,
                    ceiling_days=ceiling_days,
                    **day_params("to", last_day, self.calendar),
                )
            )
            return last_day
        reasons.append(self._tier_reason(slot_day, moved, ceiling_days))
        return moved

    def _made_up(self, slot_day: dt.date, day: dt.date, reasons: list[Reason]) -> dt.date:
        """The visit carrying a missed visit's tier items goes on the first working day
        allowed, not with the next half-monthly visit two weeks on (`made_up_day`)."""
        assert self.missed is not None
        moved = made_up_day(self.prev_day, self.not_before, day, self._acceptable)
        if moved is None:
            return day
        reasons[:] = [r for r in reasons if r.code not in _MOVE_CODES]
        reasons.append(made_up_reason(self.plan, self.missed, slot_day, moved, self.calendar))
        return moved

    def _tier_reason(self, slot_day: dt.date, moved: dt.date, ceiling_days: int) -> Reason:
        return Reason.of(
            ReasonCode.CEILING_MOVED_EARLIER,
            to=moved.isoformat(),
            ceiling_days=ceiling_days,
            **day_params("from", slot_day, self.calendar),
        )

    def _pull_into_window(self, slot: dt.datetime, limit: dt.date) -> dt.date | None:
        """The rule itself leaves too long a gap: move earlier if that is a short move.

        Short means within the visit's window or a third of the ceiling: a semi-monthly
        visit one day past 15 days moves one day instead of getting a twin a day before.
        """
        assert self.prev_day is not None
        window_first = (slot - self.ceiling_pull).date()
        if window_first > limit:
            return None
        first = self._first_allowed(slot.date(), slot.time())
        return self._latest_acceptable(max(first, window_first), limit)

    def _ceiling_reason(self, from_day: dt.date, to_day: dt.date) -> Reason:
        return Reason.of(
            ReasonCode.CEILING_MOVED_EARLIER,
            to=to_day.isoformat(),
            ceiling_days=self.plan.ceiling_days,
            **day_params("from", from_day, self.calendar),
        )

    def _over_holiday(self, day: dt.date) -> Reason:
        return Reason.of(
            ReasonCode.CEILING_OVER_HOLIDAY,
            ceiling_days=self.plan.ceiling_days,
            **day_params("to", day, self.calendar),
        )

    # --- emitting ------------------------------------------------------------------------

    def _revive(
        self, candidate: Candidate, reasons: list[Reason], limit: dt.date
    ) -> Occurrence | None:
        """Keep a skipped visit after all, because skipping it would breach the ceiling."""
        assert self.prev_day is not None
        slot_day = candidate.slot.date()
        first = self._first_allowed(limit, candidate.slot.time())
        day = self._latest_acceptable(first, limit)
        kept = list(reasons)
        if day is None:
            day = max(min(slot_day, limit), first)
            kept.append(self._over_holiday(day))
        kept.append(
            Reason.of(
                ReasonCode.CEILING_KEPT_SKIPPED,
                to=day.isoformat(),
                ceiling_days=self.plan.ceiling_days,
                **day_params("from", slot_day, self.calendar),
            )
        )
        return self._planned(candidate, day, kept, limit)

    def _extra(self, limit: dt.date) -> Occurrence | None:
        """Insert a visit the rule does not have, at the latest day the ceiling allows."""
        assert self.prev_day is not None
        previous = self.prev_day
        day = self._latest_acceptable(self._first_allowed(limit, self.time_of_day), limit)
        reasons = [
            Reason.of(
                ReasonCode.CEILING_EXTRA_VISIT,
                previous=previous.isoformat(),
                ceiling_days=self.plan.ceiling_days,
            )
        ]
        if day is None:
            day = limit
            reasons.append(self._over_holiday(day))
        slot = dt.datetime.combine(day, self.time_of_day)
        while slot in self.rule_slots:  # a rule visit moved away from this day: stay unique
            slot += dt.timedelta(seconds=1)
        due = dt.datetime.combine(day, self.time_of_day)
        return self._planned(Candidate(slot), day, reasons, limit, extra_due=due)

    def _planned(
        self,
        candidate: Candidate,
        day: dt.date,
        reasons: list[Reason],
        limit: dt.date | None,
        *,
        extra_due: dt.datetime | None = None,
    ) -> Occurrence | None:
        plan = self.plan
        slot = candidate.slot
        making_up = self.carried is not None and self.carried is self.missed
        if making_up:
            day = self._made_up(slot.date(), day, reasons)
            extra_due = extra_due and dt.datetime.combine(day, extra_due.time())
        if extra_due is not None:
            due_wall = extra_due
        else:
            due_wall = slot if day == slot.date() else dt.datetime.combine(day, slot.time())
        self.prev_day, self.prev_due, self.prev_slot = day, due_wall, slot
        tier_index = candidate.tier_index
        owed = self.carried
        if owed is not None:
            self.carried = None
            if owed.tier_index > tier_index:
                tier_index = owed.tier_index
                reasons = [*reasons, self._carried_reason(owed)]
        if not self.start <= slot < self.end:
            return None
        if slot == self.taken_slot:  # keep the visit, not the done row's key
            slot += _NUDGE
        # making up missed tier items is urgent: on time on its own day, not until the later
        # slot it was pulled from (missed, it showed as missed two weeks on, too late to
        # plan the visit the 15 days then needed)
        window_end = self._window_end(due_wall if making_up else slot, due_wall, limit)
        window_start = min(slot - plan.tolerance_before, due_wall)  # a moved visit is on time
        if plan.each_period is not None:
            window_start, window_end = _inside_period(
                plan.each_period, day, due_wall, window_start, window_end
            )
        localize = self.localize
        aware_slot = localize(slot)
        due = aware_slot if due_wall is slot else localize(due_wall)
        includes = self.tier_keys[tier_index]
        if (self.clamp_day or self.season_anchored) and extra_due is None:
            reasons = [*self._rule_reasons(slot), *reasons]
        return Occurrence(
            aware_slot,
            due,
            due + plan.duration,
            aware_slot if window_start == slot else localize(window_start),
            aware_slot if window_end == slot else localize(window_end),
            Status.PLANNED,
            includes[-1] if includes else None,
            includes,
            tuple(reasons),
            extra_due is not None,
            self.provisional.get(day.year) or self._provisional(day.year),
        )

    def _window_end(
        self, slot: dt.datetime, due_wall: dt.datetime, limit: dt.date | None
    ) -> dt.datetime:
        """Until when the visit counts as on time.

        Tolerances are whole days: a visit due on a day is on time all that day, and a
        visit a holiday moved later keeps its new day. Work that recurs within a day
        (patrol rounds, 2-hourly records) is on time until its own duration has passed.
        The ceiling's last allowed day still caps the window.
        """
        plan = self.plan
        if self.sub_daily:
            return max(slot + plan.tolerance_after, due_wall + plan.duration)
        last_day = (max(slot, due_wall) + plan.tolerance_after).date()
        if limit is not None:
            last_day = min(last_day, max(limit, due_wall.date()))
        return dt.datetime.combine(last_day, _DAY_END)

    def _skipped(self, pending: _Pending | None) -> Occurrence | None:
        """The occurrence of a visit that stays dropped (None if out of range or none)."""
        if pending is None:
            return None
        candidate, reasons = pending
        if candidate.tier_index and (
            self.carried is None or candidate.tier_index > self.carried.tier_index
        ):
            self.carried = candidate
        slot = candidate.slot
        if not self.start <= slot < self.end:
            return None
        plan = self.plan
        aware_slot = self.localize(slot)
        return Occurrence(
            slot=aware_slot,
            due=aware_slot,
            ends=aware_slot + plan.duration,
            window_start=self.localize(slot - plan.tolerance_before),
            window_end=self.localize(slot + plan.tolerance_after),
            status=Status.SKIPPED,
            tier=self.tier_keys[candidate.tier_index][-1] if plan.tiers else None,
            includes=self.tier_keys[candidate.tier_index],
            reasons=tuple(reasons),
            provisional_calendar=self._provisional(slot.year),
        )

    def _rule_reasons(self, slot: dt.datetime) -> tuple[Reason, ...]:
        """What the preview shows about the slot itself: a clamped month end, the
        season window a yearly visit follows."""
        reasons: tuple[Reason, ...] = ()
        if slot.day < self.clamp_day:
            reasons += (_clamped(slot, self.clamp_day),)
        window = season_of(slot, self.plan) if self.season_anchored else None
        if window is not None:
            reasons += (
                Reason.of(
                    ReasonCode.SEASON_ANCHORED,
                    window=str(window),
                    label_zh=window.label_zh or None,
                    label_en=window.label_en or None,
                ),
            )
        return reasons

    def _carried_reason(self, owed: Candidate) -> Reason:
        return Reason.of(
            ReasonCode.TIER_CARRIED,
            tier_slot=owed.slot.date().isoformat(),
            **tier_names(self.plan.tiers[owed.tier_index]),
        )

    def _provisional(self, year: int) -> bool:
        if not self.uses_calendar:
            return False
        flag = self.provisional.get(year)
        if flag is None:
            flag = self.provisional[year] = self.calendar.is_provisional(year)
        return flag
