"""Tier chains counted by period across completions: re-planning from every visit done.

The app re-plans an elevator from each completion (`LastVisit`). A completion-anchored
grid then moves, and without the tiers' own history the annual items came back a month
later. These tests live a year the way the app does: take the next planned visit,
complete it on time, early, late or not at all, and re-plan from there.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedules import (
    Anchor,
    HolidayPolicy,
    LastVisit,
    Plan,
    Status,
    Tier,
    WorkCalendar,
    generate,
)

PERIOD_TIERS = (
    Tier("half_monthly"),
    Tier("quarterly", "FREQ=MONTHLY;INTERVAL=3"),
    Tier("half_yearly", "FREQ=MONTHLY;INTERVAL=6"),
    Tier("annual", "FREQ=YEARLY"),
)
CEILED_TIERS = (
    Tier("half_monthly"),
    Tier("quarterly", "FREQ=MONTHLY;INTERVAL=3", ceiling_days=99),
    Tier("half_yearly", "FREQ=MONTHLY;INTERVAL=6", ceiling_days=191),
    Tier("annual", "FREQ=YEARLY", ceiling_days=373),
)
"""The catalog's chain: each tier's period plus 7 days' tolerance (the implied ceiling)."""
PERIOD_DAYS = {"quarterly": 91, "half_yearly": 182, "annual": 365}
LOOKAHEAD = dt.timedelta(days=70)
OUTCOMES = ("on_time", "early", "late", "missed")


def lift_plan(starts: dt.date, anchor: Anchor, tiers: tuple[Tier, ...] = PERIOD_TIERS) -> Plan:
    """The catalog's lift: every 15 days, at most 15 apart, tiers stacked on it."""
    return Plan(
        "lift",
        "FREQ=DAILY;INTERVAL=15",
        dt.datetime.combine(starts, dt.time(9)),
        holiday_policy=HolidayPolicy.NEAREST,
        ceiling_days=15,
        anchor=anchor,
        tiers=tiers,
        tolerance_before=dt.timedelta(days=5),
    )


@dataclass
class LiftYear:
    """What was done in a simulated year: (day done, tier keys carried) per visit."""

    done: list[tuple[dt.datetime, tuple[str, ...]]] = field(default_factory=list)
    # every visit, missed ones too: (day due, day done or else due, tier keys carried)
    visits: list[tuple[dt.date, dt.date, tuple[str, ...]]] = field(default_factory=list)
    missed: set[int] = field(default_factory=set)  # indices into `visits`

    def days_with(self, tier: str) -> list[dt.date]:
        return [at.date() for at, includes in self.done if tier in includes]


def live_a_year(
    plan: Plan,
    calendar: WorkCalendar,
    outcomes: list[tuple[str, int]],
    *,
    with_tier_history: bool = True,
    look_back: dt.timedelta = dt.timedelta(days=31),
) -> LiftYear:
    """Re-plan from each visit as the app does; `outcomes` say how each visit went.

    Each re-plan starts `look_back` before now; the app's search for the next visit past
    the horizon starts at the horizon itself, later than the last visit (`look_back` 0).
    """
    year = LiftYear()
    now = plan.starts - dt.timedelta(days=10)  # a holiday may move the first visit earlier
    end = plan.starts + dt.timedelta(days=365)
    last: LastVisit | None = None
    tiers_done: dict[str, dt.datetime] = {}
    for outcome, days in outcomes:
        upcoming = (
            o
            for o in generate(plan, calendar, now - look_back, now + LOOKAHEAD, last_visit=last)
            if o.status is Status.PLANNED and o.due.replace(tzinfo=None) > now
        )
        visit = next(upcoming, None)
        if visit is None or visit.due.replace(tzinfo=None) >= end:
            break
        due = visit.due.replace(tzinfo=None)
        slot = visit.slot.replace(tzinfo=None)
        if outcome == "missed":  # the app keeps it as the last visit, done or not
            year.missed.add(len(year.visits))
            year.visits.append((due.date(), due.date(), visit.includes))
            now = due + dt.timedelta(hours=1)
            last = LastVisit(due, slot, visit.tier, dict(tiers_done) if with_tier_history else None)
            continue
        shift = {"on_time": 0, "early": -days, "late": days}[outcome]
        at = max(due + dt.timedelta(days=shift), now + dt.timedelta(hours=1))
        year.done.append((at, visit.includes))
        year.visits.append((due.date(), at.date(), visit.includes))
        tiers_done.update(dict.fromkeys(visit.includes, at))
        restarts = plan.anchor is Anchor.COMPLETION
        last = LastVisit(
            at,
            None if restarts else slot,
            visit.tier,
            dict(tiers_done) if with_tier_history else None,
        )
        now = at
    return year


