"""Rotation presets and rosters: coverage, duty counts, night shifts, leave, 行政班."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from schedules import PRESETS, Leave, Team, WorkCalendar, build_roster

TZ = "Asia/Shanghai"
EPOCH = dt.date(2026, 1, 5)


def one_member_teams(pattern_key: str) -> list[Team]:
    pattern = PRESETS[pattern_key]
    return [Team(f"T{i}", (f"m{i}",), pattern_key) for i in range(pattern.team_count)]


@pytest.mark.parametrize(
    ("pattern_key", "duty_days_per_cycle"),
    [
        ("three_shift", 6),
        ("four_team_three_shift", 6),
        ("three_team_two_shift", 4),
        ("two_shift", 14),
    ],
)
def test_rotation_presets_give_each_team_its_duty_days_and_cover_every_shift_daily(
    pattern_key: str, duty_days_per_cycle: int
) -> None:
    pattern = PRESETS[pattern_key]
    cycle = len(pattern.cycle)
    last = EPOCH + dt.timedelta(days=cycle - 1)
    roster = build_roster(one_member_teams(pattern_key), EPOCH, last, epoch=EPOCH, timezone=TZ)
    duties = [d for i in range(cycle) for d in roster.duties_on(EPOCH + dt.timedelta(days=i))]
    assert Counter(d.member for d in duties) == {
        f"m{i}": duty_days_per_cycle for i in range(pattern.team_count)
    }
    for i in range(cycle):
        shifts_today = sorted(d.shift for d in roster.duties_on(EPOCH + dt.timedelta(days=i)))
        assert shifts_today == sorted(s.key for s in pattern.shifts)


def test_four_team_three_shift_keeps_one_team_off_every_day() -> None:
    roster = build_roster(
        one_member_teams("four_team_three_shift"),
        EPOCH,
        EPOCH + dt.timedelta(days=27),
        epoch=EPOCH,
        timezone=TZ,
    )
    for i in range(28):
        assert len(roster.duties_on(EPOCH + dt.timedelta(days=i))) == 3


def test_the_night_shift_is_on_duty_after_midnight_and_the_morning_one_takes_over() -> None:
    roster = build_roster(
        one_member_teams("three_shift"),
        EPOCH,
        EPOCH + dt.timedelta(days=6),
        epoch=EPOCH,
        timezone=TZ,
    )
    assert PRESETS["three_shift"].shift("night").crosses_midnight
    assert not PRESETS["three_shift"].shift("early").crosses_midnight
    night = next(d for d in roster.duties_on(EPOCH) if d.shift == "night")
    assert night.ends - night.starts == dt.timedelta(hours=8)
    at_3am = dt.datetime.combine(EPOCH + dt.timedelta(days=1), dt.time(3))
    assert [d.member for d in roster.on_duty(at_3am)] == [night.member]
    at_7am = dt.datetime.combine(EPOCH + dt.timedelta(days=1), dt.time(7))
    assert [d.shift for d in roster.on_duty(at_7am)] == ["early"]


def test_members_on_leave_have_no_duties_and_are_not_on_duty() -> None:
    teams = [
        Team("A", ("wang", "li"), "three_team_two_shift"),
        Team("B", ("zhao",), "three_team_two_shift"),
        Team("C", ("sun",), "three_team_two_shift"),
    ]
    leave = Leave("wang", EPOCH, EPOCH + dt.timedelta(days=1))
    roster = build_roster(
        teams, EPOCH, EPOCH + dt.timedelta(days=5), epoch=EPOCH, timezone=TZ, leaves=[leave]
    )
    noon = dt.datetime.combine(EPOCH, dt.time(12))
    assert roster.members_on_duty(noon) == {"li"}
    assert roster.on_leave("wang", EPOCH)
    later_noon = dt.datetime.combine(EPOCH + dt.timedelta(days=6), dt.time(12))
    assert not roster.on_leave("wang", later_noon.date())


def test_office_week_staff_work_on_makeup_saturdays_and_rest_on_national_day(
    calendar: WorkCalendar,
) -> None:
    roster = build_roster(
        [Team("office", ("chen",), "office_week")],
        dt.date(2026, 9, 28),
        dt.date(2026, 10, 12),
        epoch=EPOCH,
        timezone=TZ,
        calendar=calendar,
    )
    assert roster.members_on_duty(dt.datetime(2026, 10, 10, 10)) == {"chen"}
    assert roster.members_on_duty(dt.datetime(2026, 10, 2, 10)) == frozenset()
    assert roster.members_on_duty(dt.datetime(2026, 10, 11, 10)) == frozenset()
    assert roster.members_on_duty(dt.datetime(2026, 10, 12, 19)) == frozenset()


def test_a_year_roster_answers_who_is_on_duty_quickly() -> None:
    teams = [
        Team(f"T{i}", tuple(f"g{i}{j}" for j in range(4)), "four_team_three_shift")
        for i in range(4)
    ]
    roster = build_roster(
        teams, dt.date(2026, 1, 1), dt.date(2026, 12, 31), epoch=EPOCH, timezone=TZ
    )
    instants = [dt.datetime(2026, 1, 2, 0, 30) + dt.timedelta(hours=h) for h in range(24 * 364)]
    assert all(len(roster.members_on_duty(t)) == 4 for t in instants)
