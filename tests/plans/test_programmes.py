"""Plans from the catalog: an elevator's TSG T5002 programme, cleaning by service level, updates."""

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.contractors.models import Contractor
from app.core import clock
from app.core.validation import StaleEdit
from app.equipment.models import Equipment
from app.extensions import db
from app.people.models import Team
from app.plans.models import Plan
from app.plans.programmes import (
    ProgrammeError,
    TaskChoice,
    apply_area_programme,
    apply_catalog_update,
    apply_programme,
    catalog_changes,
)
from app.sites.models import Location, Site
from schedules import parse_rule
from tests.plans.conftest import QUARTERLY_2027, write_catalog_file

TIERS = ["half_monthly", "quarterly", "half_yearly", "annual"]


def _tiered(plans: list[Plan]) -> list[Plan]:
    return sorted((p for p in plans if p.tier_group), key=lambda p: p.tier_level or 0)


def test_applying_the_programme_to_a_traction_elevator_creates_its_four_tiered_plans(
    elevator: Equipment,
) -> None:
    plans = apply_programme(elevator)
    tiered = _tiered(plans)
    assert [p.catalog_task_key for p in tiered] == TIERS
    assert {p.tier_group for p in tiered} == {"tsg_t5002"}
    assert [p.tier_level for p in tiered] == [1, 2, 3, 4]
    assert [p.rrule for p in tiered] == [
        "FREQ=DAILY;INTERVAL=15",
        "FREQ=MONTHLY;INTERVAL=3",
        "FREQ=MONTHLY;INTERVAL=6",
        "FREQ=YEARLY;INTERVAL=1",
    ]
    assert [p.ceiling_days for p in tiered] == [15, None, None, None]
    assert tiered[0].anchor == "completion"
    others = {p.catalog_task_key for p in plans} - set(TIERS)
    assert others == {"governor_calibration", "periodic_inspection", "self_test"}


def test_the_levels_of_a_tier_chain_share_one_start_and_remember_their_catalog_version(
    elevator: Equipment,
) -> None:
    plans = _tiered(apply_programme(elevator, overrides={}))
    assert {(p.starts_on, p.time_of_day) for p in plans} == {(date(2026, 3, 2), time(9, 0))}
    assert {p.catalog_type_key for p in plans} == {"traction_elevator"}
    assert all(p.catalog_version and p.catalog_version.startswith("2026.2+") for p in plans)
    assert [len(p.checklist) for p in plans] == [31, 13, 15, 17]  # each tier its own items
    assert plans[0].checklist[4]["key_item"] is True


def test_statutory_elevator_work_goes_to_the_maintenance_contractor_not_our_team(
    elevator: Equipment, lift_company: Contractor
) -> None:
    plans = apply_programme(elevator)
    assert {p.contractor_id for p in plans} == {lift_company.id}
    assert {p.team_id for p in plans} == {None}
    assert {p.criticality for p in _tiered(plans)} == {"statutory"}
    assert all("TSG T5002" in p.legal_basis for p in _tiered(plans))
    assert {p.licence_kind for p in _tiered(plans)} == {"special_equipment_elevator"}


def test_applying_the_programme_again_keeps_the_existing_plans_and_adds_none(
    elevator: Equipment,
) -> None:
    first = apply_programme(elevator)
    again = apply_programme(elevator)
    count = db.session.scalar(select(func.count()).select_from(Plan))
    assert again == []
    assert count == len(first) == 7


def test_inspection_years_become_age_bands_the_scheduler_can_read(elevator: Equipment) -> None:
    plans = {p.catalog_task_key: p for p in apply_programme(elevator)}
    bands = plans["periodic_inspection"].age_bands
    # TSG T7001: service years 1, 4, 7, 9, 11, 13, 15 (year 1 = age 0), then yearly
    assert [b["min_years"] for b in bands] == [0, 3, 6, 8, 10, 12, 14, 15]
    assert bands[0]["rrule"] == "FREQ=YEARLY;INTERVAL=3"
    for band in bands:
        parse_rule(band["rrule"])
    assert plans["periodic_inspection"].kind == "inspection"


def test_a_task_the_user_leaves_out_is_not_created_and_adjusted_times_are_kept(
    elevator: Equipment, engineering: Team
) -> None:
    plans = apply_programme(
        elevator,
        overrides={
            "traction_elevator:self_test": TaskChoice(include=False),
            "traction_elevator:governor_calibration": TaskChoice(
                time_of_day=time(14, 30), performer="in_house_licensed"
            ),
        },
    )
    by_key = {p.catalog_task_key: p for p in plans}
    assert "self_test" not in by_key
    governor = by_key["governor_calibration"]
    assert governor.time_of_day == time(14, 30)
    assert governor.team_id == engineering.id and governor.contractor_id is None


