"""China's working-day calendar: 调休, holidays, provisional years, site overrides."""

from __future__ import annotations

import datetime as dt

import pytest

from schedules import (
    CalendarFileError,
    DayKind,
    DayOverride,
    HolidayPolicy,
    Plan,
    Status,
    WorkCalendar,
    generate,
    parse_overrides,
)

MAKEUP_DAYS_2026 = [
    dt.date(2026, m, d) for m, d in [(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)]
]
HOLIDAY_BLOCKS_2026 = [
    (dt.date(2026, 1, 1), dt.date(2026, 1, 3)),
    (dt.date(2026, 2, 15), dt.date(2026, 2, 23)),
    (dt.date(2026, 4, 4), dt.date(2026, 4, 6)),
    (dt.date(2026, 5, 1), dt.date(2026, 5, 5)),
    (dt.date(2026, 6, 19), dt.date(2026, 6, 21)),
    (dt.date(2026, 9, 25), dt.date(2026, 9, 27)),
    (dt.date(2026, 10, 1), dt.date(2026, 10, 7)),
]
HOLIDAYS_2026 = [
    first + dt.timedelta(days=i)
    for first, last in HOLIDAY_BLOCKS_2026
    for i in range((last - first).days + 1)
]


def test_2026_makeup_weekends_are_workdays_and_holidays_rest_for_office_plans_but_not_patrols(
    calendar: WorkCalendar,
) -> None:
    assert all(day.weekday() >= 5 for day in MAKEUP_DAYS_2026)
    assert all(calendar.is_workday(day) for day in MAKEUP_DAYS_2026)
    assert all(calendar.is_makeup_workday(day) for day in MAKEUP_DAYS_2026)
    assert not any(calendar.is_workday(day) for day in HOLIDAYS_2026)

    office = Plan(
        "office-clean", "FREQ=DAILY", dt.datetime(2026, 1, 1, 9), holiday_policy=HolidayPolicy.SKIP
    )
    patrol = Plan(
        "night-patrol",
        "FREQ=DAILY",
        dt.datetime(2026, 1, 1, 22),
        holiday_policy=HolidayPolicy.IGNORE,
    )
    year = (dt.date(2026, 1, 1), dt.date(2027, 1, 1))
    office_days = {
        o.due.date() for o in generate(office, calendar, *year) if o.status is Status.PLANNED
    }
    patrol_days = {
        o.due.date() for o in generate(patrol, calendar, *year) if o.status is Status.PLANNED
    }

    assert set(MAKEUP_DAYS_2026) <= office_days
    assert not office_days & set(HOLIDAYS_2026)
    assert len(office_days) == 248
    assert len(patrol_days) == 365
    assert set(HOLIDAYS_2026) | set(MAKEUP_DAYS_2026) <= patrol_days


def test_holiday_names_come_in_chinese_and_english(calendar: WorkCalendar) -> None:
    assert calendar.holiday_name(dt.date(2026, 10, 1)) == "国庆节"
    assert calendar.holiday_name(dt.date(2026, 10, 1), "en") == "National Day"
    assert calendar.holiday_name(dt.date(2026, 2, 17)) == "春节"
    assert calendar.holiday_name(dt.date(2026, 10, 10)) is None  # a make-up working day
    assert calendar.holiday_name(dt.date(2026, 10, 13)) is None  # an ordinary Tuesday


def test_years_without_official_notice_are_provisional_until_overrides_complete_them() -> None:
    assert not WorkCalendar().is_provisional(2026)
    assert WorkCalendar().is_provisional(2027)
    completed = WorkCalendar(parse_overrides("2027 complete\n2027-10-01 holiday 国庆节\n"))
    assert not completed.is_provisional(2027)
    assert completed.is_provisional(2028)


def test_provisional_years_still_rest_on_rule_based_holidays(calendar: WorkCalendar) -> None:
    assert not calendar.is_workday(dt.date(2027, 10, 1))
    assert calendar.holiday_name(dt.date(2027, 10, 1)) == "国庆节"
    assert calendar.is_workday(dt.date(2027, 10, 11))


def test_site_overrides_win_over_the_official_calendar() -> None:
    site = WorkCalendar(
        [
            DayOverride(dt.date(2026, 10, 10), DayKind.HOLIDAY, "园区检修停工"),
            DayOverride(dt.date(2026, 10, 2), DayKind.WORKDAY, "值班"),
        ]
    )
    assert not site.is_workday(dt.date(2026, 10, 10))
    assert site.holiday_name(dt.date(2026, 10, 10)) == "园区检修停工"
    assert site.is_workday(dt.date(2026, 10, 2))
    assert not site.is_makeup_workday(dt.date(2026, 10, 2))  # a Friday, not a weekend


def test_override_files_declare_2027_national_day_and_its_makeup_sunday() -> None:
    text = """
    # 2027 国庆 (typed from the State Council notice)
    2027-10-01 holiday 国庆节
    2027-10-04 holiday 国庆节
    2027-09-26 workday 国庆调休   # Sunday
    """
    overrides = parse_overrides(text)
    site = WorkCalendar(overrides)
    assert [o.day for o in overrides.days] == [
        dt.date(2027, 9, 26),
        dt.date(2027, 10, 1),
        dt.date(2027, 10, 4),
    ]
    assert site.is_makeup_workday(dt.date(2027, 9, 26))
    assert site.holiday_name(dt.date(2027, 10, 4), "en") == "National Day"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("2027-10-01 holiday\n2027-02-30 holiday 春节", 2, "expected a date"),
        ("# header\n\n2027-10-01 vacation 国庆", 3, "'holiday' or 'workday'"),
        ("2027-10-01 holiday\n2027-10-01 workday", 2, "listed twice"),
        ("27 complete", 1, "expected a year"),
    ],
)
def test_bad_override_lines_are_reported_with_their_line_number(
    text: str, line: int, fragment: str
) -> None:
    with pytest.raises(CalendarFileError) as error:
        parse_overrides(text)
    assert error.value.line_number == line
    assert f"line {line}:" in str(error.value)
    assert fragment in str(error.value)


def test_a_year_of_workday_lookups_stays_fast(calendar: WorkCalendar) -> None:
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    assert sum(calendar.is_workday(d) for d in days * 200) == 248 * 200