def on_time(visits: int = 40) -> list[tuple[str, int]]:
    return [("on_time", 0)] * visits


def test_a_lift_completed_on_time_all_year_gets_each_tier_once_per_period(
    calendar: WorkCalendar,
) -> None:
    year = live_a_year(lift_plan(dt.date(2026, 1, 5), Anchor.COMPLETION), calendar, on_time())
    first_year = [includes for at, includes in year.done if at.date() < dt.date(2026, 12, 20)]
    tiers = Counter(includes[-1] for includes in first_year)
    assert (tiers["annual"], tiers["half_yearly"], tiers["quarterly"]) == (1, 1, 2)
    assert year.days_with("annual")[:1] == [dt.date(2026, 1, 5)]


def test_the_annual_items_do_not_come_back_a_month_after_they_were_done(
    calendar: WorkCalendar,
) -> None:
    year = live_a_year(lift_plan(dt.date(2026, 1, 5), Anchor.COMPLETION), calendar, on_time())
    annual = year.days_with("annual")
    assert all((later - earlier).days > 300 for earlier, later in itertools.pairwise(annual))


def test_without_the_tiers_history_the_moving_grid_repeats_the_annual_visit(
    calendar: WorkCalendar,
) -> None:
    """The defect the history fixes, kept visible: the app must pass `tiers_done`."""
    year = live_a_year(
        lift_plan(dt.date(2026, 1, 5), Anchor.COMPLETION),
        calendar,
        on_time(),
        with_tier_history=False,
    )
    annual = year.days_with("annual")
    assert (annual[1] - annual[0]).days < 60


def test_a_missed_quarterly_visit_hands_its_items_to_the_next_visit(
    calendar: WorkCalendar,
) -> None:
    plan = lift_plan(dt.date(2026, 1, 5), Anchor.FIXED)
    outcomes = [*on_time(6), ("missed", 0), *on_time(30)]
    year = live_a_year(plan, calendar, outcomes)
    quarterly = [d for d in year.days_with("quarterly") if d > dt.date(2026, 2, 1)]
    assert dt.date(2026, 4, 1) <= quarterly[0] <= dt.date(2026, 4, 30)
    assert all((later - earlier).days > 45 for earlier, later in itertools.pairwise(quarterly))


def test_a_tier_whose_visit_was_missed_long_before_the_replan_is_still_carried(
    calendar: WorkCalendar,
) -> None:
    """The half-yearly visit of 07-01 was missed; the re-plan after the next visit done on
    07-21 looks for the following visit from the horizon on: its items are still owed."""
    plan = lift_plan(dt.date(2026, 1, 1), Anchor.COMPLETION)
    done = dt.datetime(2026, 7, 21, 9, 50)
    history = {"half_monthly": done, "quarterly": dt.datetime(2026, 3, 27, 9, 50)}
    history["annual"] = dt.datetime(2026, 1, 5, 9, 50)
    last = LastVisit(done, None, "half_monthly", history)
    after = [
        o
        for o in generate(
            plan, calendar, dt.datetime(2026, 7, 28), dt.datetime(2026, 9, 1), last_visit=last
        )
        if o.status is Status.PLANNED
    ]
    assert after[0].includes == ("half_monthly", "quarterly", "half_yearly"), after[0]
    assert [o.includes for o in after[1:]] == [("half_monthly",)] * (len(after) - 1)


OUTCOME = st.tuples(st.sampled_from(OUTCOMES), st.integers(1, 4))


