"""Levelling first visits: spread, never later than one period, never on a rest day."""

import math

from hypothesis import given
from hypothesis import strategies as st

from schedules.levelling import WINDOW_DAYS, LevelItem, level_starts, visits_in_window

periods = st.sampled_from([1, 7, 14, 15, 30, 60, 90, 180, 365, 730])
items = st.lists(
    st.builds(
        LevelItem,
        key=st.text("abcdefgh", min_size=1, max_size=6),
        period_days=periods,
        weight=st.integers(1, 3),
        workdays_only=st.booleans(),
    ),
    max_size=60,
    unique_by=lambda item: item.key,
)
weekends = {d for d in range(WINDOW_DAYS) if d % 7 in (5, 6)}


def _load(chosen: dict[str, int], placed: list[LevelItem]) -> list[int]:
    load = [0] * WINDOW_DAYS
    for item in placed:
        for day in visits_in_window(chosen[item.key], item.period_days):
            load[day] += item.weight
    return load


@given(items)
def test_every_first_visit_comes_within_one_period_and_off_rest_days(placed) -> None:
    chosen = level_starts(placed, weekends)
    assert set(chosen) == {item.key for item in placed}
    for item in placed:
        assert 0 <= chosen[item.key] < max(1, min(item.period_days, WINDOW_DAYS))
        if item.workdays_only and item.period_days > 2:
            assert chosen[item.key] not in weekends


@given(items)
def test_the_busiest_day_is_never_busier_than_starting_everything_on_day_one(placed) -> None:
    chosen = level_starts(placed, weekends)
    day_one = _load({item.key: 0 for item in placed}, placed)
    assert max(_load(chosen, placed), default=0) <= max(day_one, default=0)


@given(st.integers(1, 80), st.sampled_from([30, 90, 365]))
def test_alike_monthly_or_longer_tasks_share_the_working_days_evenly(
    count: int, period: int
) -> None:
    placed = [LevelItem(f"t{n}", period) for n in range(count)]
    load = _load(level_starts(placed, weekends), placed)
    working_days = WINDOW_DAYS - len(weekends)
    assert max(load) == math.ceil(count / working_days)


def test_fifty_monthly_checks_are_not_all_due_on_day_one() -> None:
    placed = [LevelItem(f"m{n}", 30) for n in range(50)]
    chosen = level_starts(placed, weekends)
    assert max(_load(chosen, placed)) == 3  # 50 over 20 working days, not 50 on one


def test_pinned_work_is_levelled_around() -> None:
    pinned = [5] + [0] * (WINDOW_DAYS - 1)
    chosen = level_starts([LevelItem("a", 30)], fixed_load=pinned)
    assert chosen["a"] == 1