def test_a_team_of_another_site_is_refused_next_to_that_task_and_nothing_is_saved(
    elevator: Equipment,
) -> None:
    other = Site(code="OTHER", name="别的项目", service_level=2)
    db.session.add(other)
    db.session.flush()
    foreign = Team(site_id=other.id, code="X", name="别的工程部", kind="engineering")
    db.session.add(foreign)
    db.session.flush()
    with pytest.raises(ProgrammeError) as refused:
        apply_programme(
            elevator,
            overrides={"traction_elevator:quarterly": TaskChoice(team_id=foreign.id)},
        )
    assert list(refused.value.fields) == ["traction_elevator:quarterly.team_id"]
    assert db.session.scalar(select(func.count()).select_from(Plan)) == 0


def test_equipment_without_a_catalog_type_gets_a_clear_message(elevator: Equipment) -> None:
    elevator.type_key = None
    with pytest.raises(ProgrammeError) as refused:
        apply_programme(elevator)
    assert "type_key" in refused.value.fields


def _lobby_plans(lobby: Location) -> dict[str, Plan]:
    plans = apply_area_programme(lobby)
    return {p.catalog_task_key: p for p in plans if p.kind == "cleaning"}


def test_cleaning_plans_follow_the_site_service_level(
    site: Site, lobby: Location, cleaning_team: Team
) -> None:
    site.service_level = 1
    level_one = _lobby_plans(lobby)
    assert level_one["lobby.sweep"].rrule == "FREQ=DAILY;BYHOUR=8,15"
    assert "lobby.mop" in level_one  # 首层大堂拖洗: daily at level 1 only
    assert level_one["lobby.sweep"].team_id == cleaning_team.id
    assert level_one["lobby.sweep"].holiday_policy == "ignore"
    assert level_one["lobby.sweep"].location_id == lobby.id


def test_a_level_two_site_gets_daily_sweeping_and_no_lobby_mopping(
    site: Site, lobby: Location, cleaning_team: Team
) -> None:
    plans = _lobby_plans(lobby)
    assert plans["lobby.sweep"].rrule == "FREQ=DAILY;INTERVAL=1"
    assert "lobby.mop" not in plans
    assert not any(key.startswith("site.") for key in plans)  # site-wide tasks only on request


def test_lowering_the_service_level_shows_as_a_change_of_the_cleaning_plan(
    site: Site, lobby: Location, cleaning_team: Team
) -> None:
    site.service_level = 1
    sweep = _lobby_plans(lobby)["lobby.sweep"]
    assert catalog_changes(sweep) == []
    site.service_level = 2
    changes = catalog_changes(sweep)
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("rrule", "FREQ=DAILY;BYHOUR=8,15", "FREQ=DAILY;INTERVAL=1")
    ]


def test_a_catalog_release_is_listed_as_changes_and_applied_only_on_request(
    elevator: Equipment, catalog_paths: list[str], tmp_path: Path
) -> None:
    plans = {p.catalog_task_key: p for p in apply_programme(elevator)}
    quarterly = plans["quarterly"]
    db.session.commit()
    catalog_paths.append(write_catalog_file(tmp_path, "site.yaml", QUARTERLY_2027))

    changes = {c.field: c for c in catalog_changes(quarterly)}
    assert set(changes) == {"tolerance_after_days", "checklist"}
    assert (changes["tolerance_after_days"].old, changes["tolerance_after_days"].new) == (7, 14)
    assert changes["checklist"].added == (("新增：称重装置校准", "New: load-weighing calibration"),)
    assert len(changes["checklist"].removed) == 12
    assert quarterly.tolerance_after_days == 7  # nothing changed by itself
    assert catalog_changes(plans["half_monthly"]) == []  # its task is the same

    apply_catalog_update(quarterly, quarterly.version)
    assert quarterly.tolerance_after_days == 14
    assert [i["key"] for i in quarterly.checklist] == ["q01", "q14"]
    assert catalog_changes(quarterly) == []


def test_applying_a_catalog_update_to_an_old_version_of_the_plan_is_refused(
    elevator: Equipment,
) -> None:
    plan = apply_programme(elevator)[0]
    db.session.commit()
    with pytest.raises(StaleEdit):
        apply_catalog_update(plan, plan.version - 1)


def test_a_programme_applied_on_national_day_starts_calendar_work_on_the_next_working_day(
    elevator: Equipment, lobby: Location, cleaning_team: Team
) -> None:
    """A rule without weekdays repeats on its first day's weekday: started on a rest day
    under the skip policy, every visit of a season was skipped (2022 began on a Saturday)."""
    with clock.pinned(datetime(2026, 10, 3, 2, 0, tzinfo=UTC)):  # Saturday 10:00, 国庆
        lift = {p.catalog_task_key: p for p in apply_programme(elevator)}
        lobby_plans = {p.catalog_task_key: p for p in apply_area_programme(lobby)}
    assert lift["half_monthly"].holiday_policy != "ignore"
    assert lift["half_monthly"].starts_on == date(2026, 10, 8)  # 国庆 is 10-01..10-07
    assert lift["annual"].starts_on == date(2026, 10, 8)  # one chain, one start
    assert lobby_plans["lobby.sweep"].holiday_policy == "ignore"
    assert lobby_plans["lobby.sweep"].starts_on == date(2026, 10, 3)  # cleaned every day
