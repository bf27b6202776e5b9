"""A year of a site, lived through the app's own services: every promise checked over it.

Each test is one invariant from issue 12, run over every scenario of `conftest.py`
(fixed seeds under both holiday policies, plus a year of 2004–2027 picked by a printed
seed). The ones the app breaks today are marked `xfail(strict=True)` with the defect:
when a fix lands the test passes, strict xfail turns that into a failure, and the mark
must go.
"""

from __future__ import annotations

from tests.simulation import invariants as inv
from tests.simulation.record import Record


def _holds(check: inv.Check, year: Record) -> None:
    violations = check(year)
    assert not violations, f"{year.scenario.name}: " + "\n".join(violations)


def test_the_year_was_lived_with_completions_of_every_kind(year: Record) -> None:
    assert {"on_time", "early", "late", "missed"} <= set(year.fates), year.fates
    assert any("holiday notice" in event for event in year.events), year.events
    assert year.crash_killed, "the holiday notice's re-plan was not killed midway"
    assert year.level_change is not None
    assert any(row.kind == "corrective" for row in year.rows)
    assert any(row.status == "done_late" for row in year.rows)


def test_no_iso_week_passes_without_a_visit_of_a_weekly_statutory_task(year: Record) -> None:
    _holds(inv.no_iso_week_without_a_visit_of_a_weekly_statutory_task, year)


def test_no_calendar_month_passes_without_a_visit_of_a_monthly_statutory_task(
    year: Record,
) -> None:
    _holds(inv.no_calendar_month_without_a_visit_of_a_monthly_statutory_task, year)


def test_quarterly_to_yearly_statutory_visits_are_never_further_apart_than_period_and_tolerance(
    year: Record,
) -> None:
    _holds(inv.no_gap_beyond_period_and_tolerance_for_quarterly_to_yearly_statutory_tasks, year)


def test_elevator_half_monthly_visits_are_at_most_15_days_apart(year: Record) -> None:
    _holds(inv.elevator_half_monthly_visits_are_at_most_15_days_apart, year)


def test_each_tier_is_done_exactly_once_per_its_period(year: Record) -> None:
    _holds(inv.each_tier_is_done_exactly_once_per_its_period, year)


def test_seasonal_tasks_fall_inside_their_window_every_year(year: Record) -> None:
    _holds(inv.seasonal_tasks_fall_inside_their_window_every_year, year)


def test_plans_started_on_the_29th_to_31st_get_every_month(year: Record) -> None:
    _holds(inv.plans_started_on_the_29th_to_31st_get_every_month, year)


def test_a_task_applied_at_any_hour_gets_its_first_visit_today_or_the_next_working_day(
    year: Record,
) -> None:
    _holds(inv.a_task_applied_at_any_hour_gets_its_first_visit_today_or_the_next_working_day, year)


def test_statutory_inspections_follow_the_ledgers_next_inspection_date(year: Record) -> None:
    _holds(inv.statutory_inspections_follow_the_ledgers_next_inspection_date, year)


def test_no_qualified_person_on_duty_carries_more_than_the_even_share_plus_one_task_a_day(
    year: Record,
) -> None:
    _holds(
        inv.no_qualified_person_on_duty_carries_more_than_the_even_share_plus_one_task_a_day, year
    )


def test_every_reassignment_and_unassigned_visit_has_a_true_reason(year: Record) -> None:
    _holds(inv.every_reassignment_and_unassigned_visit_has_a_true_reason, year)


def test_after_a_killed_replan_and_the_next_run_the_rows_equal_a_fresh_regenerate(
    year: Record,
) -> None:
    _holds(inv.after_a_killed_replan_and_the_next_run_stored_rows_equal_a_fresh_regenerate, year)


def test_a_service_level_change_replans_cleaning_and_patrol_plans(year: Record) -> None:
    _holds(inv.a_service_level_change_replans_cleaning_and_patrol_plans, year)


def test_no_building_has_all_its_lifts_or_the_fire_lift_and_another_out_at_once(
    year: Record,
) -> None:
    _holds(inv.no_building_has_all_lifts_or_the_fire_lift_and_another_out_at_once, year)


def test_no_two_power_or_water_outages_of_one_building_overlap(year: Record) -> None:
    _holds(inv.no_two_power_or_water_outages_of_one_building_overlap, year)
