"""Frequencies, seasons, age bands, diffs and immutability of catalog objects."""

from dataclasses import FrozenInstanceError, replace
from datetime import date, datetime

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given
from hypothesis import strategies as st

from app.catalog import Catalog, Names, Season, Unit, diff_task, diff_type
from app.catalog.frequency import FrequencyError, parse_frequency, parse_interval, parse_rrule

UNIT_WORDS = [unit.value for unit in Unit] + [f"{unit.value}s" for unit in Unit]


@given(count=st.integers(min_value=1, max_value=500), word=st.sampled_from(UNIT_WORDS))
def test_every_count_and_unit_becomes_an_rrule_and_a_completion_interval(
    count: int, word: str
) -> None:
    frequency = parse_interval(f"{count} {word}")
    assert frequency.interval is not None
    rule = rrulestr(frequency.rrule, dtstart=datetime(2026, 1, 1))
    assert rule[0] + frequency.interval == rule[1]
    assert frequency.approx_days > 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 fortnight", 'unknown unit "fortnight"'),
        ("0 days", '"0 days": the count must be at least 1'),
        ("weekly", '"weekly" is not "<n> <unit>" (e.g. "2 weeks"); for anything else use rrule'),
    ],
)
def test_a_frequency_outside_the_grammar_is_refused_with_the_reason(
    text: str, message: str
) -> None:
    with pytest.raises(FrequencyError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        parse_interval(text)


@pytest.mark.parametrize("part", ["DTSTART=20260101T000000", "UNTIL=20270101", "COUNT=3"])
def test_a_catalog_rrule_may_not_fix_what_belongs_to_a_plan(part: str) -> None:
    with pytest.raises(FrequencyError, match="belongs to a plan"):
        parse_rrule(f"FREQ=WEEKLY;{part}")


def test_an_rrule_that_never_occurs_is_refused() -> None:
    with pytest.raises(FrequencyError, match="it never occurs"):
        parse_rrule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30")


def test_several_times_a_day_is_counted_per_day_on_a_day_level_rule() -> None:
    twice_daily = parse_frequency({"rrule": "FREQ=DAILY;BYHOUR=7,14"})
    assert (twice_daily.date_rule, twice_daily.times_per_day) == ("FREQ=DAILY", 2)
    every_eight_hours = parse_frequency("8 hours")
    assert (every_eight_hours.date_rule, every_eight_hours.times_per_day) == ("FREQ=DAILY", 3)
    assert parse_frequency("2 weeks").times_per_day == 1


def test_a_winter_season_wraps_over_new_year_and_includes_leap_days() -> None:
    winter = Season("12-01", "02-29", Names("冬季", "winter"))
    assert winter.contains(date(2026, 12, 24))
    assert winter.contains(date(2028, 2, 29))
    assert not winter.contains(date(2027, 3, 1))


def test_a_task_picks_its_frequency_by_age_level_or_date(shipped_catalog: Catalog) -> None:
    calibration = shipped_catalog.type("traction_elevator").task("governor_calibration")
    assert str(calibration.frequency_for(age_years=3)) == "2 years"
    assert shipped_catalog.cleaning is not None
    glass = next(t for t in shipped_catalog.cleaning.site_tasks if t.key == "clean_glass")
    assert [str(glass.frequency_for(level=n)) for n in (1, 2, 3)] == [
        "1 week",
        "1 month",
        "3 months",
    ]


def test_completion_anchored_tasks_give_the_interval_to_add_after_the_last_visit(
    shipped_catalog: Catalog,
) -> None:
    half_monthly = shipped_catalog.type("traction_elevator").task("half_monthly")
    assert half_monthly.anchor == "completion"
    assert half_monthly.frequency is not None
    assert date(2026, 3, 1) + half_monthly.frequency.interval == date(2026, 3, 16)


def test_catalog_objects_cannot_be_changed_in_place(shipped_catalog: Catalog) -> None:
    elevator = shipped_catalog.type("traction_elevator")
    with pytest.raises(FrozenInstanceError):
        elevator.task("annual").minutes = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        elevator.programmes["tsg_t5002"] = elevator.programmes["tsg_t7001"]  # type: ignore[index]


def test_a_task_diff_lists_changed_fields_and_checklist_items(shipped_catalog: Catalog) -> None:
    old = shipped_catalog.type("fire_pump").task("weekly_auto_start")
    new = replace(
        old,
        frequency=parse_frequency("2 weeks"),
        items=(*old.items[1:], replace(old.items[0], key="w09")),
    )
    assert diff_task(old, new) == [
        "frequency: 1 week → 2 weeks",
        "items: − w01 模拟自动启动成功",
        "items: + w09 模拟自动启动成功",
    ]


def test_a_type_diff_names_added_removed_and_changed_tasks(shipped_catalog: Catalog) -> None:
    old = shipped_catalog.type("fire_pump")
    changed = replace(old.tasks[1], minutes=45)
    new = replace(old, tasks=(changed, old.tasks[2]))
    assert diff_type(old, new) == [
        "tasks: − weekly_auto_start 每周模拟自动启动（自动巡检）",
        "tasks.monthly_manual_run.minutes: 30 → 45",
    ]


def test_an_unchanged_type_has_no_diff(shipped_catalog: Catalog) -> None:
    elevator = shipped_catalog.type("traction_elevator")
    assert diff_type(elevator, elevator) == []