def _no_three_misses(outcomes: list[tuple[str, int]]) -> bool:
    kinds = "".join(kind[0] for kind, _ in outcomes)
    return "mmm" not in kinds


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    starts=st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31)),
    anchor=st.sampled_from([Anchor.COMPLETION, Anchor.FIXED]),
    outcomes=st.lists(OUTCOME, min_size=40, max_size=40).filter(_no_three_misses),
    look_back=st.sampled_from([dt.timedelta(days=31), dt.timedelta(0)]),
)
def test_each_tier_is_done_once_per_period_whatever_the_completions(
    starts: dt.date,
    anchor: Anchor,
    outcomes: list[tuple[str, int]],
    look_back: dt.timedelta,
    calendar: WorkCalendar,
) -> None:
    plan = lift_plan(starts, anchor)
    year = live_a_year(plan, calendar, outcomes, look_back=look_back)
    last_day = starts + dt.timedelta(days=365)
    for tier in PERIOD_TIERS[1:]:
        period = PERIOD_DAYS[tier.key]
        days = year.days_with(tier.key)
        windows, months = [], 0
        while True:  # each instance: done once between a month early and half a period late
            instance = _add_months(starts, months)
            window = (instance - dt.timedelta(days=30), instance + dt.timedelta(days=period // 2))
            if window[1] + dt.timedelta(days=10) >= last_day:
                break
            windows.append(window)
            months += round(period / 30.4)
        for first, last in windows:
            assert len([d for d in days if first <= d < last]) == 1, (tier.key, first, days)
        checked = [d for d in days if d < windows[-1][1]] if windows else []
        assert len(checked) == len(windows), (tier.key, windows, days)  # nothing extra


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, as FREQ=MONTHLY would give it (short months clamp)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    starts=st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31)),
    anchor=st.sampled_from([Anchor.COMPLETION, Anchor.FIXED]),
    visit=st.integers(0, 20),
    outcome=OUTCOME,
)
def test_a_replan_with_the_tiers_history_keeps_the_ceiling_from_the_real_visit(
    starts: dt.date,
    anchor: Anchor,
    visit: int,
    outcome: tuple[str, int],
    calendar: WorkCalendar,
) -> None:
    """Re-planning after a visit (done early, late, on time, or missed and kept as the
    last visit) never plans that visit's own slot again, which would collide with its
    stored row and be lost, and keeps every gap within 15 days of the real visit."""
    plan = lift_plan(starts, anchor)
    begin = dt.datetime.combine(starts, dt.time())
    planned = [
        o
        for o in generate(plan, calendar, begin, begin + dt.timedelta(days=400))
        if o.status is Status.PLANNED
    ]
    last = planned[visit]
    due, slot = last.due.replace(tzinfo=None), last.slot.replace(tzinfo=None)
    kind, days = outcome
    shift = {"on_time": 0, "early": -days, "late": days, "missed": 0}[kind]
    at = due + dt.timedelta(days=shift)
    history = {key: at for key in last.includes}
    restarts = anchor is Anchor.COMPLETION and kind != "missed"
    last_visit = LastVisit(at, None if restarts else slot, last.tier, history)
    again = [
        o
        for o in generate(
            plan,
            calendar,
            at - dt.timedelta(days=32),
            at + dt.timedelta(days=120),
            last_visit=last_visit,
        )
        if o.status is Status.PLANNED
    ]
    assert all(o.slot.replace(tzinfo=None) > slot for o in again), (slot, again[:1])
    days_done = [at.date(), *(o.due.date() for o in again)]
    gaps = [(b - a).days for a, b in itertools.pairwise(days_done)]
    assert max(gaps) <= 15, (at, days_done[:4])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    starts=st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31)),
    anchor=st.sampled_from([Anchor.COMPLETION, Anchor.FIXED]),
    outcomes=st.lists(OUTCOME, min_size=40, max_size=40).filter(_no_three_misses),
)
def test_a_tier_is_never_due_further_after_its_last_visit_than_its_own_ceiling(
    starts: dt.date, anchor: Anchor, outcomes: list[tuple[str, int]], calendar: WorkCalendar
) -> None:
    """Whichever half-monthly visit carries them, quarterly items are due at most 99 days
    after the last visit that carried them (done, or due when missed: the schedule kept
    its promise there), half-yearly 191, annual 373: the nearest visit alone drifted.
    Only a visit done late on or past that day can push the next one over it."""
    year = live_a_year(lift_plan(starts, anchor, CEILED_TIERS), calendar, outcomes)
    for tier in CEILED_TIERS[1:]:
        assert tier.ceiling_days is not None
        marks = [
            (index, day)
            for index, (_, day, includes) in enumerate(year.visits)
            if tier.key in includes
        ]
        for (_, before), (index, _) in itertools.pairwise(marks):
            limit = before + dt.timedelta(days=tier.ceiling_days)
            due, previous = year.visits[index][0], year.visits[index - 1][1]
            assert due <= limit or previous >= limit, (tier.key, before, due)


def test_a_quarterly_visit_takes_the_half_monthly_visit_within_its_ceiling_not_the_nearest(
    calendar: WorkCalendar,
) -> None:
    """The quarterly items were done on 03-27; the next instance (07-01) is nearest to the
    07-06 visit, 101 days on: that visit moves back within the 99 days (or the one
    before takes the items)."""
    plan = lift_plan(dt.date(2026, 1, 1), Anchor.COMPLETION, CEILED_TIERS)
    done = dt.datetime(2026, 6, 6, 9, 50)
    history = {"half_monthly": done, "quarterly": dt.datetime(2026, 3, 27, 9, 50)}
    history["annual"] = dt.datetime(2026, 1, 5, 9, 50)
    last = LastVisit(done, None, "half_monthly", history)
    after = [
        o
        for o in generate(plan, calendar, done, dt.datetime(2026, 7, 30), last_visit=last)
        if o.status is Status.PLANNED
    ]
    quarterly = [o for o in after if "quarterly" in o.includes]
    assert len(quarterly) == 1, [(o.due.date(), o.includes) for o in after]
    assert dt.date(2026, 6, 19) <= quarterly[0].due.date() <= dt.date(2026, 7, 4)


