"""Patrol rounds inside shifts, and cleaners' daily task lists by service level."""

from __future__ import annotations

import datetime as dt

from schedules import (
    PRESETS,
    Area,
    Checkpoint,
    CleaningTask,
    Frequency,
    PatrolRoute,
    SeasonWindow,
    ServiceLevel,
    TaskLine,
    daily_task_lists,
    patrol_rounds,
)

ROUTE = PatrolRoute(
    "north-gate",
    (
        Checkpoint("gate", dt.timedelta(0), "北门岗亭"),
        Checkpoint("garage", dt.timedelta(minutes=15), "地下车库"),
        Checkpoint("pump-room", dt.timedelta(minutes=30), "水泵房"),
    ),
)
THREE_SHIFTS = PRESETS["three_shift"].shifts


def test_rounds_every_two_hours_fit_inside_each_eight_hour_shift() -> None:
    rounds = list(
        patrol_rounds(
            ROUTE,
            THREE_SHIFTS,
            dt.date(2026, 5, 1),
            dt.date(2026, 5, 1),
            every=dt.timedelta(hours=2),
        )
    )
    assert len(rounds) == 3 * 4
    night = [r for r in rounds if r.shift == "night"]
    assert [r.starts.strftime("%d %H:%M") for r in night] == [
        "01 23:00",
        "02 01:00",
        "02 03:00",
        "02 05:00",
    ]
    for patrol_round in rounds:
        shift = next(s for s in THREE_SHIFTS if s.key == patrol_round.shift)
        shift_start = patrol_round.starts - dt.timedelta(hours=2 * patrol_round.index)
        assert patrol_round.stops[-1][1] <= shift_start + shift.duration


def test_checkpoints_are_due_in_route_order_at_their_offsets() -> None:
    first = next(
        patrol_rounds(
            ROUTE,
            THREE_SHIFTS[:1],
            dt.date(2026, 5, 1),
            dt.date(2026, 5, 1),
            every=dt.timedelta(hours=1),
        )
    )
    assert [key for key, _ in first.stops] == ["gate", "garage", "pump-room"]
    assert [t.strftime("%H:%M") for _, t in first.stops] == ["07:00", "07:15", "07:30"]
    assert first.starts.tzinfo is not None


def test_hourly_patrols_on_a_12_hour_night_give_twelve_rounds_ending_in_the_shift() -> None:
    night = PRESETS["three_team_two_shift"].shift("night12")
    rounds = list(
        patrol_rounds(
            ROUTE, [night], dt.date(2026, 5, 1), dt.date(2026, 5, 1), every=dt.timedelta(hours=1)
        )
    )
    assert len(rounds) == 12
    assert rounds[-1].stops[-1][1].strftime("%d %H:%M") == "02 07:30"


SWEEP = CleaningTask(
    "sweep",
    "清扫",
    frozenset({"road", "lobby"}),
    (
        (ServiceLevel.ONE, Frequency("FREQ=DAILY", times_per_day=2)),
        (ServiceLevel.TWO, Frequency("FREQ=DAILY")),
        (ServiceLevel.THREE, Frequency("FREQ=DAILY")),
    ),
)
MOP = CleaningTask(
    "mop",
    "拖地",
    frozenset({"lobby"}),
    (
        (ServiceLevel.ONE, Frequency("FREQ=DAILY")),
        (ServiceLevel.TWO, Frequency("FREQ=WEEKLY;INTERVAL=2")),
        (ServiceLevel.THREE, Frequency("FREQ=MONTHLY")),
    ),
)
GLASS = CleaningTask(
    "glass", "公共玻璃", frozenset({"lobby"}), ((ServiceLevel.ONE, Frequency("FREQ=WEEKLY")),)
)
MOW = CleaningTask(
    "mow",
    "草坪修剪",
    frozenset({"lawn"}),
    ((ServiceLevel.ONE, Frequency("FREQ=WEEKLY", seasons=(SeasonWindow.parse("06-01..08-31"),))),),
)
TASKS = (SWEEP, MOP, GLASS, MOW)


def test_a_level_one_lobby_gets_two_sweeps_a_mop_and_weekly_glass() -> None:
    areas = [Area("lobby-1", "lobby", ServiceLevel.ONE, "cleaner-zhang")]
    lists = daily_task_lists(
        areas, TASKS, dt.date(2026, 6, 1), dt.date(2026, 6, 14), epoch=dt.date(2026, 6, 1)
    )
    assert lists[("cleaner-zhang", dt.date(2026, 6, 1))] == (
        TaskLine("lobby-1", "sweep", 2),
        TaskLine("lobby-1", "mop", 1),
        TaskLine("lobby-1", "glass", 1),
    )
    assert lists[("cleaner-zhang", dt.date(2026, 6, 2))] == (
        TaskLine("lobby-1", "sweep", 2),
        TaskLine("lobby-1", "mop", 1),
    )


def test_lower_service_levels_mop_less_often_and_skip_glass() -> None:
    areas = [Area("lobby-3", "lobby", ServiceLevel.THREE, "cleaner-liu")]
    lists = daily_task_lists(
        areas, TASKS, dt.date(2026, 6, 1), dt.date(2026, 7, 31), epoch=dt.date(2026, 6, 1)
    )
    mops = [day for (_, day), lines in lists.items() if any(t.task == "mop" for t in lines)]
    assert mops == [dt.date(2026, 6, 1), dt.date(2026, 7, 1)]
    assert not any(t.task == "glass" for lines in lists.values() for t in lines)


def test_each_cleaner_only_gets_the_areas_assigned_to_them_and_mowing_only_in_summer() -> None:
    areas = [
        Area("lobby-1", "lobby", ServiceLevel.ONE, "zhang"),
        Area("lawn-east", "lawn", ServiceLevel.ONE, "gardener-he"),
    ]
    lists = daily_task_lists(
        areas, TASKS, dt.date(2026, 5, 1), dt.date(2026, 9, 30), epoch=dt.date(2026, 5, 4)
    )
    assert all(
        line.area == "lobby-1"
        for (who, _), lines in lists.items()
        if who == "zhang"
        for line in lines
    )
    mow_days = [day for (who, day) in lists if who == "gardener-he"]
    assert mow_days and all(6 <= d.month <= 8 for d in mow_days)
    assert len(mow_days) == 14  # the Mondays of June, July and August
