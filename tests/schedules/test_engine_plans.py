"""Expanding single plans: wall clock across DST, holidays, ceilings, anchors, seasons."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from schedules_testkit import gaps_in_days, planned

from schedules import (
    AgeBand,
    Anchor,
    DayKind,
    DayOverride,
    HolidayPolicy,
    LastVisit,
    Occurrence,
    Plan,
    ReasonCode,
    SeasonWindow,
    Status,
    WorkCalendar,
    generate,
    generate_batches,
)

D = dt.date
T = dt.datetime


def codes(occurrence: Occurrence) -> list[ReasonCode]:
    return [r.code for r in occurrence.reasons]


def test_a_daily_8am_visit_stays_at_8am_wall_time_across_new_york_dst(
    calendar: WorkCalendar,
) -> None:
    plan = Plan("ny", "FREQ=DAILY", T(2026, 1, 1, 8), timezone="America/New_York")
    occurrences = list(generate(plan, calendar, D(2026, 3, 1), D(2026, 11, 30)))
    assert all(o.due.hour == 8 and o.due.minute == 0 for o in occurrences)
    assert all(o.due.tzinfo == ZoneInfo("America/New_York") for o in occurrences)
    offsets = {o.due.utcoffset() for o in occurrences}
    assert offsets == {dt.timedelta(hours=-5), dt.timedelta(hours=-4)}
    assert len(occurrences) == (D(2026, 11, 30) - D(2026, 3, 1)).days


def test_a_visit_inside_the_spring_forward_gap_moves_forward_by_the_gap(
    calendar: WorkCalendar,
) -> None:
    plan = Plan("ny-night", "FREQ=DAILY", T(2026, 3, 1, 2, 30), timezone="America/New_York")
    by_day = {o.slot.date(): o for o in generate(plan, calendar, D(2026, 3, 7), D(2026, 3, 10))}
    assert by_day[D(2026, 3, 8)].due.time() == dt.time(3, 30)
    assert by_day[D(2026, 3, 8)].due.utcoffset() == dt.timedelta(hours=-4)
    assert by_day[D(2026, 3, 9)].due.time() == dt.time(2, 30)
    assert len(by_day) == 3  # no visit dropped


def test_holiday_policies_move_a_national_day_visit_where_the_plan_says(
    calendar: WorkCalendar,
) -> None:
    def due_for(policy: HolidayPolicy) -> list[dt.date]:
        plan = Plan("p", "FREQ=MONTHLY;BYMONTHDAY=1", T(2026, 1, 1, 9), holiday_policy=policy)
        (occurrence,) = generate(plan, calendar, D(2026, 10, 1), D(2026, 10, 2))
        return [occurrence.due.date()] if occurrence.status is Status.PLANNED else []

    assert due_for(HolidayPolicy.IGNORE) == [D(2026, 10, 1)]
    assert due_for(HolidayPolicy.SKIP) == []
    assert due_for(HolidayPolicy.PREVIOUS) == [D(2026, 9, 30)]
    assert due_for(HolidayPolicy.NEXT) == [D(2026, 10, 8)]
    assert due_for(HolidayPolicy.NEAREST) == [D(2026, 9, 30)]


def test_the_slot_stays_put_when_a_holiday_moves_the_due_date(calendar: WorkCalendar) -> None:
    plan = Plan(
        "p", "FREQ=MONTHLY;BYMONTHDAY=1", T(2026, 1, 1, 9), holiday_policy=HolidayPolicy.PREVIOUS
    )
    (occurrence,) = generate(plan, calendar, D(2026, 10, 1), D(2026, 10, 2))
    assert occurrence.slot == T(2026, 10, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert occurrence.due == T(2026, 9, 30, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert occurrence.reasons[0].render("en") == (
        "moved from 2026-10-01 (National Day) to 2026-09-30: not a working day"
    )
    assert (
        occurrence.reasons[0].render("zh") == "由 2026-10-01（国庆节）提前至 2026-09-30：非工作日"
    )


def elevator_every_15_days(**changes: object) -> Plan:
    fields = dict(
        key="lift-3",
        rule="FREQ=DAILY;INTERVAL=15",
        starts=T(2026, 9, 16, 9),
        holiday_policy=HolidayPolicy.NEXT,
        ceiling_days=15,
        tolerance_before=dt.timedelta(days=2),
        tolerance_after=dt.timedelta(days=2),
    )
    fields.update(changes)
    return Plan(**fields)  # type: ignore[arg-type]


def test_a_holiday_move_that_would_breach_15_days_goes_to_the_latest_working_day_before(
    calendar: WorkCalendar,
) -> None:
    occurrences = list(generate(elevator_every_15_days(), calendar, D(2026, 9, 16), D(2026, 10, 2)))
    national_day = occurrences[1]
    assert national_day.slot.date() == D(2026, 10, 1)
    assert national_day.due.date() == D(2026, 9, 30)
    assert national_day.reasons[-1].render("en") == (
        "moved from 2026-10-01 (National Day) to 2026-09-30; "
        "the 15-day ceiling forbids a later date"
    )
    assert national_day.reasons[-1].render("zh") == (
        "由 2026-10-01（国庆节）提前至 2026-09-30：15 天上限不允许更晚"
    )


def test_a_late_completion_counts_for_the_ceiling(calendar: WorkCalendar) -> None:
    late = LastVisit(at=T(2026, 9, 20, 16), slot=T(2026, 9, 16, 9))
    occurrences = list(
        generate(elevator_every_15_days(), calendar, D(2026, 9, 1), D(2026, 12, 1), last_visit=late)
    )
    assert occurrences[0].slot.date() == D(2026, 10, 1)
    assert occurrences[0].due.date() == D(2026, 9, 30)
    assert max(gaps_in_days(D(2026, 9, 20), occurrences)) <= 15


def test_when_no_working_day_fits_the_ceiling_wins_over_the_holiday_and_says_so() -> None:
    shutdown = WorkCalendar(
        DayOverride(D(2026, 9, 17) + dt.timedelta(days=i), DayKind.HOLIDAY, "园区停工")
        for i in range(14)
    )
    occurrences = list(generate(elevator_every_15_days(), shutdown, D(2026, 9, 16), D(2026, 10, 2)))
    kept = occurrences[1]
    assert kept.due.date() == D(2026, 10, 1)
    assert ReasonCode.CEILING_OVER_HOLIDAY in codes(kept)
    assert "ceiling" in kept.reasons[-1].render("en")
    assert "上限优先于节假日规则" in kept.reasons[-1].render("zh")


def test_a_skipped_visit_is_kept_when_skipping_would_breach_the_ceiling(
    calendar: WorkCalendar,
) -> None:
    plan = Plan(
        "pump",
        "FREQ=WEEKLY;BYDAY=TH",
        T(2026, 9, 3, 9),
        ceiling_days=10,
        holiday_policy=HolidayPolicy.SKIP,
    )
    occurrences = list(generate(plan, calendar, D(2026, 9, 1), D(2026, 10, 31)))
    national_day = next(o for o in occurrences if o.slot.date() == D(2026, 10, 1))
    assert national_day.status is Status.PLANNED
    assert national_day.due.date() == D(2026, 9, 30)
    assert ReasonCode.CEILING_KEPT_SKIPPED in codes(national_day)
    assert max(gaps_in_days(None, occurrences)) <= 10


def test_a_rule_sparser_than_its_ceiling_gets_extra_visits(calendar: WorkCalendar) -> None:
    plan = Plan("tank", "FREQ=MONTHLY;BYMONTHDAY=1", T(2026, 1, 1, 9), ceiling_days=15)
    occurrences = list(generate(plan, calendar, D(2026, 1, 1), D(2027, 1, 1)))
    extras = [o for o in occurrences if o.extra]
    assert extras and all(ReasonCode.CEILING_EXTRA_VISIT in codes(o) for o in extras)
    assert max(gaps_in_days(None, occurrences)) <= 15
    assert len([o for o in occurrences if not o.extra]) == 12


def test_a_visit_one_day_past_the_ceiling_moves_earlier_instead_of_getting_a_twin(
    calendar: WorkCalendar,
) -> None:
    # 1st and 16th: after the 16th of a 31-day month the 1st is 16 days away.
    plan = Plan("pump-room", "FREQ=MONTHLY;BYMONTHDAY=1,16", T(2026, 1, 1, 9), ceiling_days=15)
    occurrences = planned(list(generate(plan, calendar, D(2026, 1, 1), D(2027, 1, 1))))
    assert max(gaps_in_days(None, occurrences)) <= 15
    assert min(gaps_in_days(None, occurrences)) >= 10  # never two visits days apart
    february = next(o for o in occurrences if o.slot.date() == D(2026, 2, 1))
    assert february.due.date() == D(2026, 1, 31)
    assert ReasonCode.CEILING_MOVED_EARLIER in codes(february)
    assert february.window_start <= february.due <= february.window_end
    assert not any(o.extra for o in occurrences if o.due.month < 3)


def test_completion_anchored_plans_count_from_the_last_time_it_was_done(
    calendar: WorkCalendar,
) -> None:
    plan = Plan("filter", "FREQ=DAILY;INTERVAL=15", T(2026, 1, 1, 10), anchor=Anchor.COMPLETION)
    done = LastVisit(at=T(2026, 3, 10, 14, 30))
    occurrences = list(generate(plan, calendar, D(2026, 3, 1), D(2026, 5, 1), last_visit=done))
    assert [o.slot.date() for o in occurrences] == [D(2026, 3, 25), D(2026, 4, 9), D(2026, 4, 24)]
    assert all(o.slot.time() == dt.time(10) for o in occurrences)


def test_without_any_completion_a_completion_anchored_plan_runs_from_its_start(
    calendar: WorkCalendar,
) -> None:
    plan = Plan("filter", "FREQ=DAILY;INTERVAL=15", T(2026, 1, 1, 10), anchor=Anchor.COMPLETION)
    slots = [o.slot.date() for o in generate(plan, calendar, D(2026, 1, 1), D(2026, 2, 1))]
    assert slots == [D(2026, 1, 1), D(2026, 1, 16), D(2026, 1, 31)]


def test_season_windows_keep_visits_inside_them_even_across_the_year_end(
    calendar: WorkCalendar,
) -> None:
    before_rain = Plan(
        "drains",
        "FREQ=WEEKLY;BYDAY=MO",
        T(2026, 1, 5, 9),
        seasons=(SeasonWindow.parse("04-01..05-31"),),
    )
    winter = Plan(
        "heating",
        "FREQ=WEEKLY;BYDAY=MO",
        T(2026, 1, 5, 9),
        seasons=(SeasonWindow.parse("11-15..02-28"),),
    )
    rain_days = [
        o.due.date() for o in generate(before_rain, calendar, D(2026, 1, 1), D(2027, 1, 1))
    ]
    winter_days = [o.due.date() for o in generate(winter, calendar, D(2026, 1, 1), D(2027, 1, 1))]
    assert rain_days and all(D(2026, 4, 1) <= d <= D(2026, 5, 31) for d in rain_days)
    assert len(rain_days) == 8  # the Mondays of April and May
    assert all(d.month in (11, 12, 1, 2) for d in winter_days)
    assert D(2026, 11, 16) in winter_days and D(2026, 11, 9) not in winter_days


def test_governor_calibration_is_biennial_until_the_lift_turns_15_then_yearly(
    calendar: WorkCalendar,
) -> None:
    bands = (AgeBand(0, "FREQ=YEARLY;INTERVAL=2"), AgeBand(15, "FREQ=YEARLY"))
    plan = Plan(
        "governor",
        "FREQ=YEARLY;INTERVAL=2",
        T(2013, 6, 1, 9),
        commissioned=D(2012, 6, 1),
        age_bands=bands,
    )
    years = [o.due.year for o in generate(plan, calendar, D(2020, 1, 1), D(2031, 1, 1))]
    # Bands count from the asset (ages 8, 10, 12, 14, then yearly from 15), not from
    # the plan's start in 2013 (issue 12: bands started at the plan start).
    assert years == [2020, 2022, 2024, 2026, 2027, 2028, 2029, 2030]


def test_the_same_inputs_always_give_the_same_occurrences() -> None:
    plan = elevator_every_15_days(starts=T(2025, 1, 3, 9))
    first = list(generate(plan, WorkCalendar(), D(2026, 1, 1), D(2027, 1, 1)))
    second = list(generate(plan, WorkCalendar(), D(2026, 1, 1), D(2027, 1, 1)))
    assert first == second


def test_continuing_from_the_last_stored_visit_gives_the_same_slots_and_dues(
    calendar: WorkCalendar,
) -> None:
    plan = elevator_every_15_days(starts=T(2025, 1, 3, 9))
    year = list(generate(plan, calendar, D(2026, 1, 1), D(2027, 1, 1)))
    stored = [o for o in year if o.slot.date() < D(2026, 9, 1) and o.status is Status.PLANNED]
    last = LastVisit(at=stored[-1].due, slot=stored[-1].slot)
    autumn = list(generate(plan, calendar, D(2026, 9, 1), D(2027, 1, 1), last_visit=last))
    assert [(o.slot, o.due) for o in year if o.slot.date() >= D(2026, 9, 1)] == [
        (o.slot, o.due) for o in autumn
    ]


def test_batches_stream_every_plan_occurrence_with_its_plan_key(calendar: WorkCalendar) -> None:
    plans = [Plan(f"p{i}", "FREQ=DAILY", T(2026, 1, 1, 8)) for i in range(5)]
    batches = list(
        generate_batches(
            ((p, None) for p in plans), calendar, D(2026, 1, 1), D(2026, 3, 1), batch_size=100
        )
    )
    rows = [row for batch in batches for row in batch]
    assert len(rows) == 5 * 59
    assert {key for key, _ in rows} == {f"p{i}" for i in range(5)}
    assert len(batches) > 1


def test_a_lift_visit_done_early_leaves_the_next_visit_a_key_of_its_own() -> None:
    """Pulled back from 07-22 and done on 07-07, the row keeps slot 07-22; the grid restarted
    at completion falls on 07-22 09:00 again, and with the done row's key the app kept the
    done row and dropped the visit: 30 days without a lift visit (seed 3, 2014)."""
    tz = ZoneInfo("Asia/Shanghai")
    plan = Plan(
        "lift",
        "FREQ=DAILY;INTERVAL=15",
        dt.datetime(2014, 1, 2, 9),
        ceiling_days=15,
        anchor=Anchor.COMPLETION,
        holiday_policy=HolidayPolicy.SKIP,
    )
    done_row_slot = dt.datetime(2014, 7, 22, 9, tzinfo=tz)
    last = LastVisit(at=dt.datetime(2014, 7, 7, 9, 50, tzinfo=tz), row_slot=done_row_slot)
    visits = list(
        generate(
            plan,
            WorkCalendar(),
            dt.datetime(2014, 7, 7, 10, tzinfo=tz),
            dt.date(2014, 8, 1),
            last_visit=last,
        )
    )
    assert [v.due for v in visits] == [done_row_slot]
    assert visits[0].slot != done_row_slot