def test_a_quarterly_visit_missed_at_its_ceiling_is_carried_on_the_next_working_day(
    calendar: WorkCalendar,
) -> None:
    """The quarterly items were done on 2026-03-24 and their visit of 07-03 (day 101, a
    holiday in between) was missed: the next visit carries them on the next working day,
    not two weeks on."""
    plan = lift_plan(dt.date(2026, 1, 1), Anchor.FIXED, CEILED_TIERS)
    missed = dt.datetime(2026, 7, 3, 9)
    history = {"half_monthly": dt.datetime(2026, 6, 18, 9)}
    history |= {"quarterly": dt.datetime(2026, 3, 24, 9), "annual": dt.datetime(2026, 1, 5, 9)}
    last = LastVisit(missed, missed, "half_yearly", history)
    after = [
        o
        for o in generate(
            plan,
            calendar,
            dt.datetime(2026, 7, 3),
            dt.datetime(2026, 8, 30),
            last_visit=last,
            not_before=missed,
        )
        if o.status is Status.PLANNED
    ]
    first = after[0]
    assert first.includes == ("half_monthly", "quarterly", "half_yearly"), first
    assert first.due.date() == dt.date(2026, 7, 6)  # Monday; 07-04 and 07-05 are a weekend
    assert [o.includes for o in after[1:]] == [("half_monthly",)] * (len(after) - 1)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    starts=st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31)),
    anchor=st.sampled_from([Anchor.COMPLETION, Anchor.FIXED]),
    tiers=st.sampled_from([PERIOD_TIERS, CEILED_TIERS]),
    outcomes=st.lists(OUTCOME, min_size=40, max_size=40).filter(_no_three_misses),
)
def test_a_missed_visits_tier_items_are_made_up_on_the_next_working_day(
    starts: dt.date,
    anchor: Anchor,
    tiers: tuple[Tier, ...],
    outcomes: list[tuple[str, int]],
    calendar: WorkCalendar,
) -> None:
    """Whether or not the tier has a ceiling or a visit before (the chain's very first
    visit missed), the visit after a missed one carrying quarterly or rarer items takes
    them and is due the first working day after it: waiting for the next half-monthly
    visit left them two weeks late, and the next quarterly visit, on its own date,
    came 70 days after them."""
    year = live_a_year(lift_plan(starts, anchor, tiers), calendar, outcomes)
    for index in sorted(year.missed):
        due, _, includes = year.visits[index]
        if len(includes) < 2 or index + 1 == len(year.visits):
            continue
        next_due, _, carried = year.visits[index + 1]
        after = due + dt.timedelta(days=1)
        soonest = calendar.next_workday(after, not_after=after + dt.timedelta(days=30))
        assert carried[: len(includes)] == includes, (due, includes, next_due, carried)
        assert soonest is not None and next_due <= soonest, (due, includes, next_due)


def test_a_missed_first_visit_with_every_tier_is_made_up_the_next_working_day(
    calendar: WorkCalendar,
) -> None:
    """The escalator's first visit (2017-01-03, every tier) was missed and no tier was ever
    done: its items went to the next half-monthly visit of 01-18, and the half-yearly
    visit of 06-30 came 163 days later. They are made up on 01-04, and the move says why."""
    plan = lift_plan(dt.date(2017, 1, 3), Anchor.COMPLETION, CEILED_TIERS)
    missed = dt.datetime(2017, 1, 3, 9)
    last = LastVisit(missed, missed, "annual", {})
    after = [
        o
        for o in generate(
            plan, calendar, dt.datetime(2017, 1, 3), dt.datetime(2017, 2, 28), last_visit=last
        )
        if o.status is Status.PLANNED
    ]
    first = after[0]
    assert first.includes == ("half_monthly", "quarterly", "half_yearly", "annual"), first
    assert first.due.date() == dt.date(2017, 1, 4)
    assert first.window_end.date() == dt.date(2017, 1, 4), "urgent: not until its slot 01-18"
    said = [reason.render("zh") for reason in first.reasons]
    assert said == [
        "由 2017-01-18 提前至 2017-01-04：补做 2017-01-03 未进行的annual项目",
        "2017-01-03 那次未进行，其annual项目并入本次",
    ]
    assert [o.includes for o in after[1:]] == [("half_monthly",)] * (len(after) - 1)
