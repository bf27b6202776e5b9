"""A visit counts as on time through its due day; sub-daily rounds only for their own length."""

import datetime as dt

from schedules import HolidayPolicy, Plan, WorkCalendar, generate

CALENDAR = WorkCalendar()


def _first(plan: Plan, start: dt.date, end: dt.date):  # type: ignore[no-untyped-def]
    return next(iter(generate(plan, CALENDAR, start, end)))


def test_a_daily_check_due_at_nine_is_still_on_time_that_afternoon() -> None:
    plan = Plan("pump", "FREQ=DAILY", dt.datetime(2026, 3, 2, 9, 0))
    visit = _first(plan, dt.date(2026, 3, 2), dt.date(2026, 3, 3))
    assert visit.window_end.replace(tzinfo=None) == dt.datetime(2026, 3, 2, 23, 59, 59)


def test_a_visit_a_holiday_moved_later_is_on_time_on_its_new_day() -> None:
    plan = Plan(
        "monthly",
        "FREQ=MONTHLY;BYMONTHDAY=1",
        dt.datetime(2026, 10, 1, 9, 0),
        holiday_policy=HolidayPolicy.NEXT,
    )
    visit = _first(plan, dt.date(2026, 10, 1), dt.date(2026, 10, 2))
    assert visit.due.date() > dt.date(2026, 10, 7)  # after the National Day holiday
    assert visit.window_start <= visit.due <= visit.window_end
    assert visit.window_end.date() == visit.due.date()


def test_a_two_hourly_record_closes_when_its_own_duration_has_passed() -> None:
    plan = Plan(
        "duty",
        "FREQ=HOURLY;INTERVAL=2",
        dt.datetime(2026, 3, 2, 8, 0),
        duration=dt.timedelta(minutes=30),
    )
    visit = _first(plan, dt.date(2026, 3, 2), dt.date(2026, 3, 3))
    assert visit.window_end - visit.due == dt.timedelta(minutes=30)
